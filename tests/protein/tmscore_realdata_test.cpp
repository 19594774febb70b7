// `tessera eval protein` against the TMscore program on real structures: neighbouring members of
// the trypsin family in ../shared/data/protein (different proteins in one numbering scheme with
// insertion codes), as published. Pairs where either file has altlocs on C-alpha are left out:
// TMscore reads the first altloc, we read the best occupied one (docs/protein.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "tests/protein/tmscore_comparison.h"
#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::protein {
namespace {

using test_support::compare_with_tmscore;
using test_support::have_tmscore;
using test_support::run_shell;
using test_support::ScratchDir;
using test_support::tmscore;

TEST(TmscoreRealData, TrypsinFamilyPairs) {
  const std::string data = std::string(TESSERA_SOURCE_DIR) + "/../shared/data/protein/theseus_trypsins";
  if (!std::filesystem::exists(data)) GTEST_SKIP() << "real data not found: " << data;
  if (!have_tmscore()) GTEST_SKIP() << "TMscore (Debian tm-align) not installed";
  ScratchDir dir;
  std::filesystem::create_directory(dir / "predictions");
  std::filesystem::create_directory(dir / "references");
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(data)) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  auto has_altloc_ca = [](const std::string& text) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("ATOM", 0) == 0 && line.size() > 16 && line.compare(12, 4, " CA ") == 0 && line[16] != ' ')
        return true;
    return false;
  };
  int pairs = 0;
  for (size_t i = 0; i + 1 < files.size() && pairs < 40; ++i) {
    const std::string model = (dir / "predictions" / ("pair" + std::to_string(i) + ".pdb")).string();
    const std::string reference = (dir / "references" / ("pair" + std::to_string(i) + ".pdb")).string();
    ASSERT_EQ(run_shell("{ gzip -dc " + files[i] + " > " + model + " && gzip -dc " + files[i + 1] + " > " + reference + "; }").exit_code, 0);
    const std::string model_text = test_support::slurp(model), reference_text = test_support::slurp(reference);
    // Renumbered neighbours share no residue number; TMscore has nothing to score either.
    const bool comparable = !has_altloc_ca(model_text) && !has_altloc_ca(reference_text) &&
                            !std::isnan(tmscore(model, reference).tm);
    if (!comparable) {
      std::filesystem::remove(model);
      std::filesystem::remove(reference);
      continue;
    }
    ++pairs;
  }
  EXPECT_GE(pairs, 30);
  EXPECT_EQ(compare_with_tmscore(dir, "trypsin pairs"), pairs);
}

}  // namespace
}  // namespace tessera::protein
