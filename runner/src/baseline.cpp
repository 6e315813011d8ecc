#include "baseline.hpp"

#include "gate.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace sse::runner {

namespace {
constexpr std::string_view intermittent_word = "intermittent";
}  // namespace

std::optional<baseline> parse_baseline(const std::string& text, const std::string& file, std::string* error) {
  baseline b;
  b.file = file;
  std::istringstream in(text);
  std::string line;
  std::size_t number = 0;
  std::map<std::string, std::size_t> seen;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::string id;
    std::string chunking;
    std::string extra;
    if (!(words >> id) || id.front() == '#') continue;
    words >> chunking >> extra;
    bool intermittent = false;
    if (extra == intermittent_word || (extra.empty() && chunking == intermittent_word)) {
      intermittent = true;
      (extra.empty() ? chunking : extra).clear();
    }
    if (!extra.empty() || words >> extra) {
      if (error != nullptr)
        *error = file + ":" + std::to_string(number) +
                 ": expected a case id, optionally followed by one chunking name and 'intermittent'; found '" + extra +
                 "'";
      return std::nullopt;
    }
    baseline_entry e{id, chunking, number, intermittent};
    if (auto [it, inserted] = seen.emplace(e.case_id + " " + e.chunking, number); !inserted) {
      if (error != nullptr)
        *error = file + ":" + std::to_string(number) + ": '" + e.to_string() + "' is already listed on line " +
                 std::to_string(it->second);
      return std::nullopt;
    }
    b.entries.push_back(std::move(e));
  }
  return b;
}

std::optional<baseline> read_baseline(const std::filesystem::path& path, std::string* error) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  // A folder opens as a stream that reads nothing: it would be an empty baseline.
  if (!in || std::filesystem::is_directory(path, ec)) {
    if (error != nullptr)
      *error = path.string() + ": cannot read the expected-failures file" +
               (std::filesystem::is_directory(path, ec) ? " (it is a folder)" : "");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    if (error != nullptr) *error = path.string() + ": cannot read the expected-failures file (read error)";
    return std::nullopt;
  }
  return parse_baseline(text.str(), path.string(), error);
}

std::string format_baseline(const std::vector<run_record>& records, const implementation_info& info) {
  std::ostringstream out;
  out << "# sse-conformance expected failures of " << info.name;
  if (!info.version.empty()) out << ' ' << info.version;
  out << ".\n# One case id per line (every chunking fails), or a case id and a chunking name.\n"
         "# The gate fails on a failure not listed here, and on a listed entry that passes (stale).\n";
  for (const auto& summary : summarise_cases(records)) {
    std::vector<std::string> failing;
    std::size_t run = 0;
    for (const auto* r : summary.records) {
      if (r->outcome == outcome::skip) continue;
      ++run;
      const bool counts =
          is_failure(r->outcome) &&
          !(r->outcome == outcome::fail && r->test->klass == conformance::case_class::implementation_defined);
      if (counts) failing.push_back(r->chunking);
    }
    if (failing.empty()) continue;
    if (failing.size() == run) {
      out << summary.test->id << '\n';
    } else {
      for (const auto& ch : failing) out << summary.test->id << ' ' << ch << '\n';
    }
  }
  return out.str();
}

}  // namespace sse::runner
