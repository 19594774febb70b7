#pragma once
// What every NetCDF file we write shares: the grid's coordinates with the attributes CF tools
// look for, compressed float field variables with a NaN fill, and CF-1.8 global attributes.
#include <string>
#include <vector>

#include "domains/weather/field_dataset.h"
#include "domains/weather/netcdf_file.h"

namespace tessera::weather {

Attribute text_value(const std::string& value);

// Throws InputError(path) unless the folder the file goes into exists (NetCDF-C would report a
// missing folder as "Permission denied" on the temporary file).
void require_output_folder(const std::string& path);

// A variable's attributes minus those that describe its storage (fills, "_"-prefixed library
// attributes) or name variables the output does not have (bounds, coordinates, grid_mapping, ...).
Attributes portable_attributes(Attributes attributes);

struct CoordinateOutput {
  int dim = -1;
  int var = -1;
  int bounds_var = -1;
};

struct GridOutput {
  CoordinateOutput level;  // dim -1 without levels
  CoordinateOutput latitude;
  CoordinateOutput longitude;
};

// Defines [level,] latitude and longitude (with a `bnds` dimension when any has bounds).
GridOutput define_grid(const NetcdfFile& file, const FieldDataset& source, bool with_level);
void put_grid(const NetcdfFile& file, const FieldDataset& source, const GridOutput& grid);

// A float variable over `dims` (the last two latitude, longitude), chunked per 2-D field,
// deflated, with _FillValue NaN.
int define_field_variable(const NetcdfFile& file, const std::string& name, const std::vector<int>& dims,
                          const Attributes& attributes);

// The source's global attributes, Conventions = CF-1.8, then `extra` (which wins).
Attributes output_global_attributes(const Attributes& source, const Attributes& extra);

}  // namespace tessera::weather
