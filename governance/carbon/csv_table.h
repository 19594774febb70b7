#pragma once
// The data tables shipped in governance/data: '#' comment lines, one header line, then rows of
// comma-separated fields (no quoting: no field holds a comma).
#include <string>
#include <vector>

namespace tessera::carbon {

// Rows of `text`, header excluded; every row must have `columns` fields, else std::logic_error
// (the tables are compiled in, so a malformed one is our bug, never the user's).
std::vector<std::vector<std::string>> parse_table(const std::string& text, size_t columns, const std::string& name);

// The number in a table field; std::logic_error naming the table when it is not one.
double table_number(const std::string& field, const std::string& name);

}  // namespace tessera::carbon
