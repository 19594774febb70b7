#pragma once
// A NetCDF-3 header (CDF-1, CDF-2 or CDF-5) checked against the file's size before NetCDF-C reads
// it: NetCDF-C allocates every list and name at the length the header declares, so a corrupt
// header declaring 400 million dimensions or a 4 GB name asks for gigabytes before it finds the
// file too short; and it hands names back by copying them into NC_MAX_NAME + 1 bytes whatever
// their length.
#include <string>

namespace tessera::weather {

// Throws DataError naming `path` ("truncated or corrupt NetCDF file (...)") when a count or length
// in the header reaches past the end of the file or a name is longer than NC_MAX_NAME. Files that
// do not start with "CDF" pass.
void check_classic_header(const std::string& path);

}  // namespace tessera::weather
