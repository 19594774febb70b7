// The HDF5 prediction file: target names HDF5 cannot take as they are (a '/', or a name the file
// uses for itself) get a dataset of their own, and the molecule reader finds them by target name.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "domains/molecule/molecule_reader.h"
#include "domains/molecule/prediction_writer.h"
#include "tests/support/scratch_dir.h"

namespace tessera::molecule {
namespace {

TEST(PredictionH5, EscapesTargetNamesWithoutTwoSharingADataset) {
  const std::vector<std::string> names = {"y", "log/S", "log%2FS", "smiles", "%smiles", "ids", "error", "", ".", "%", "a b"};
  std::set<std::string> datasets;
  for (const std::string& n : names) {
    const std::string d = h5_target_dataset(n);
    EXPECT_EQ(d.find('/'), std::string::npos) << n;
    EXPECT_TRUE(datasets.insert(d).second) << n << " shares the dataset " << d;
  }
  EXPECT_EQ(h5_target_dataset("y"), "y");
  EXPECT_EQ(h5_target_dataset("log/S"), "log%2FS");
  EXPECT_EQ(h5_target_dataset("smiles"), "%smiles");
}

TEST(PredictionH5, ReaderFindsEveryTargetOfAWrittenFile) {
  test_support::ScratchDir dir;
  const std::string path = (dir / "p.h5").string();
  const std::vector<std::string> targets = {"log/S", "smiles", "%", "y"};
  std::vector<PredictionRow> rows(5000);  // more than one chunk
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].id = "m" + std::to_string(i);
    rows[i].smiles = i % 2 ? "CCO" : "c1ccccc1";
    if (i == 7)
      rows[i].error = "line 9: invalid SMILES";
    else
      rows[i].values = {0.5 * i, -1.0 * i, 2.0, 1e-9 * i};
  }
  {
    auto writer = open_prediction_h5(path, targets);
    writer->write(std::vector<PredictionRow>(rows.begin(), rows.begin() + 4096));
    writer->write(std::vector<PredictionRow>(rows.begin() + 4096, rows.end()));
    writer->close();
  }
  TableLayout layout;
  layout.id_column = "ids";
  layout.targets = targets;
  auto reader = open_molecules(path, layout, true);
  MoleculeRecord r;
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_TRUE(reader->next(r)) << i;
    EXPECT_EQ(r.id, rows[i].id);
    EXPECT_EQ(r.smiles, rows[i].smiles);
    ASSERT_EQ(r.targets.size(), targets.size());
    for (size_t k = 0; k < targets.size(); ++k)
      if (rows[i].values.empty())
        EXPECT_TRUE(std::isnan(r.targets[k])) << i;
      else
        EXPECT_EQ(r.targets[k], rows[i].values[k]) << i << " " << targets[k];
  }
  EXPECT_FALSE(reader->next(r));
}

}  // namespace
}  // namespace tessera::molecule
