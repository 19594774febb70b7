// A forecast file opened by xarray (Debian python3-xarray + python3-netcdf4), the tool most users
// will open it with: coordinates, decoded dates and lead times. Skips when xarray is absent.
#include <gtest/gtest.h>

#include <fstream>

#include "domains/weather/field_dataset.h"
#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera::weather {
namespace {

TEST(ForecastXarray, OpensWithDatesAndCoordinates) {
  if (test_support::run_shell("/usr/bin/python3 -c 'import xarray, netCDF4'").exit_code != 0)
    GTEST_SKIP() << "xarray not installed (apt-get install python3-xarray python3-netcdf4)";
  const test_support::ScratchDir scratch;
  const std::string dir = scratch.str();
  test_support::GridSpec spec;
  spec.times = {0, 6, 12};
  spec.longitudes = {-180, -90, 0, 90};
  test_support::write_grid_file(dir + "/in.nc", spec);
  const FieldDataset source = read_fields({dir + "/in.nc"});
  Forecast forecast{{1, 2}, {6, 24}, std::vector<float>(2 * 2 * 12, 280.5f)};
  write_forecast(dir + "/out.nc", source, forecast, {dir + "/in.nc"});

  std::ofstream(dir + "/check.py") << R"(import sys, xarray
ds = xarray.open_dataset(sys.argv[1])
print(list(ds.t2m.dims))
print(list(ds.lat.values), list(ds.lon.values))
print([str(t)[:16] for t in ds.time.values])
print([int(l / 3600e9) for l in ds.lead_time.values.astype('int64')])
print([str(t)[:16] for t in ds.valid_time.values.ravel()])
print(float(ds.t2m.max()), ds.t2m.attrs['units'], ds.attrs['Conventions'])
)";
  const auto r = test_support::run_shell("/usr/bin/python3 " + dir + "/check.py " + dir + "/out.nc");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "['time', 'lead_time', 'lat', 'lon']\n"
            "[60.0, 55.0, 50.0] [-180.0, -90.0, 0.0, 90.0]\n"
            "['2019-03-01T06:00', '2019-03-01T12:00']\n"
            "[6, 24]\n"
            "['2019-03-01T12:00', '2019-03-02T06:00', '2019-03-01T18:00', '2019-03-02T12:00']\n"
            "280.5 K CF-1.8\n");
}

}  // namespace
}  // namespace tessera::weather
