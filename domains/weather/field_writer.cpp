#include "domains/weather/field_writer.h"

#include <netcdf.h>

#include "core/io/atomic_file.h"
#include "core/util/error.h"
#include "domains/weather/cf_output.h"
#include "domains/weather/netcdf_file.h"

namespace tessera::weather {

void write_fields(const std::string& path, const FieldDataset& fields) {
  for (const auto& c : fields.channels)
    if (c.has_level) throw Error("write_fields: channel '" + c.name + "' has a level; only surface fields are supported");
  require_output_folder(path);
  io::write_atomically(path, [&](const std::string& tmp) {
    NetcdfFile file = NetcdfFile::create(tmp);
    const std::string time_name = fields.time.name.empty() ? "time" : fields.time.name;
    const int time_dim = file.add_dimension(time_name, fields.time.values.size());
    const GridOutput grid = define_grid(file, fields, false);
    const int time_var = file.add_variable(time_name, NC_DOUBLE, {time_dim}, portable_attributes(fields.time.attributes));
    std::vector<int> vars;
    for (const auto& c : fields.channels)
      vars.push_back(define_field_variable(file, c.variable, {time_dim, grid.latitude.dim, grid.longitude.dim},
                                           portable_attributes(c.attributes)));
    file.put_attributes(NC_GLOBAL, output_global_attributes(fields.global_attributes, {}));
    file.check(nc_enddef(file.id()), "cannot finish the header");
    put_grid(file, fields, grid);
    file.put_values(time_var, fields.time.values);
    const size_t count[3] = {1, static_cast<size_t>(fields.lats()), static_cast<size_t>(fields.lons())};
    for (int64_t t = 0; t < fields.times(); ++t)
      for (int64_t c = 0; c < fields.num_channels(); ++c) {
        const size_t start[3] = {static_cast<size_t>(t), 0, 0};
        file.check(nc_put_vara_float(file.id(), vars[static_cast<size_t>(c)], start, count, &fields.values[fields.index(t, c, 0, 0)]),
                   "cannot write '" + fields.channels[static_cast<size_t>(c)].name + "'");
      }
    file.close();
  });
}

}  // namespace tessera::weather
