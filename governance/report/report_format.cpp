#include "governance/report/report_format.h"

namespace tessera::report {

std::string markdown_table(const Table& t) {
  // A '|' inside a cell would end it: escaped, as Markdown tables allow.
  auto line = [](const std::vector<std::string>& cells) {
    std::string s = "|";
    for (const auto& c : cells) {
      s += " ";
      for (char ch : c) s += ch == '|' ? std::string("\\|") : std::string(1, ch);
      s += " |";
    }
    return s + "\n";
  };
  std::string out = line(t.header);
  out += line(std::vector<std::string>(t.header.size(), "---"));
  for (const auto& row : t.rows) out += line(row);
  return out;
}

std::string html_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_table(const Table& t, const std::function<std::string(const std::string& cell)>& cell_class) {
  std::string out = "<table><thead><tr>";
  for (const auto& h : t.header) out += "<th>" + html_escaped(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& c : row) {
      const std::string cls = cell_class ? cell_class(c) : "";
      out += (cls.empty() ? "<td>" : "<td class=\"" + html_escaped(cls) + "\">") + html_escaped(c) + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>\n";
}

}  // namespace tessera::report
