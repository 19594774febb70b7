#include "governance/carbon/tdp_table.h"

#include <cctype>
#include <stdexcept>

#include "governance/carbon/csv_table.h"
#include "governance/carbon/embedded_tables.h"

namespace tessera::carbon {
namespace {

// Lower case, trademarks dropped, runs of spaces collapsed: "Intel(R) Xeon(R)  Gold" -> "intel xeon gold".
std::string normalized(std::string s) {
  for (const char* mark : {"(R)", "(r)", "(TM)", "(tm)"})
    for (size_t at; (at = s.find(mark)) != std::string::npos;) s.replace(at, std::string(mark).size(), " ");
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// `needle` occurs in `hay` with no letter or digit glued to either end.
bool contains_words(const std::string& hay, const std::string& needle) {
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
    const size_t end = at + needle.size();
    if ((at == 0 || !is_word_char(hay[at - 1])) && (end == hay.size() || !is_word_char(hay[end]))) return true;
  }
  return false;
}

}  // namespace

TdpTable TdpTable::parse(const std::string& csv_text) {
  TdpTable table;
  bool has_default = false;
  for (const auto& f : parse_table(csv_text, 4, "cpu_tdp.csv")) {
    TdpRow row{f[0], table_number(f[1], "cpu_tdp.csv"), static_cast<int>(table_number(f[2], "cpu_tdp.csv")),
               static_cast<int>(table_number(f[3], "cpu_tdp.csv"))};
    if (row.tdp_w <= 0 || row.threads <= 0) throw std::logic_error("table cpu_tdp.csv: bad row for " + row.model);
    has_default = has_default || row.model == "*";
    table.rows_.push_back(std::move(row));
  }
  if (!has_default) throw std::logic_error("table cpu_tdp.csv has no '*' row");
  return table;
}

const TdpTable& TdpTable::builtin() {
  static const TdpTable table = parse(embedded::cpu_tdp_csv);
  return table;
}

const TdpRow& TdpTable::match(const std::string& cpu_model) const {
  const std::string model = normalized(cpu_model);
  const TdpRow* best = nullptr;
  size_t best_length = 0;
  for (const auto& row : rows_) {
    if (row.model == "*") {
      if (!best) best = &row;
      continue;
    }
    const std::string pattern = normalized(row.model);
    if (pattern.size() > best_length && contains_words(model, pattern)) {
      best = &row;
      best_length = pattern.size();
    }
  }
  return *best;
}

}  // namespace tessera::carbon
