// write_forecast round trip, read back with plain NetCDF-C calls (not through read_fields).
#include <gtest/gtest.h>
#include <netcdf.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/util/error.h"
#include "domains/weather/field_dataset.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera::weather {
namespace {

namespace fs = std::filesystem;
using test_support::GridSpec;
using test_support::ScratchDir;
using test_support::write_grid_file;

// The output file, opened read-only, with small accessors that fail the test on any error.
class Output {
 public:
  explicit Output(const std::string& path) { EXPECT_EQ(nc_open(path.c_str(), NC_NOWRITE, &ncid_), NC_NOERR) << path; }
  ~Output() { nc_close(ncid_); }

  int var(const std::string& name) const {
    int id = -1;
    EXPECT_EQ(nc_inq_varid(ncid_, name.c_str(), &id), NC_NOERR) << name;
    return id;
  }
  std::vector<std::string> dims(const std::string& name) const {
    int n = 0, ids[NC_MAX_VAR_DIMS];
    nc_inq_varndims(ncid_, var(name), &n);
    nc_inq_vardimid(ncid_, var(name), ids);
    std::vector<std::string> out;
    for (int k = 0; k < n; ++k) {
      char dim[NC_MAX_NAME + 1] = {};
      nc_inq_dimname(ncid_, ids[k], dim);
      out.push_back(dim);
    }
    return out;
  }
  std::vector<double> values(const std::string& name) const {
    size_t total = 1;
    int n = 0, ids[NC_MAX_VAR_DIMS];
    nc_inq_varndims(ncid_, var(name), &n);
    nc_inq_vardimid(ncid_, var(name), ids);
    for (int k = 0; k < n; ++k) {
      size_t length = 0;
      nc_inq_dimlen(ncid_, ids[k], &length);
      total *= length;
    }
    std::vector<double> out(total);
    EXPECT_EQ(nc_get_var_double(ncid_, var(name), out.data()), NC_NOERR);
    return out;
  }
  std::string text(const std::string& name, const std::string& attribute) const {
    const int id = name.empty() ? NC_GLOBAL : var(name);
    size_t length = 0;
    if (nc_inq_attlen(ncid_, id, attribute.c_str(), &length) != NC_NOERR) return "<absent>";
    std::string out(length, '\0');
    nc_get_att_text(ncid_, id, attribute.c_str(), out.data());
    return out;
  }
  int format() const {
    int f = 0;
    nc_inq_format(ncid_, &f);
    return f;
  }

 private:
  int ncid_ = -1;
};

// A forecast whose value tells where it belongs: 1000 init + 100 lead + 10 channel + y + x/10.
Forecast labelled_forecast(const FieldDataset& source, std::vector<int64_t> inits, std::vector<double> leads) {
  Forecast f{std::move(inits), std::move(leads), {}};
  for (size_t i = 0; i < f.init_times.size(); ++i)
    for (size_t l = 0; l < f.lead_hours.size(); ++l)
      for (int64_t c = 0; c < source.num_channels(); ++c)
        for (int64_t y = 0; y < source.lats(); ++y)
          for (int64_t x = 0; x < source.lons(); ++x)
            f.values.push_back(static_cast<float>(1000 * i + 100 * l + 10 * c + y + 0.1 * x));
  return f;
}

TEST(ForecastWriter, RoundTripOnTheSourceGrid) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  GridSpec spec;
  spec.times = {0, 0.25, 0.5};
  spec.time_units = "days since 2019-03-01";
  write_grid_file(dir + "/in.nc", spec);
  const FieldDataset source = read_fields({dir + "/in.nc"});
  const Forecast forecast = labelled_forecast(source, {0, 2}, {6, 12});
  write_forecast(dir + "/out.nc", source, forecast, {dir + "/in.nc"}, {{"source", Attribute{"unit test", {}}}});

  const Output out(dir + "/out.nc");
  EXPECT_EQ(out.format(), NC_FORMAT_NETCDF4);
  EXPECT_EQ(out.text("", "Conventions"), "CF-1.8");
  EXPECT_EQ(out.text("", "source"), "unit test");
  EXPECT_EQ(out.dims("t2m"), (std::vector<std::string>{"time", "lead_time", "lat", "lon"}));
  EXPECT_EQ(out.values("lat"), spec.latitudes);
  EXPECT_EQ(out.values("lon"), spec.longitudes);
  EXPECT_EQ(out.text("lat", "units"), "degrees_north");
  EXPECT_EQ(out.text("lon", "standard_name"), "longitude");
  EXPECT_EQ(out.values("time"), (std::vector<double>{0, 0.5}));
  EXPECT_EQ(out.text("time", "units"), "days since 2019-03-01");
  EXPECT_EQ(out.text("time", "calendar"), "gregorian");
  EXPECT_EQ(out.text("time", "standard_name"), "forecast_reference_time");
  EXPECT_EQ(out.values("lead_time"), (std::vector<double>{6, 12}));
  EXPECT_EQ(out.text("lead_time", "units"), "hours");
  EXPECT_EQ(out.text("lead_time", "standard_name"), "forecast_period");
  EXPECT_EQ(out.dims("valid_time"), (std::vector<std::string>{"time", "lead_time"}));
  EXPECT_EQ(out.values("valid_time"), (std::vector<double>{0.25, 0.5, 0.75, 1.0}));  // time + lead, in days
  EXPECT_EQ(out.text("valid_time", "units"), "days since 2019-03-01");
  EXPECT_EQ(out.text("t2m", "units"), "K");
  EXPECT_EQ(out.text("t2m", "long_name"), "2 metre temperature");
  EXPECT_EQ(out.text("t2m", "coordinates"), "valid_time");
  const std::vector<double> values = out.values("t2m");
  ASSERT_EQ(values.size(), forecast.values.size());
  for (size_t k = 0; k < values.size(); ++k) ASSERT_EQ(values[k], double(forecast.values[k])) << k;
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_TRUE(entry.path().filename() == "in.nc" || entry.path().filename() == "out.nc") << entry.path();
}

TEST(ForecastWriter, LevelsAndBoundsKeepTheirPlaces) {
  FieldDataset source;
  source.latitude = {"latitude", {10, 0}, {{"units", Attribute{"degrees_north", {}}}}, {15, 5, 5, -5}};
  source.longitude = {"longitude", {0, 120, 240}, {{"units", Attribute{"degrees_east", {}}}}, {}};
  source.level = {"plev", {850, 500}, {{"units", Attribute{"hPa", {}}}}, {}};
  source.time = {"time", {0, 6}, {{"units", Attribute{"hours since 2000-01-01", {}}}, {"calendar", Attribute{"360_day", {}}}}, {}};
  source.time_hours = {0, 6};
  source.calendar = "360_day";
  // Channels out of level order, and a surface variable between them.
  source.channels = {{"z", "z@500", true, 500, {{"units", Attribute{"m2 s-2", {}}}, {"_ChunkSizes", Attribute{"", {1, 2}}}}},
                     {"t2m", "t2m", false, 0, {}},
                     {"z", "z@850", true, 850, {}}};
  source.values.assign(static_cast<size_t>(2 * 3 * 2 * 3), 0.0f);
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  const Forecast forecast = labelled_forecast(source, {1}, {6});
  write_forecast(dir + "/out.nc", source, forecast, {});

  const Output out(dir + "/out.nc");
  EXPECT_EQ(out.dims("z"), (std::vector<std::string>{"time", "lead_time", "plev", "latitude", "longitude"}));
  EXPECT_EQ(out.dims("t2m"), (std::vector<std::string>{"time", "lead_time", "latitude", "longitude"}));
  EXPECT_EQ(out.values("plev"), (std::vector<double>{850, 500}));
  EXPECT_EQ(out.text("z", "units"), "m2 s-2");
  EXPECT_EQ(out.text("z", "_ChunkSizes"), "<absent>");  // another library's storage note
  EXPECT_EQ(out.text("latitude", "bounds"), "latitude_bnds");
  EXPECT_EQ(out.values("latitude_bnds"), (std::vector<double>{15, 5, 5, -5}));
  EXPECT_EQ(out.text("time", "calendar"), "360_day");
  EXPECT_EQ(out.values("valid_time"), (std::vector<double>{12}));
  const std::vector<double> z = out.values("z");  // [plev][lat][lon] for the single init and lead
  EXPECT_EQ(z[0], 20);                            // plev 850 is channel 2
  EXPECT_FLOAT_EQ(z[6 + 3 + 2], 0 + 1 + 0.2);    // plev 500 is channel 0: y 1, x 2
  EXPECT_FLOAT_EQ(out.values("t2m")[5], 10 + 1 + 0.2);
}

TEST(ForecastWriter, RefusesToOverwriteAnInput) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  write_grid_file(dir + "/in.nc", GridSpec{});
  fs::create_symlink(dir + "/in.nc", dir + "/link.nc");
  const FieldDataset source = read_fields({dir + "/in.nc"});
  const Forecast forecast = labelled_forecast(source, {0}, {6});
  const auto before = fs::last_write_time(dir + "/in.nc");
  for (const std::string& target : {dir + "/in.nc", dir + "/./in.nc", dir + "/link.nc"}) {
    try {
      write_forecast(target, source, forecast, {dir + "/in.nc"});
      ADD_FAILURE() << "overwrote " << target;
    } catch (const InputError& e) {
      EXPECT_EQ(e.path(), target);
      EXPECT_EQ(std::string(e.what()), "is an input file (" + dir + "/in.nc); refusing to overwrite it");
    }
  }
  EXPECT_EQ(fs::last_write_time(dir + "/in.nc"), before);
  EXPECT_NO_THROW(read_fields({dir + "/in.nc"}));
}

TEST(ForecastWriter, RefusalsLeaveNoFile) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  FieldDataset source;
  source.latitude = {"lat", {0}, {}, {}};
  source.longitude = {"lon", {0}, {}, {}};
  source.time = {"month", {1, 7}, {}, {}};
  source.channels = {{"u", "u", false, 0, {}}};
  source.values = {1, 2};
  try {
    write_forecast(dir + "/out.nc", source, Forecast{{0}, {6}, {1}}, {dir + "/in.nc"});
    ADD_FAILURE() << "wrote a forecast without valid times";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), "time axis 'month' has no '<unit> since <date>' units, so forecasts have no valid time");
  }
  source.time.attributes["units"] = Attribute{"hours since 2000-01-01", {}};
  EXPECT_THROW(write_forecast(dir + "/missing/out.nc", source, Forecast{{0}, {6}, {1}}, {}), InputError);
  EXPECT_TRUE(fs::is_empty(dir));
}

}  // namespace
}  // namespace tessera::weather
