#pragma once
// One NetCDF file's gridded variables, decoded; read_fields merges several of these.
#include <string>
#include <vector>

#include "domains/weather/field_dataset.h"

namespace tessera::weather {

struct FieldFile {
  FieldDataset fields;  // time in file order; time_hours NaN when the time axis has no CF units
  bool time_decoded = false;
  std::vector<std::string> data_variables;  // every non-coordinate variable, for "has: ..." messages
};

// Reads the wanted variables this file holds (all gridded ones when `wanted` is empty); a file that
// holds none of them yields no channels. Throws DataError naming the file for everything else.
FieldFile read_field_file(const std::string& path, const std::vector<std::string>& wanted);

// Message helpers: "500" for 500.0 ("NaN", "+Inf"), "u, v, z", and a time as "2019-03-01T06:00"
// (or "'month' = 7" when the axis could not be decoded).
std::string format_number(double value);
std::string join_names(const std::vector<std::string>& names);
std::string time_label(const FieldDataset& d, bool decoded, size_t t);

}  // namespace tessera::weather
