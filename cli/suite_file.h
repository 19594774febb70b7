#pragma once
// A suite file (configs/eval/<suite>.yaml): the evaluations `tessera eval suite` runs, read
// strictly like every config (unknown keys are errors):
//   name: demo
//   evaluations:
//     - domain: weather                       # the domain's `eval <domain>` command
//       checkpoint: runs/x/model.h5           # optional: instead of --checkpoint
//       flags: {input: data.nc, lead-hours: [6, 12]}   # that command's own flags
#include <string>
#include <utility>
#include <vector>

namespace tessera::cli {

struct SuiteEntry {
  std::string domain;
  std::string checkpoint;  // empty: the suite's --checkpoint
  std::vector<std::pair<std::string, std::vector<std::string>>> flags;  // flag name without dashes, values
};

struct SuiteFile {
  std::string path, name;
  std::vector<SuiteEntry> evaluations;
};

SuiteFile read_suite_file(const std::string& path);

// How errors about one evaluation begin: "evaluations[i] (<domain>): ".
std::string entry_label(size_t index, const SuiteEntry& entry);

}  // namespace tessera::cli
