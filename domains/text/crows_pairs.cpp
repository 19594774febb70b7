#include "domains/text/crows_pairs.h"

#include <algorithm>

#include "core/io/csv_records.h"
#include "core/util/error.h"

namespace tessera::text {
namespace {

// The index of `name` in the header; -1 when absent.
int column_of(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

}  // namespace

std::vector<SentencePair> read_sentence_pairs(const std::string& path) {
  io::CsvRecords records(path);
  std::vector<std::string> header, fields;
  if (!records.next(header)) throw DataError(path, "is empty; expected a CrowS-Pairs header (sent_more,sent_less,bias_type)");
  const int more = column_of(header, "sent_more"), less = column_of(header, "sent_less"),
            type = column_of(header, "bias_type"), direction = column_of(header, "stereo_antistereo");
  for (const auto& [index, name] : {std::pair{more, "sent_more"}, {less, "sent_less"}, {type, "bias_type"}})
    if (index < 0) throw DataError(path, std::string("has no column '") + name + "' (not in the CrowS-Pairs format)");
  std::vector<SentencePair> pairs;
  while (records.next(fields)) {
    const std::string line = "line " + std::to_string(records.line()) + ": ";
    if (fields.size() != header.size())
      throw DataError(path, line + std::to_string(fields.size()) + " fields where the header has " +
                                std::to_string(header.size()));
    SentencePair p{fields[static_cast<size_t>(more)], fields[static_cast<size_t>(less)],
                   fields[static_cast<size_t>(type)], direction < 0 ? "" : fields[static_cast<size_t>(direction)]};
    if (p.more.empty() || p.less.empty()) throw DataError(path, line + "an empty sentence");
    if (p.bias_type.empty()) throw DataError(path, line + "an empty bias_type");
    pairs.push_back(std::move(p));
  }
  if (pairs.empty()) throw DataError(path, "has a header but no sentence pairs");
  return pairs;
}

}  // namespace tessera::text
