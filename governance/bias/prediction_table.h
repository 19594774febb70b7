#pragma once
// A table of predictions to audit (`tessera audit bias --predictions preds.csv`): one row per
// example with its target, its prediction (a 0/1 decision, a score made a decision by a
// threshold, or a number for regression) and its group under each attribute. A row missing any
// of those values (empty, NA, NaN, null, None ...) is skipped and counted; a value that is there
// but wrong (a target of "abc", a classification target of 2) is a DataError naming the line.
#include <cstdint>
#include <string>
#include <vector>

#include "eval/group_metrics.h"

namespace tessera::bias {

struct PredictionColumns {
  std::string file;
  std::string target, prediction;
  std::vector<std::string> groups;
  eval::OutcomeKind kind = eval::OutcomeKind::classification;
  bool has_threshold = false;
  double threshold = 0.5;  // with has_threshold: prediction >= threshold is a positive decision
};

struct PredictionTable {
  eval::GroupedOutcomes outcomes;
  int64_t rows = 0;          // data rows in the file
  int64_t rows_skipped = 0;  // of which had a missing value
};

PredictionTable read_prediction_table(const PredictionColumns& columns);

}  // namespace tessera::bias
