// sse-conformance browser: the comparison page in a headless Chromium, Firefox or WebKit, judged
// like `run` (same records, gate, reports, baselines and exit codes).
#include "browser_launcher.hpp"
#include "commands.hpp"
#include "http_server.hpp"
#include "report.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;

struct browser_command_options {
  std::vector<std::string> engines;
  corpus_options corpus;
  unsigned timeout_s = 240;
  unsigned concurrency = 0;  // 0: the engine's default
  unsigned chunk_delay_ms = 10;
  std::string binary;
  std::string page_dir;
  std::string wasm_dir;
  std::string json_file;
  std::string junit_file;
  std::string expected_failures;
  std::string write_baseline;
  std::size_t max_diffs = 5;
  bool progress = false;
  std::string matrix_file;
};

/// One engine's run, for the matrix.
struct engine_run {
  browser_engine engine = browser_engine::chromium;
  implementation_info info;
  std::string user_agent;
  double page_seconds = 0;
  double seconds = 0;
  std::vector<run_record> records;
  gate_result gate;
};

/// `{engine}` in a path becomes the engine's name (one baseline or report per engine).
std::string for_engine(std::string path, browser_engine e) {
  const std::string marker = "{engine}";
  for (auto at = path.find(marker); at != std::string::npos; at = path.find(marker))
    path.replace(at, marker.size(), std::string(to_string(e)));
  return path;
}

/// EventSources open at once. Browsers allow about 6 HTTP/1.1 connections per host: leave room for
/// the page's own requests. Firefox's profile raises its limit (browser_launcher.cpp).
unsigned default_concurrency(browser_engine e) { return e == browser_engine::firefox ? 16 : 4; }

std::string run_token() {
  std::random_device rd;
  std::ostringstream s;
  s << "cli-" << std::hex << rd() << rd();
  return s.str();
}

std::string engine_version(const std::string& user_agent, browser_engine e) {
  const char* marker = e == browser_engine::firefox ? "Firefox/" : e == browser_engine::chromium ? "Chrome/" : "AppleWebKit/";
  const auto at = user_agent.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + std::char_traits<char>::length(marker);
  const auto end = user_agent.find(' ', start);
  return user_agent.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// The installed package's version (Debian), e.g. "156.0.8078.79-1~deb12u1" -> "156.0.8078.79";
/// empty when dpkg-query does not know it (another distribution, --browser-binary).
std::string package_version(browser_engine e) {
  const char* package = e == browser_engine::chromium  ? "chromium"
                        : e == browser_engine::firefox ? "firefox-esr"
                                                       : "libwebkit2gtk-4.1-0";
  const std::string command = std::string("dpkg-query -W -f='${Version}' ") + package + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  char buffer[128] = "";
  const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, pipe);
  ::pclose(pipe);
  std::string version(buffer, n);
  if (const auto dash = version.find('-'); dash != std::string::npos) version.resize(dash);
  if (const auto colon = version.find(':'); colon != std::string::npos) version.erase(0, colon + 1);
  return version;
}

run_record to_record(const conf::test_case& c, const browser_case_record* r) {
  run_record rec;
  rec.test = &c;
  rec.chunking = c.has_pinned_chunks ? "pinned" : "whole";
  rec.chunks = c.has_pinned_chunks ? c.pinned_splits.size() + 1 : 1;
  if (r == nullptr) {
    rec.verdict = outcome::timeout;
    rec.detail = "the page posted no result for this case before the timeout";
    return rec;
  }
  const auto& v = r->verdict;
  rec.verdict = v.outcome == conf::verdict::pass ? outcome::pass
                : v.outcome == conf::verdict::skip ? outcome::skip
                                                   : outcome::fail;
  rec.diff = v.diff;
  rec.detail = v.note;
  rec.observed = v.observed;
  rec.milliseconds = r->elapsed_ms;
  return rec;
}

engine_run run_engine(const browser_command_options& o, browser_engine engine_value, const selected_corpus& selected) {
  const auto start = clock_type::now();
  const auto engine = std::optional<browser_engine>(engine_value);
  const std::string expected_failures = for_engine(o.expected_failures, engine_value);
  std::optional<baseline> expected;
  if (!expected_failures.empty()) {
    std::string error;
    expected = read_baseline(expected_failures, &error);
    if (!expected) throw usage_error(error);
  }

  conf::corpus served;
  served.files = selected.loaded.loaded.files;
  for (const auto* c : selected.cases) served.cases.push_back(*c);
  page_server_options options = default_page_server_options();
  options.chunk_delay_ms = o.chunk_delay_ms;
  if (!o.page_dir.empty()) options.page_dir = o.page_dir;
  if (!o.wasm_dir.empty()) options.wasm_dir = o.wasm_dir;
  std::unique_ptr<page_server> server_holder;
  try {
    server_holder = std::make_unique<page_server>(std::move(served), options);
    server_holder->start();
  } catch (const std::exception& e) {
    throw usage_error(e.what());
  }
  page_server& server = *server_holder;

  const std::size_t total = selected.cases.size();
  std::mutex print_mutex;
  std::set<std::string> reported;
  if (o.progress)
    server.on_result([&](const std::string&, const browser_case_record& r) {
      std::lock_guard lock(print_mutex);
      reported.insert(r.case_id);
      std::cerr << "\r" << reported.size() << "/" << total << " cases" << std::flush;
    });

  const std::string run = run_token();
  const unsigned concurrency = o.concurrency != 0 ? o.concurrency : default_concurrency(*engine);
  browser_launch_options launch_options;
  launch_options.engine = *engine;
  launch_options.binary = o.binary;
  launch_options.firefox_connections_per_server = std::max(24u, concurrency + 8);
  launch_options.url = server.base_url() + "?auto=1&run=" + run + "&concurrency=" + std::to_string(concurrency) +
                       "&engine=" + std::string(to_string(*engine));
  std::unique_ptr<browser_launch> browser;
  try {
    browser = std::make_unique<browser_launch>(launch_options);
  } catch (const std::exception& e) {
    throw usage_error(e.what());
  }
  std::cout << "Running " << total << " cases in headless " << to_string(*engine) << " (" << concurrency
            << " at once) against " << server.base_url() << "\n"
            << std::flush;

  // Wait for the page's /api/done, checking now and then that the browser is still alive.
  const auto deadline = clock_type::now() + std::chrono::seconds(o.timeout_s);
  browser_run result;
  std::optional<std::string> died;
  for (;;) {
    result = server.wait_for_run(run, std::chrono::milliseconds(500));
    if (result.done) break;
    if ((died = browser->exited())) break;
    if (clock_type::now() >= deadline) break;
  }
  const bool timed_out = !result.done && !died;
  const std::string ended = browser->stop();
  server.stop();
  if (o.progress) std::cerr << '\n';
  if (result.results.empty()) {
    // Nothing to judge: the browser or the page did not work at all (exit 2, not a verdict).
    const std::string why = died ? "the browser exited before the page reported anything (" + *died + ")"
                                 : "the page reported nothing within " + std::to_string(o.timeout_s) + " s";
    throw usage_error(why + "\n  command: " + browser->command() + "\n  its log:\n" + browser->log_tail());
  }
  if (timed_out)
    std::cout << "The page did not finish within " << o.timeout_s << " s (" << result.results.size() << "/" << total
              << " cases reported); the browser was ended (" << ended << ").\n";

  std::vector<run_record> records;
  records.reserve(total);
  for (const auto* c : selected.cases) {
    auto it = result.results.find(c->id);
    records.push_back(to_record(*c, it == result.results.end() ? nullptr : &it->second));
  }

  implementation_info info;
  info.name = std::string(to_string(*engine)) + " (EventSource)";
  info.version = o.binary.empty() ? package_version(*engine) : std::string();
  if (info.version.empty()) info.version = engine_version(result.user_agent, *engine);
  info.command = browser->command();
  info.caps = browser_capabilities();

  run_report report;
  report.implementation = info;
  report.corpus_files = selected.loaded.loaded.files;
  report.corpus_cases = total;
  report.chunkings = "pinned (cases with pinned chunks) or whole, " + std::to_string(o.chunk_delay_ms) +
                     " ms between chunks";
  report.expected_failures_file = expected_failures;
  report.records = &records;
  report.gate = evaluate_gate(records, expected ? &*expected : nullptr, selected.all_ids);
  report.seconds = seconds_since(start);

  write_summary(std::cout, report, o.max_diffs);
  std::cout << "Page time: " << result.page_elapsed_ms / 1000.0 << " s for " << result.results.size()
            << " cases; user agent: " << (result.user_agent.empty() ? "(unknown)" : result.user_agent) << "\n";
  std::string error;
  const std::string json_file = for_engine(o.json_file, engine_value);
  const std::string junit_file = for_engine(o.junit_file, engine_value);
  const std::string baseline_file = for_engine(o.write_baseline, engine_value);
  if (!json_file.empty()) {
    if (!write_file(json_file, to_json(report), &error)) throw usage_error(error);
    std::cout << "JSON report: " << json_file << " (" << records.size() << " records)\n";
  }
  if (!junit_file.empty()) {
    if (!write_file(junit_file, to_junit(report), &error)) throw usage_error(error);
    std::cout << "JUnit report: " << junit_file << " (" << records.size() << " test cases)\n";
  }
  if (!baseline_file.empty()) {
    const std::string text = format_baseline(records, info);
    if (!write_file(baseline_file, text, &error)) throw usage_error(error);
    std::cout << "Baseline: " << baseline_file << "\n";
  }
  engine_run out;
  out.engine = engine_value;
  out.info = info;
  out.user_agent = result.user_agent;
  out.page_seconds = result.page_elapsed_ms / 1000.0;
  out.seconds = report.seconds;
  out.gate = report.gate;
  out.records = std::move(records);
  return out;
}

// ---- the engines matrix (Markdown, between markers in an existing file) ---------------------------

struct area_counts {
  std::size_t cases = 0, pass = 0, fail = 0, skip = 0, implementation_defined = 0;
};

/// Same cell format as `sse-conformance matrix`: passed/checked, then failures, i-d and skips.
std::string cell(const area_counts& a) {
  std::string out = std::to_string(a.pass + a.implementation_defined) + "/" + std::to_string(a.cases - a.skip);
  if (a.fail != 0) out += " · **" + std::to_string(a.fail) + " ✗**";
  if (a.implementation_defined != 0) out += " · " + std::to_string(a.implementation_defined) + " i-d";
  if (a.skip != 0) out += " · " + std::to_string(a.skip) + " skip";
  return out;
}

std::string engine_title(const engine_run& r) {
  static const char* names[] = {"Chromium", "Firefox ESR", "WebKitGTK", "other"};
  return std::string(names[static_cast<int>(r.engine)]) + (r.info.version.empty() ? "" : " " + r.info.version);
}

std::string first_lines(const std::string& text, std::size_t n) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < n && start < text.size(); ++i) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (!line.empty()) out += (out.empty() ? "`" : "` / `") + line;
    start = end + 1;
  }
  return out.empty() ? out : out + "`";
}

std::string matrix_markdown(const std::vector<engine_run>& runs, const selected_corpus& corpus) {
  std::ostringstream md;
  char date[32] = "";
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  md << "Generated by `sse-conformance browser --engine";
  for (std::size_t i = 0; i < runs.size(); ++i) md << (i == 0 ? " " : ",") << to_string(runs[i].engine);
  md << " --matrix runner/BROWSERS.md` on " << date << " from " << corpus.cases.size() << " cases in "
     << corpus.loaded.loaded.files.size() << " fixture files, each case sent once in its pinned chunking (or whole). "
     << "A cell is *cases passed / cases checked*; **✗** counts cases whose observations differ (spec cases), "
     << "*i-d* implementation-defined cases that differ from the reference's decision (never a failure).\n\n";
  std::map<std::string, std::size_t> areas;
  for (const auto* c : corpus.cases) ++areas[c->area];
  std::vector<std::map<std::string, area_counts>> per(runs.size());
  std::vector<area_counts> totals(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const auto& c : summarise_cases(runs[i].records)) {
      for (auto* a : {&per[i][c.test->area], &totals[i]}) {
        ++a->cases;
        if (c.status == gate_status::ok) ++a->pass;
        if (c.status == gate_status::skipped) ++a->skip;
        if (c.status == gate_status::new_failure || c.status == gate_status::known_failure) ++a->fail;
        if (c.status == gate_status::implementation_defined) ++a->implementation_defined;
      }
    }
  }
  md << "| area (cases) |";
  for (const auto& r : runs) md << ' ' << engine_title(r) << " |";
  md << "\n| --- |";
  for (std::size_t i = 0; i < runs.size(); ++i) md << " --- |";
  md << '\n';
  for (const auto& [area, n] : areas) {
    md << "| " << area << " (" << n << ") |";
    for (std::size_t i = 0; i < runs.size(); ++i) md << ' ' << cell(per[i][area]) << " |";
    md << '\n';
  }
  md << "| **total** (" << corpus.cases.size() << ") |";
  for (std::size_t i = 0; i < runs.size(); ++i) md << ' ' << cell(totals[i]) << " |";
  md << "\n\n| engine | user agent | corpus time in the page | whole command |\n| --- | --- | --- | --- |\n";
  for (const auto& r : runs) {
    std::ostringstream t;
    t << std::fixed << std::setprecision(1) << r.page_seconds << " s | " << r.seconds << " s";
    md << "| " << engine_title(r) << " | `" << r.user_agent << "` | " << t.str() << " |\n";
  }
  for (const auto& r : runs) {
    md << "\n#### " << engine_title(r) << ": cases that differ\n\n";
    bool any = false;
    for (const auto& c : summarise_cases(r.records)) {
      if (!is_failure(c.verdict)) continue;
      any = true;
      const run_record& rec = *c.records.front();
      md << "- `" << c.test->id << "`" << (c.status == gate_status::implementation_defined ? " (i-d " + c.test->gap + ")" : "")
         << ": " << first_lines(rec.diff.empty() ? rec.detail : rec.diff, 4) << '\n';
    }
    if (!any) md << "None.\n";
  }
  return md.str();
}

void write_matrix(const std::string& path, const std::string& generated) {
  static const std::string begin = "<!-- engines-matrix: generated, do not edit -->";
  static const std::string end = "<!-- /engines-matrix -->";
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto b = text.find(begin);
  const auto e = text.find(end);
  const std::string block = begin + "\n" + generated + end;
  if (b != std::string::npos && e != std::string::npos && b < e) {
    text.replace(b, e + end.size() - b, block);
  } else {
    text += (text.empty() ? "# Browser engines\n\n" : "\n") + block + "\n";
  }
  std::string error;
  if (!write_file(path, text, &error)) throw usage_error(error);
  std::cout << "Engines matrix: " << path << "\n";
}

int browser_command(const browser_command_options& o) {
  std::vector<browser_engine> engines;
  for (const auto& list : o.engines) {
    std::stringstream names(list);
    std::string name;
    while (std::getline(names, name, ',')) {
      const auto e = browser_engine_from_string(name);
      if (!e || *e == browser_engine::other)
        throw usage_error("--engine takes chromium, firefox or webkit (got '" + name + "')");
      engines.push_back(*e);
    }
  }
  if (engines.empty()) throw usage_error("--engine is required");
  selected_corpus selected;
  load_selected(o.corpus, selected);
  std::vector<engine_run> runs;
  int exit_code = exit_passed;
  for (auto e : engines) {
    if (engines.size() > 1) std::cout << (runs.empty() ? "" : "\n") << "== " << to_string(e) << "\n";
    runs.push_back(run_engine(o, e, selected));
    exit_code = std::max(exit_code, runs.back().gate.exit_code());
  }
  if (!o.matrix_file.empty()) write_matrix(o.matrix_file, matrix_markdown(runs, selected));
  return exit_code;
}

}  // namespace

void add_browser_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<browser_command_options>();
  auto* cmd = app.add_subcommand("browser", "Run the corpus in a headless browser's own EventSource (via the "
                                            "comparison page) and decide the gate like `run`");
  cmd->footer(
      "Engines: chromium (package chromium), firefox (firefox-esr), webkit (webkit2gtk-driver + xvfb: MiniBrowser "
      "under xvfb-run). A browser observes events and, through the server, the reconnection's Last-Event-ID and "
      "delay; see runner/BROWSERS.md.\n\nExit codes: 0 gate passed; 1 gate failed (a new failure, or a stale "
      "baseline entry); 2 bad usage, bad corpus, or a browser that does not start.");
  cmd->add_option("--engine", o->engines,
                  "chromium, firefox or webkit; several (comma-separated or repeated) run one after the other")
      ->required()
      ->type_name("ENGINE[,ENGINE...]");
  add_corpus_options(*cmd, o->corpus);
  cmd->add_option("--timeout", o->timeout_s, "Seconds to wait for the page to finish")->capture_default_str();
  cmd->add_option("--concurrency", o->concurrency,
                  "EventSources open at once (default: 4; 16 in Firefox, whose profile allows more connections)");
  cmd->add_option("--chunk-delay", o->chunk_delay_ms, "Milliseconds between two chunks of a stream")
      ->capture_default_str();
  cmd->add_option("--browser-binary", o->binary, "The browser executable (default: Debian's)")->type_name("PATH");
  cmd->add_option("--page-dir", o->page_dir, "The page's folder (default: wasm/page of this source tree)")
      ->type_name("DIR");
  cmd->add_option("--wasm-dir", o->wasm_dir, "The WASM package's folder, served at /wasm/")->type_name("DIR");
  cmd->add_option("--json", o->json_file, "Write the JSON report ({engine} in FILE: one per engine)")->type_name("FILE");
  cmd->add_option("--junit", o->junit_file, "Write a JUnit XML report ({engine} in FILE: one per engine)")
      ->type_name("FILE");
  cmd->add_option("--expected-failures", o->expected_failures,
                  "Baseline of known failures, e.g. runner/baselines/{engine}.txt: a listed failure does not fail "
                  "the gate; a listed case that passes does (stale)")
      ->type_name("FILE");
  cmd->add_option("--write-baseline", o->write_baseline,
                  "Write a baseline of this run's failures ({engine} in FILE: one per engine)")
      ->type_name("FILE");
  cmd->add_option("--max-diffs", o->max_diffs, "Problems shown in full in the summary")->capture_default_str();
  cmd->add_flag("--progress", o->progress, "Show progress on stderr");
  cmd->add_option("--matrix", o->matrix_file,
                  "Write the engines matrix (Markdown) into FILE, between its engines-matrix markers")
      ->type_name("FILE");
  cmd->callback([o, &exit_code] { exit_code = browser_command(*o); });
}

}  // namespace sse::runner
