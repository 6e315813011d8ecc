#include "fuzz_report.hpp"

#include <sse/conformance/observation_json.hpp>
#include <sse/utf8.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;
using json = nlohmann::json;

bool is_new(const fuzz_class& c) { return c.explained_by.empty(); }

/// The chunks of a stream, each escaped, separated by " | " (an empty chunk shows as "").
std::string escaped_chunks(const conf::fuzz_stream& s) {
  std::string out;
  for (const auto& chunk : conf::cut(s.test.bytes, s.chunks)) {
    if (!out.empty()) out += " | ";
    out += "\"" + conf::escape_bytes(chunk.view()) + "\"";
  }
  return out;
}

/// A fixture byte string: a JSON string when the bytes are UTF-8, else parts with {"hex"} for the
/// bytes that are not (fixtures/README.md, "Byte strings").
json byte_string(std::string_view bytes) {
  if (utf8::is_valid(bytes)) return bytes;
  json parts = json::array();
  std::string text;
  std::string hex;
  static constexpr char digits[] = "0123456789ABCDEF";
  const auto flush_text = [&] {
    if (!text.empty()) parts.push_back(std::exchange(text, {}));
  };
  const auto flush_hex = [&] {
    if (!hex.empty()) parts.push_back({{"hex", std::exchange(hex, {})}});
  };
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t n = utf8::scan(bytes, i).length;
    if (n != 0) {
      flush_hex();
      text.append(bytes.substr(i, n));
      i += n;
      continue;
    }
    flush_text();
    const auto b = static_cast<unsigned char>(bytes[i++]);
    if (!hex.empty()) hex += ' ';
    hex += digits[b >> 4];
    hex += digits[b & 0xF];
  }
  flush_text();
  flush_hex();
  return parts;
}

/// A case id's name part from an implementation name: lower-case letters and digits joined by '-'.
std::string id_slug(std::string_view name) {
  std::string out;
  for (const char ch : name) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "implementation" : out;
}

std::string implementation_name(const implementation_info& info) {
  return info.version.empty() ? info.name : info.name + " " + info.version;
}

}  // namespace

std::size_t count_new_classes(const fuzz_run& run) {
  return static_cast<std::size_t>(std::count_if(run.classes.begin(), run.classes.end(), is_new));
}

void write_fuzz_summary(std::ostream& out, const fuzz_run& run, bool corpus_checked) {
  const double rate = run.fuzz_seconds > 0 ? static_cast<double>(run.streams) / run.fuzz_seconds : 0;
  out << "fuzz " << implementation_name(run.implementation) << " (" << describe(run.implementation.caps) << "), seed "
      << run.seed << ": " << run.streams << " streams in " << std::fixed << std::setprecision(1) << run.fuzz_seconds
      << " s (" << std::setprecision(0) << rate << " streams/s)\n";
  const std::size_t fresh = count_new_classes(run);
  out << run.classes.size() << " difference class" << (run.classes.size() == 1 ? "" : "es");
  if (corpus_checked) out << " (" << run.classes.size() - fresh << " explained by the corpus, " << fresh << " new)";
  out << '\n';
  std::size_t number = 0;
  for (const auto& c : run.classes) {
    out << "\n[" << ++number << "] " << c.signature << "  (" << c.streams << " stream" << (c.streams == 1 ? "" : "s")
        << ", first #" << c.first_index;
    if (c.variants.size() > 1) out << "; " << c.variants.size() << " first signatures shrank to this one";
    out << ")\n";
    out << "  reproducer (" << c.reproducer.test.bytes.size() << " bytes, " << c.reproducer.chunks.splits.size() + 1
        << " chunk" << (c.reproducer.chunks.splits.empty() ? "" : "s") << "): " << escaped_chunks(c.reproducer) << '\n';
    if (corpus_checked) {
      out << "  " << (is_new(c) ? "NEW: no failing corpus case has this signature" : "explained by:");
      for (std::size_t i = 0; i < c.explained_by.size() && i < 5; ++i) out << ' ' << c.explained_by[i];
      if (c.explained_by.size() > 5) out << " (+" << c.explained_by.size() - 5 << ")";
      out << '\n';
    }
    std::istringstream diff(c.diff);
    for (std::string line; std::getline(diff, line);) out << "    " << line << '\n';
  }
  if (!run.reach.empty()) {
    out << "\nrule reach (streams whose reference trace reached each id):\n";
    std::vector<std::pair<std::string, std::uint64_t>> rows(run.reach.begin(), run.reach.end());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {  // R2 before R10, rules before gaps
      return std::make_pair(a.first.front() == 'G', std::stoi(a.first.substr(1))) <
             std::make_pair(b.first.front() == 'G', std::stoi(b.first.substr(1)));
    });
    for (const auto& [id, streams] : rows)
      out << "  " << id << ' ' << streams << (streams == 0 ? "  (never reached)" : "") << '\n';
  }
  out << '\n'
      << (fresh == 0 ? "No new difference class."
                     : std::to_string(fresh) + " new difference class" + (fresh == 1 ? "." : "es."))
      << " (" << std::setprecision(1) << run.seconds << " s in all)\n";
}

std::string fuzz_to_json(const fuzz_run& run) {
  json classes = json::array();
  for (const auto& c : run.classes) {
    json chunks = json::array();
    for (const auto& chunk : conf::cut(c.reproducer.test.bytes, c.reproducer.chunks))
      chunks.push_back(byte_string(chunk.view()));
    classes.push_back({{"signature", c.signature},
                       {"streams", c.streams},
                       {"first_stream", c.first_index},
                       {"variants", c.variants},
                       {"new", is_new(c)},
                       {"explained_by", c.explained_by},
                       {"outcome", std::string(to_string(c.outcome))},
                       {"reproducer",
                        {{"escaped", escaped_chunks(c.reproducer)},
                         {"chunks", chunks},
                         {"expected", conf::to_json(c.reproducer.test.expected)},
                         {"observed", conf::to_json(c.observed)},
                         {"rules", conf::rules_reached(c.reproducer.test.bytes, c.reproducer.chunks)}}},
                       {"diff", c.diff}});
  }
  json reach = json::object();
  for (const auto& [id, streams] : run.reach) reach[id] = streams;
  const json out = {
      {"implementation",
       {{"name", run.implementation.name},
        {"version", run.implementation.version},
        {"command", run.implementation.command},
        {"capabilities", describe(run.implementation.caps)}}},
      {"seed", run.seed},
      {"streams", run.streams},
      {"fuzz_seconds", run.fuzz_seconds},
      {"streams_per_second", run.fuzz_seconds > 0 ? static_cast<double>(run.streams) / run.fuzz_seconds : 0},
      {"seconds", run.seconds},
      {"new_classes", count_new_classes(run)},
      {"classes", classes},
      {"reach", reach}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string fuzz_cases_to_fixture(const fuzz_run& run) {
  json cases = json::array();
  const std::string slug = id_slug(run.implementation.name);
  std::size_t number = 0;
  for (const auto& c : run.classes) {
    if (!is_new(c)) continue;
    const auto& s = c.reproducer;
    std::vector<std::string> rules;
    std::string gap;
    for (auto& id : conf::rules_reached(s.test.bytes, s.chunks)) {
      if (id.front() == 'G') {
        if (gap.empty()) gap = id;
      } else {
        rules.push_back(id);
      }
    }
    if (rules.empty()) rules.push_back("R8");  // every stream is split into lines
    json chunks = json::array();
    for (const auto& chunk : conf::cut(s.test.bytes, s.chunks)) chunks.push_back(byte_string(chunk.view()));
    json entry = {{"id", "fuzz-found/" + slug + "-" + std::to_string(++number)},
                  {"description", "Found by sse-conformance fuzz (review this wording): " + c.signature + "."},
                  {"rules", rules},
                  {"class", gap.empty() ? "spec" : "implementation-defined"}};
    if (!gap.empty()) entry["gap"] = gap;
    entry["guards"] = c.signature + " (" + implementation_name(run.implementation) +
                      ", found by sse-conformance fuzz on " + run.date + ")";
    entry["tags"] = {"fuzz"};
    entry["chunks"] = chunks;
    entry["expected"] = conf::to_json(s.test.expected);
    cases.push_back(entry);
  }
  const json file = {{"format_version", 1},
                     {"area", "fuzz-found"},
                     {"title", "Difference classes found by sse-conformance fuzz (to be reviewed)"},
                     {"cases", cases}};
  return file.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sse::runner
