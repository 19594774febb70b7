#pragma once
// Gridded fields written back out in the conventions read_fields reads (for generated data sets).
#include <string>

#include "domains/weather/field_dataset.h"

namespace tessera::weather {

// A CF-1.8 NetCDF-4 file with the dataset's time, latitude and longitude coordinates and one
// float variable per channel (channels must not have levels), written to a temporary file and
// renamed into place.
void write_fields(const std::string& path, const FieldDataset& fields);

}  // namespace tessera::weather
