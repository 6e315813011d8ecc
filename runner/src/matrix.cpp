#include "matrix.hpp"

#include "text_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

std::optional<double> share_passed(const area_counts& a) {
  const std::size_t checked = a.cases - a.skip;
  if (checked == 0) return std::nullopt;
  return static_cast<double>(a.pass + a.implementation_defined) / static_cast<double>(checked);
}

namespace {

/// Red (0) through amber to green (1), light enough for dark text; the top is kept for 100 %.
std::string heat_colour(double share) {
  struct stop {
    double at;
    int r, g, b;
  };
  static constexpr stop stops[] = {{0.0, 0xd7, 0x30, 0x27},  {0.7, 0xf4, 0x6d, 0x43},   {0.85, 0xfd, 0xae, 0x61},
                                   {0.95, 0xfe, 0xe0, 0x8b}, {0.999, 0xa6, 0xd9, 0x6a}, {1.0, 0x1a, 0x98, 0x50}};
  std::size_t i = 1;
  while (i + 1 < std::size(stops) && share > stops[i].at) ++i;
  const stop& lo = stops[i - 1];
  const stop& hi = stops[i];
  const double t = std::clamp((share - lo.at) / (hi.at - lo.at), 0.0, 1.0);
  const auto mix = [t](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * t)); };
  char out[8];
  std::snprintf(out, sizeof out, "#%02x%02x%02x", mix(lo.r, hi.r), mix(lo.g, hi.g), mix(lo.b, hi.b));
  return out;
}

}  // namespace

std::string heat_map_svg(const std::vector<matrix_column>& all_columns,
                         const std::vector<const conformance::test_case*>& cases, const std::string& caption) {
  // Only what was run: an implementation that did not start is in the table, not in the picture.
  std::vector<matrix_column> columns;
  for (const auto& c : all_columns)
    if (c.available) columns.push_back(c);
  // Column titles are written at 60 degrees; long ones are cut so the picture stays compact.
  constexpr std::size_t title_chars = 30;
  for (auto& c : columns)
    if (c.title.size() > title_chars) {
      std::size_t cut = title_chars - 1;
      while (cut > 0 && (static_cast<unsigned char>(c.title[cut]) & 0xC0) == 0x80)
        --cut;  // not inside a UTF-8 sequence
      c.title = c.title.substr(0, cut) + "…";
    }
  std::map<std::string, std::size_t> areas;
  for (const auto* c : cases) ++areas[c->area];
  constexpr int cell_w = 46;
  constexpr int cell_h = 24;
  constexpr int label_w = 150;
  constexpr int header_h = 180;  // a 30-character title at 60 degrees, 11 px type
  constexpr int engine_gap = 16;
  constexpr int caption_h = 40;
  const bool any_engine = std::any_of(columns.begin(), columns.end(), [](const auto& c) { return c.engine; });
  const auto x_of = [&](std::size_t i) {
    int x = label_w + static_cast<int>(i) * cell_w;
    for (std::size_t k = 0; k <= i && k < columns.size(); ++k)
      if (columns[k].engine && (k == 0 || !columns[k - 1].engine)) x += engine_gap;
    return x;
  };
  const int width = std::max(x_of(columns.size()) + 100, 700);  // the last titles lean right; the caption
  const int rows = static_cast<int>(areas.size()) + 1;
  const int height = header_h + rows * cell_h + caption_h;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << ' ' << height << "\" font-family=\"DejaVu Sans, Verdana, sans-serif\" "
      << "font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const int x = x_of(i) + cell_w / 2;
    svg << "<text transform=\"translate(" << x + 4 << ',' << header_h - 6 << ") rotate(-60)\""
        << (columns[i].engine ? " font-style=\"italic\"" : "") << ">" << xml_escape(columns[i].title) << "</text>\n";
  }
  if (any_engine) {
    const auto first_engine = static_cast<std::size_t>(
        std::find_if(columns.begin(), columns.end(), [](const auto& c) { return c.engine; }) - columns.begin());
    svg << "<line x1=\"" << x_of(first_engine) - engine_gap / 2 << "\" y1=\"" << header_h - 20 << "\" x2=\""
        << x_of(first_engine) - engine_gap / 2 << "\" y2=\"" << header_h + rows * cell_h
        << "\" stroke=\"#888888\" stroke-dasharray=\"3,3\"/>\n";
  }
  int y = header_h;
  const auto row = [&](const std::string& label, bool bold,
                       const std::function<const area_counts*(const matrix_column&)>& of) {
    svg << "<text x=\"" << label_w - 6 << "\" y=\"" << y + cell_h / 2 + 4 << "\" text-anchor=\"end\""
        << (bold ? " font-weight=\"bold\"" : "") << ">" << xml_escape(label) << "</text>\n";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const area_counts* a = columns[i].available ? of(columns[i]) : nullptr;
      const auto share = a == nullptr ? std::nullopt : share_passed(*a);
      const std::string fill = share ? heat_colour(*share) : "#dddddd";
      std::string text = "n/a";
      if (share) {
        const double percent = *share * 100.0;
        // 99.7 % is not 100 %: only a full pass reads 100.
        text = std::to_string(static_cast<int>(*share < 1.0 ? std::min(99.0, std::floor(percent)) : 100.0));
      }
      std::string title = columns[i].title + " — " + label + ": ";
      title += a == nullptr ? "not run" : cell(*a);
      svg << "<g><title>" << xml_escape(title) << "</title><rect x=\"" << x_of(i) << "\" y=\"" << y << "\" width=\""
          << cell_w - 2 << "\" height=\"" << cell_h - 2 << "\" fill=\"" << fill << "\"/><text x=\""
          << x_of(i) + (cell_w - 2) / 2 << "\" y=\"" << y + cell_h / 2 + 3 << "\" text-anchor=\"middle\""
          << (bold ? " font-weight=\"bold\"" : "") << (share && *share >= 1.0 ? " fill=\"#ffffff\"" : "") << ">" << text
          << "</text></g>\n";
    }
    y += cell_h;
  };
  for (const auto& [area, n] : areas)
    row(area + " (" + std::to_string(n) + ")", false, [name = area](const matrix_column& c) -> const area_counts* {
      const auto it = c.areas.find(name);
      return it == c.areas.end() ? nullptr : &it->second;
    });
  row("total (" + std::to_string(cases.size()) + ")", true, [](const matrix_column& c) { return &c.total; });
  svg << "<text x=\"6\" y=\"" << y + 18 << "\" fill=\"#444444\">" << xml_escape(caption) << "</text>\n";
  svg << "<text x=\"6\" y=\"" << y + 32 << "\" fill=\"#444444\">Cell: % of the checked cases of the area passed "
      << "(implementation-defined decisions count as passed); grey: nothing checked."
      << (any_engine ? " Italic, right of the dashed line: browser engines." : "") << "</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace sse::runner
