#pragma once
// What every governance report (carbon, bias audit) is made of: tables laid out in Markdown or
// HTML, and text escaped for HTML. Reports are written with io::write_text_atomically.
#include <functional>
#include <string>
#include <vector>

namespace tessera::report {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string markdown_table(const Table& t);
std::string html_escaped(const std::string& text);
// `cell_class` gives a cell its CSS class (empty: none), e.g. to colour verdicts.
std::string html_table(const Table& t, const std::function<std::string(const std::string& cell)>& cell_class = {});

}  // namespace tessera::report
