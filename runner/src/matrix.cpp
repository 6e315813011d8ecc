#include "matrix.hpp"

#include <sstream>

namespace sse::runner {

void area_counts::add(gate_status s) noexcept {
  ++cases;
  switch (s) {
    case gate_status::ok: ++pass; break;
    case gate_status::skipped: ++skip; break;
    case gate_status::implementation_defined: ++implementation_defined; break;
    case gate_status::known_failure:
    case gate_status::new_failure: ++fail; break;
  }
}

matrix_column count_column(std::string title, const std::vector<run_record>& records) {
  matrix_column column;
  column.title = std::move(title);
  for (const auto& c : summarise_cases(records)) {
    column.areas[c.test->area].add(c.status);
    column.total.add(c.status);
  }
  return column;
}

std::string cell(const area_counts& a) {
  std::string out = std::to_string(a.pass + a.implementation_defined) + "/" + std::to_string(a.cases - a.skip);
  if (a.fail != 0) out += " · **" + std::to_string(a.fail) + " ✗**";
  if (a.implementation_defined != 0) out += " · " + std::to_string(a.implementation_defined) + " i-d";
  if (a.skip != 0) out += " · " + std::to_string(a.skip) + " skip";
  return out;
}

std::string_view cell_legend() {
  return "A cell is *cases passed / cases checked*: a case passes when every chunking passes; **✗** counts "
         "failing cases (known failures of a baseline included), *i-d* implementation-defined cases whose log "
         "differs from the reference's decision (never a failure), *skip* cases that need an observation the "
         "implementation cannot report.";
}

std::string area_table(const std::vector<matrix_column>& columns,
                       const std::vector<const conformance::test_case*>& cases) {
  std::map<std::string, std::size_t> areas;
  for (const auto* c : cases) ++areas[c->area];
  std::ostringstream md;
  md << "| area (cases) |";
  for (const auto& c : columns) md << ' ' << c.title << " |";
  md << "\n| --- |";
  for (std::size_t i = 0; i < columns.size(); ++i) md << " --- |";
  md << '\n';
  const auto row = [&](const std::string& name, const std::function<std::string(const matrix_column&)>& value) {
    md << "| " << name << " |";
    for (const auto& c : columns) md << ' ' << (c.available ? value(c) : std::string("n/a")) << " |";
    md << '\n';
  };
  for (const auto& [area, n] : areas)
    row(area + " (" + std::to_string(n) + ")", [&, name = area](const matrix_column& c) {
      const auto it = c.areas.find(name);
      return it == c.areas.end() ? std::string("–") : cell(it->second);
    });
  row("**total** (" + std::to_string(cases.size()) + ")", [](const matrix_column& c) { return cell(c.total); });
  return md.str();
}

}  // namespace sse::runner
