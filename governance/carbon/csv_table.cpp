#include "governance/carbon/csv_table.h"

#include <sstream>
#include <stdexcept>

namespace tessera::carbon {

std::vector<std::vector<std::string>> parse_table(const std::string& text, size_t columns, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  bool header_seen = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    std::vector<std::string> fields;
    std::istringstream fs(line);
    for (std::string field; std::getline(fs, field, ',');) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    if (fields.size() != columns)
      throw std::logic_error("table " + name + ": row '" + line + "' has " + std::to_string(fields.size()) +
                             " fields, expected " + std::to_string(columns));
    rows.push_back(std::move(fields));
  }
  if (rows.empty()) throw std::logic_error("table " + name + " is empty");
  return rows;
}

double table_number(const std::string& field, const std::string& name) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(field, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != field.size()) throw std::logic_error("table " + name + ": '" + field + "' is not a number");
  return v;
}

}  // namespace tessera::carbon
