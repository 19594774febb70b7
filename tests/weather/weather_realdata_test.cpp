// End to end on the real ERA5 file (../shared/data/weather): the shipped config trains a shrunken
// model for a few steps, predict writes a forecast on the ERA5 grid and eval scores days 25-31.
// Skips when the shared data is absent.
#include <gtest/gtest.h>
#include <netcdf.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::run_tessera;

const std::string kEra5 = TESSERA_SOURCE_DIR "/../shared/data/weather/era5_t2m_uk_2019-03_hourly.nc";

TEST(WeatherRealData, Era5TrainPredictEval) {
  if (!fs::exists(kEra5)) GTEST_SKIP() << kEra5 << " is absent (the shared data is not on this machine)";
  const test_support::ScratchDir scratch;
  const std::string dir = scratch.str();
  const auto train = run_tessera("train --config " TESSERA_SOURCE_DIR "/configs/weather/era5-t2m-uk.yaml --run-dir " + dir +
                                 "/run --max-steps 5 --set 'data.files=[" + kEra5 +
                                 "]' --set model.d_model=16 --set model.n_layer=1 --set model.afno_blocks=2"
                                 " --set training.eval_every=0 --set training.eval_batches=1");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::string checkpoint = dir + "/run/checkpoints/last.h5", out = dir + "/forecast.nc";

  const auto predict = run_tessera("predict weather --checkpoint " + checkpoint + " --input " + kEra5 + " --output " + out);
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  int ncid = -1, var = -1, dim = -1;
  size_t lats = 0, times = 0;
  ASSERT_EQ(nc_open(out.c_str(), NC_NOWRITE, &ncid), NC_NOERR);
  ASSERT_EQ(nc_inq_varid(ncid, "t2m", &var), NC_NOERR);
  ASSERT_EQ(nc_inq_dimid(ncid, "latitude", &dim), NC_NOERR);
  nc_inq_dimlen(ncid, dim, &lats);
  ASSERT_EQ(nc_inq_dimid(ncid, "time", &dim), NC_NOERR);
  nc_inq_dimlen(ncid, dim, &times);
  EXPECT_EQ(lats, 33u);
  EXPECT_EQ(times, 744u);
  float first = 0;
  const size_t start[] = {0, 0, 0, 0};
  nc_get_var1_float(ncid, var, start, &first);
  EXPECT_GT(first, 250.0f);  // a temperature in K, not a normalized value
  EXPECT_LT(first, 300.0f);
  nc_close(ncid);

  const auto eval = run_tessera("eval weather --checkpoint " + checkpoint + " --input " + kEra5 + " --json " + dir + "/scores.json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  std::ifstream in(dir + "/scores.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["initial_times"], 7 * 24 - 24);  // days 25-31, every hour that reaches +24 h inside them
  EXPECT_EQ(j["scores"].size(), 12u);          // 4 leads x (model, persistence, climatology)
}

}  // namespace
}  // namespace tessera
