#include "report.hpp"

#include "text_util.hpp"

#include <sse/conformance/observation_json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

namespace sse::runner {

namespace conf = sse::conformance;
using json = nlohmann::json;

namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += separator;
    out += s;
  }
  return out;
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += prefix;
    out.append(text, start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string fixed(double value, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << value;
  return s.str();
}

/// The full story of one problem record, for people (also used as JUnit failure text).
std::string explain(const run_record& r) {
  std::string out;
  if (!r.detail.empty()) out += printable_utf8(r.detail) + "\n";
  if (!r.diff.empty()) out += "expected (-) against observed (+):\n" + indent(r.diff, "  ");
  if (!r.offending_line.empty()) out += "offending output: " + conf::escape_bytes(r.offending_line) + "\n";
  if (!r.stderr_tail.empty()) out += "adapter stderr (tail):\n" + indent(printable_utf8(r.stderr_tail), "  | ");
  return out;
}

std::string headline(const run_record& r) {
  std::string out = std::string(to_string(r.outcome)) + " " + r.test->id + " [" + r.chunking + ", " +
                    std::to_string(r.chunks) + (r.chunks == 1 ? " chunk" : " chunks") + "]";
  out += " (" + std::string(conf::to_string(r.test->klass));
  if (!r.test->gap.empty()) out += " " + r.test->gap;
  out += "; rules " + join(r.test->rules, ", ") + ")";
  if (r.status == gate_status::known_failure) out += " — known failure (baseline)";
  if (r.status == gate_status::implementation_defined) out += " — implementation-defined: does not fail the gate";
  return out;
}

struct counts {
  std::size_t by_outcome[std::size(all_outcomes)] = {};
  std::size_t implementation_defined = 0;
  std::size_t known = 0;
  std::size_t total = 0;
  /// A FAIL on an implementation-defined case is counted as implementation-defined, not as FAIL:
  /// it differs from the reference's decision on a gap, which is no failure (as in the matrix).
  void add(outcome o, gate_status s) {
    if (s == gate_status::implementation_defined)
      ++implementation_defined;
    else
      ++by_outcome[static_cast<std::size_t>(o)];
    if (s == gate_status::known_failure) ++known;
    ++total;
  }
  [[nodiscard]] std::size_t of(outcome o) const { return by_outcome[static_cast<std::size_t>(o)]; }
};

json counts_json(const counts& c) {
  json j = json::object();
  for (auto o : all_outcomes) j[std::string(to_string(o))] = c.of(o);
  j["implementation-defined"] = c.implementation_defined;
  j["known-failure"] = c.known;
  j["total"] = c.total;
  return j;
}

}  // namespace

std::string final_log_lateness(const std::vector<case_summary>& cases, const conf::capabilities& caps) {
  std::size_t checked = 0;
  std::size_t due_before_end = 0;
  for (const auto& c : cases) {
    if (c.outcome == outcome::skip) continue;
    ++checked;
    const auto expected = conf::project(c.test->expected, conf::capabilities_for(*c.test, caps));
    if (std::any_of(expected.begin(), expected.end(), [](const auto& o) { return o.kind != observation_kind::end; }))
      ++due_before_end;
  }
  return "latency (final log only): the implementation reports everything at end of body, so " +
         std::to_string(due_before_end) + " of " + std::to_string(checked) +
         " checked cases get their observations late; latency is not judged per case\n";
}

void write_summary(std::ostream& out, const run_report& report, std::size_t max_diffs) {
  const auto& records = *report.records;
  const auto cases = summarise_cases(records);
  const auto& impl = report.implementation;
  out << "sse-conformance " << report.command << ": " << impl.name << (impl.version.empty() ? "" : " " + impl.version)
      << " (reports: " << (report.reports.empty() ? describe(impl.caps) : report.reports) << ")\n";
  out << "corpus: " << report.corpus_cases << " cases from " << report.corpus_files.size() << " file"
      << (report.corpus_files.size() == 1 ? "" : "s") << "; chunkings: " << report.chunkings << "; " << records.size()
      << " runs (case x chunking)\n\n";

  // Counts per area, by case (worst verdict over its chunkings).
  std::map<std::string, counts> per_area;
  counts total;
  for (const auto& c : cases) {
    per_area[c.test->area].add(c.outcome, c.status);
    total.add(c.outcome, c.status);
  }
  std::size_t width = 5;
  for (const auto& [area, _] : per_area) width = std::max(width, area.size());
  const auto row = [&](const std::string& name, const counts& c) {
    out << "  " << std::left << std::setw(static_cast<int>(width)) << name << std::right;
    for (auto o : all_outcomes) out << std::setw(static_cast<int>(to_string(o).size()) + 2) << c.of(o);
    out << std::setw(9) << c.implementation_defined << std::setw(8) << c.known << '\n';
  };
  out << "  " << std::left << std::setw(static_cast<int>(width)) << "cases" << std::right;
  for (auto o : all_outcomes) out << "  " << to_string(o);
  out << "  impl-def   known\n";
  for (const auto& [area, c] : per_area) row(area, c);
  row("total", total);
  out << "  (impl-def: implementation-defined cases whose log differs from the reference's decision, counted\n"
         "   apart from FAIL and never failing the gate; known: failures listed in the baseline)\n";
  if (impl.caps.final_log) out << final_log_lateness(cases, impl.caps);

  // The first problems in full: new failures first, then the rest.
  std::size_t shown = 0;
  std::size_t problems = 0;
  for (const auto& r : records) problems += is_failure(r.outcome) ? 1u : 0u;
  for (int pass = 0; pass < 2 && shown < max_diffs; ++pass) {
    for (const auto& r : records) {
      if (shown >= max_diffs) break;
      const bool is_new = r.status == gate_status::new_failure;
      if (!is_failure(r.outcome) || (pass == 0) != is_new) continue;
      if (shown == 0) out << "\nFirst problems:\n";
      out << "\n" << headline(r) << "\n" << indent(explain(r), "    ");
      ++shown;
    }
  }
  if (problems > shown) out << "\n(" << problems - shown << " more problem runs: see --json or --junit)\n";

  const auto& g = report.gate;
  if (!report.expected_failures_file.empty()) {
    for (const auto& s : g.stale)
      out << "\nSTALE baseline entry " << report.expected_failures_file << ":" << s.entry.line << " '"
          << s.entry.to_string() << "': " << s.reason << " (remove it)";
    if (!g.stale.empty()) out << '\n';
    if (!g.not_run.empty())
      out << "\n"
          << g.not_run.size() << " baseline entr" << (g.not_run.size() == 1 ? "y" : "ies")
          << " not judged (case or chunking not run in this selection)\n";
  }
  out << "\nGate " << (g.passed ? "PASSED" : "FAILED") << ": " << g.new_failures << " new failure run"
      << (g.new_failures == 1 ? "" : "s") << ", " << g.known_failures << " known, " << g.stale.size()
      << " stale baseline entr" << (g.stale.size() == 1 ? "y" : "ies") << ", " << g.implementation_defined
      << " implementation-defined difference" << (g.implementation_defined == 1 ? "" : "s") << "; "
      << fixed(report.seconds, 2) << " s\n";
  if (!g.passed) {
    std::vector<std::string> ids;
    for (const auto& c : cases)
      if (c.status == gate_status::new_failure) ids.push_back(c.test->id);
    if (!ids.empty()) {
      out << "New failures (" << ids.size() << " case" << (ids.size() == 1 ? "" : "s") << "):";
      for (std::size_t i = 0; i < ids.size() && i < 40; ++i) out << "\n  " << ids[i];
      if (ids.size() > 40) out << "\n  ... and " << ids.size() - 40 << " more";
      out << '\n';
    }
  }
}

std::string to_json(const run_report& report) {
  const auto& impl = report.implementation;
  json j;
  j["tool"] = "sse-conformance";
  j["report_version"] = 1;
  json capabilities = json::object();
  for (const auto& key : conf::capability_keys()) capabilities[std::string(key.name)] = impl.caps.*key.member;
  j["implementation"] = {{"name", impl.name},
                         {"version", impl.version},
                         {"command", impl.command},
                         {"capabilities", capabilities},
                         {"engine", impl.engine}};
  j["corpus"] = {{"files", report.corpus_files}, {"cases", report.corpus_cases}, {"digest", report.corpus_digest}};
  j["chunkings"] = report.chunkings;
  j["seconds"] = report.seconds;

  counts runs;
  counts cases_total;
  std::map<std::string, counts> per_area;
  for (const auto& c : summarise_cases(*report.records)) {
    cases_total.add(c.outcome, c.status);
    per_area[c.test->area].add(c.outcome, c.status);
  }
  json areas = json::object();
  for (const auto& [area, c] : per_area) areas[area] = counts_json(c);

  json results = json::array();
  for (const auto& r : *report.records) {
    runs.add(r.outcome, r.status);
    json rec = {{"case", r.test->id},
                {"chunking", r.chunking},
                {"chunks", r.chunks},
                {"verdict", to_string(r.outcome)},
                {"gate", to_string(r.status)},
                {"class", conf::to_string(r.test->klass)},
                {"area", r.test->area},
                {"rules", r.test->rules},
                {"milliseconds", r.milliseconds}};
    if (!r.test->gap.empty()) rec["gap"] = r.test->gap;
    if (!r.diff.empty()) rec["diff"] = r.diff;
    if (!r.detail.empty()) rec["detail"] = r.detail;
    if (!r.offending_line.empty()) rec["offending_line"] = conf::escape_bytes(r.offending_line);
    if (!r.stderr_tail.empty()) rec["stderr"] = printable_utf8(r.stderr_tail);
    if (r.outcome == outcome::fail) {
      rec["observed"] = conf::to_json(r.observed);
      rec["expected"] = conf::to_json(conf::project(r.test->expected, conf::capabilities_for(*r.test, impl.caps)));
    }
    results.push_back(std::move(rec));
  }
  j["summary"] = {{"runs", counts_json(runs)}, {"cases", counts_json(cases_total)}, {"areas", areas}};

  const auto& g = report.gate;
  json stale = json::array();
  for (const auto& s : g.stale)
    stale.push_back({{"entry", s.entry.to_string()}, {"line", s.entry.line}, {"reason", s.reason}});
  json not_run = json::array();
  for (const auto& e : g.not_run) not_run.push_back(e.to_string());
  j["gate"] = {{"passed", g.passed},
               {"exit_code", g.exit_code()},
               {"new_failures", g.new_failures},
               {"known_failures", g.known_failures},
               {"implementation_defined", g.implementation_defined},
               {"expected_failures_file", report.expected_failures_file},
               {"stale", stale},
               {"not_run", not_run}};
  j["results"] = std::move(results);
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string to_junit(const run_report& report) {
  const auto cases = summarise_cases(*report.records);
  std::map<std::string, std::vector<const case_summary*>> per_area;
  for (const auto& c : cases) per_area[c.test->area].push_back(&c);

  std::ostringstream body;
  std::size_t all_tests = 0;
  std::size_t all_failures = 0;
  std::size_t all_errors = 0;
  std::size_t all_skipped = 0;
  double all_seconds = 0;
  const std::string impl_name = report.implementation.name;
  for (const auto& [area, list] : per_area) {
    std::size_t failures = 0;
    std::size_t errors = 0;
    std::size_t skipped = 0;
    double seconds = 0;
    std::ostringstream suite;
    for (const auto* c : list) {
      double case_ms = 0;
      for (const auto* r : c->records) case_ms += r->milliseconds;
      seconds += case_ms / 1000.0;
      suite << "    <testcase classname=\"" << xml_escape(impl_name + "." + area) << "\" name=\""
            << xml_escape(c->test->id) << "\" time=\"" << fixed(case_ms / 1000.0, 4) << "\"";
      if (c->outcome == outcome::pass) {
        suite << "/>\n";
        continue;
      }
      std::vector<std::string> names;
      std::string text;
      for (const auto* r : c->records) {
        if (r->outcome == outcome::pass) continue;
        names.push_back(r->chunking + " " + std::string(to_string(r->outcome)));
        if (r->outcome != outcome::skip || text.empty()) text += headline(*r) + "\n" + explain(*r) + "\n";
      }
      const std::string message =
          std::string(to_string(c->outcome)) + " under " + std::to_string(names.size()) + " of " +
          std::to_string(c->records.size()) + " chunkings: " +
          join(std::vector<std::string>(
                   names.begin(), names.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(names.size(), 8))),
               ", ") +
          (names.size() > 8 ? ", ..." : "");
      suite << ">\n";
      if (c->status == gate_status::skipped || c->status == gate_status::implementation_defined ||
          c->status == gate_status::known_failure) {
        ++skipped;
        const char* why = c->status == gate_status::skipped ? "SKIP: "
                          : c->status == gate_status::implementation_defined
                              ? "implementation-defined case (does not fail the gate): "
                              : "known failure (listed in the baseline): ";
        suite << "      <skipped message=\"" << xml_escape(why + message) << "\"/>\n";
        suite << "      <system-out>" << xml_escape(text) << "</system-out>\n";
      } else if (c->outcome == outcome::fail) {
        ++failures;
        suite << "      <failure type=\"FAIL\" message=\"" << xml_escape(message) << "\">" << xml_escape(text)
              << "</failure>\n";
      } else {
        ++errors;
        suite << "      <error type=\"" << to_string(c->outcome) << "\" message=\"" << xml_escape(message) << "\">"
              << xml_escape(text) << "</error>\n";
      }
      suite << "    </testcase>\n";
    }
    body << "  <testsuite name=\"" << xml_escape(impl_name + "." + area) << "\" tests=\"" << list.size()
         << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\""
         << fixed(seconds, 3) << "\">\n"
         << suite.str() << "  </testsuite>\n";
    all_tests += list.size();
    all_failures += failures;
    all_errors += errors;
    all_skipped += skipped;
    all_seconds += seconds;
  }
  if (!report.gate.stale.empty()) {
    body << "  <testsuite name=\"" << xml_escape(impl_name + ".baseline") << "\" tests=\"" << report.gate.stale.size()
         << "\" failures=\"" << report.gate.stale.size() << "\" errors=\"0\" skipped=\"0\" time=\"0\">\n";
    for (const auto& s : report.gate.stale) {
      body << "    <testcase classname=\"" << xml_escape(impl_name + ".baseline") << "\" name=\""
           << xml_escape("stale: " + s.entry.to_string()) << "\" time=\"0\">\n"
           << "      <failure type=\"STALE\" message=\""
           << xml_escape(report.expected_failures_file + ":" + std::to_string(s.entry.line) + ": " + s.reason +
                         " (remove the entry)")
           << "\"/>\n    </testcase>\n";
    }
    body << "  </testsuite>\n";
    all_tests += report.gate.stale.size();
    all_failures += report.gate.stale.size();
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"" << xml_escape("sse-conformance " + impl_name) << "\" tests=\"" << all_tests
      << "\" failures=\"" << all_failures << "\" errors=\"" << all_errors << "\" skipped=\"" << all_skipped
      << "\" time=\"" << fixed(report.seconds > 0 ? report.seconds : all_seconds, 3) << "\">\n"
      << body.str() << "</testsuites>\n";
  return out.str();
}

bool write_file(const std::string& path, const std::string& text, std::string* error) {
  if (path == "-") {
    if (std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0) return true;
    if (error != nullptr) *error = std::string("stdout: cannot write the report: ") + std::strerror(errno);
    return false;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (out) out.close();  // the bytes reach the file (or fail: a full disk) when the buffer is flushed
  if (!out) {
    if (error != nullptr) *error = path + ": cannot write the file";
    return false;
  }
  return true;
}

}  // namespace sse::runner
