// sse-conformance browser: the comparison page in a headless Chromium, Firefox or WebKit, judged
// like `run` (same records, gate, reports, baselines and exit codes).
#include "browser_launcher.hpp"
#include "commands.hpp"
#include "http_server.hpp"
#include "report.hpp"

#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;

struct browser_command_options {
  std::string engine;
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
};

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

int browser_command(const browser_command_options& o) {
  const auto start = clock_type::now();
  const auto engine = browser_engine_from_string(o.engine);
  if (!engine || *engine == browser_engine::other)
    throw usage_error("--engine must be chromium, firefox or webkit (got '" + o.engine + "')");

  selected_corpus selected;
  load_selected(o.corpus, selected);
  std::optional<baseline> expected;
  if (!o.expected_failures.empty()) {
    std::string error;
    expected = read_baseline(o.expected_failures, &error);
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
  if (died && result.results.empty()) {
    throw usage_error("the browser exited before the page reported anything (" + *died + ")\n  command: " +
                      browser->command() + "\n  its log:\n" + browser->log_tail());
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
  info.version = engine_version(result.user_agent, *engine);
  info.command = browser->command();
  info.caps = browser_capabilities();

  run_report report;
  report.implementation = info;
  report.corpus_files = selected.loaded.loaded.files;
  report.corpus_cases = total;
  report.chunkings = "pinned (cases with pinned chunks) or whole, " + std::to_string(o.chunk_delay_ms) +
                     " ms between chunks";
  report.expected_failures_file = o.expected_failures;
  report.records = &records;
  report.gate = evaluate_gate(records, expected ? &*expected : nullptr, selected.all_ids);
  report.seconds = seconds_since(start);

  write_summary(std::cout, report, o.max_diffs);
  std::cout << "Page time: " << result.page_elapsed_ms / 1000.0 << " s for " << result.results.size()
            << " cases; user agent: " << (result.user_agent.empty() ? "(unknown)" : result.user_agent) << "\n";
  std::string error;
  if (!o.json_file.empty()) {
    if (!write_file(o.json_file, to_json(report), &error)) throw usage_error(error);
    std::cout << "JSON report: " << o.json_file << " (" << records.size() << " records)\n";
  }
  if (!o.junit_file.empty()) {
    if (!write_file(o.junit_file, to_junit(report), &error)) throw usage_error(error);
    std::cout << "JUnit report: " << o.junit_file << " (" << records.size() << " test cases)\n";
  }
  if (!o.write_baseline.empty()) {
    const std::string text = format_baseline(records, info);
    if (!write_file(o.write_baseline, text, &error)) throw usage_error(error);
    std::cout << "Baseline: " << o.write_baseline << "\n";
  }
  return report.gate.exit_code();
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
  cmd->add_option("--engine", o->engine, "chromium, firefox or webkit")
      ->required()
      ->check(CLI::IsMember({"chromium", "firefox", "webkit"}));
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
  cmd->add_option("--json", o->json_file, "Write the JSON report")->type_name("FILE");
  cmd->add_option("--junit", o->junit_file, "Write a JUnit XML report")->type_name("FILE");
  cmd->add_option("--expected-failures", o->expected_failures,
                  "Baseline of known failures (runner/baselines/ENGINE.txt): a listed failure does not fail the "
                  "gate; a listed case that passes does (stale)")
      ->type_name("FILE");
  cmd->add_option("--write-baseline", o->write_baseline, "Write a baseline of this run's failures")->type_name("FILE");
  cmd->add_option("--max-diffs", o->max_diffs, "Problems shown in full in the summary")->capture_default_str();
  cmd->add_flag("--progress", o->progress, "Show progress on stderr");
  cmd->callback([o, &exit_code] { exit_code = browser_command(*o); });
}

}  // namespace sse::runner
