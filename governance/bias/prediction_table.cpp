#include "governance/bias/prediction_table.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "core/util/error.h"
#include "core/io/csv_records.h"

namespace tessera::bias {
namespace {

// The spellings of a missing value that pandas' read_csv treats as NaN.
bool is_missing(const std::string& v) {
  static const std::set<std::string> missing = {"",     "NA",  "N/A", "n/a",  "NaN", "nan", "-NaN", "-nan", "null",
                                                "NULL", "None", "#N/A", "<NA>", "#NA", "N/A N/A", "-1.#IND",
                                                "1.#IND", "-1.#QNAN", "1.#QNAN", "#N/A N/A"};
  return missing.count(v) > 0;
}

class RowReader {
 public:
  RowReader(const io::CsvRecords& records, const std::vector<std::string>& header) : records_(records), header_(header) {}

  size_t column(const std::string& name, const std::string& flag) const {
    const auto first = std::find(header_.begin(), header_.end(), name);
    if (first == header_.end()) {
      std::string names;
      for (const auto& h : header_) names += (names.empty() ? "" : ", ") + h;
      throw DataError(records_.path(), "has no column '" + name + "' (named by " + flag + "; columns: " + names + ")");
    }
    if (std::find(first + 1, header_.end(), name) != header_.end())
      throw DataError(records_.path(), "has two columns named '" + name + "'");
    return static_cast<size_t>(first - header_.begin());
  }

  double number(const std::string& text, const std::string& role, const std::string& column) const {
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(begin, &end);
    while (end && (*end == ' ' || *end == '\t')) ++end;
    if (end == begin || *end != '\0' || !std::isfinite(v) || errno == ERANGE)
      throw bad(role, column, "'" + text + "' is not a finite number");
    return v;
  }

  bool binary(const std::string& text, const std::string& role, const std::string& column) const {
    if (text == "1" || text == "1.0" || text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "0" || text == "0.0" || text == "false" || text == "False" || text == "FALSE") return false;
    throw bad(role, column,
              "'" + text + "' is not 0 or 1 (" +
                  (role == "target" ? "a classification target; for numbers use --task regression)"
                                    : "a classification decision; for scores give --threshold)"));
  }

  DataError bad(const std::string& role, const std::string& column, const std::string& what) const {
    return DataError(records_.path(),
                     "line " + std::to_string(records_.line()) + ": " + role + " column '" + column + "': " + what);
  }

 private:
  const io::CsvRecords& records_;
  const std::vector<std::string>& header_;
};

}  // namespace

PredictionTable read_prediction_table(const PredictionColumns& c) {
  io::CsvRecords records(c.file);
  std::vector<std::string> header;
  if (!records.next(header)) throw DataError(c.file, "is empty; expected a header line of column names");
  const RowReader reader(records, header);
  const size_t target = reader.column(c.target, "--target"), prediction = reader.column(c.prediction, "--prediction");
  std::vector<size_t> groups;
  for (const auto& g : c.groups) groups.push_back(reader.column(g, "--groups"));

  PredictionTable t;
  t.outcomes = eval::GroupedOutcomes(c.kind, c.groups);
  std::vector<std::string> fields, names(groups.size());
  while (records.next(fields)) {
    ++t.rows;
    if (fields.size() != header.size())
      throw DataError(c.file, "line " + std::to_string(records.line()) + ": " + std::to_string(fields.size()) +
                                  " fields where the header has " + std::to_string(header.size()));
    bool missing = is_missing(fields[target]) || is_missing(fields[prediction]);
    for (size_t g = 0; g < groups.size(); ++g) missing |= is_missing(fields[groups[g]]);
    if (missing) {
      ++t.rows_skipped;
      continue;
    }
    for (size_t g = 0; g < groups.size(); ++g) names[g] = fields[groups[g]];
    if (c.kind == eval::OutcomeKind::regression) {
      t.outcomes.add(names, eval::regression_outcome(reader.number(fields[prediction], "prediction", c.prediction),
                                                     reader.number(fields[target], "target", c.target)));
    } else {
      const bool y = reader.binary(fields[target], "target", c.target);
      const bool decision = c.has_threshold ? reader.number(fields[prediction], "prediction", c.prediction) >= c.threshold
                                            : reader.binary(fields[prediction], "prediction", c.prediction);
      t.outcomes.add(names, eval::classification_outcome(y, decision));
    }
  }
  if (t.rows == 0) throw DataError(c.file, "has a header but no data rows");
  if (t.outcomes.units() == 0)
    throw DataError(c.file, "every one of its " + std::to_string(t.rows) + " rows misses a value in the audited columns");
  return t;
}

}  // namespace tessera::bias
