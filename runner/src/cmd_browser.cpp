// sse-conformance browser: the comparison page in a headless Chromium, Firefox or WebKit, judged
// like `run` (same records, gate, reports, baselines and exit codes).
#include "commands.hpp"
#include "matrix.hpp"
#include "page_run.hpp"
#include "report.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
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
  std::string binary;
  page_options page;
  report_options reports;
  std::string matrix_file;
  bool parsing_only = false;
  std::string connection_expected_failures;
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
  std::optional<connection_run_summary> connection;  ///< The connection scenarios, unless --parsing-only.
};

std::string engine_version(const std::string& user_agent, browser_engine e) {
  const char* marker = e == browser_engine::firefox    ? "Firefox/"
                       : e == browser_engine::chromium ? "Chrome/"
                                                       : "AppleWebKit/";
  const auto at = user_agent.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + std::char_traits<char>::length(marker);
  const auto end = user_agent.find(' ', start);
  return user_agent.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::unique_ptr<page_server> start_page_server(const browser_command_options& o, const selected_corpus& selected) {
  try {
    auto server = std::make_unique<page_server>(selected.copy(), page_server_options_from(o.page));
    server->start();
    return server;
  } catch (const std::exception& e) {
    throw usage_error(e.what());
  }
}

page_run_settings page_settings(const browser_command_options& o, browser_engine engine) {
  page_run_settings s;
  s.engine = engine;
  s.binary = o.binary;
  s.concurrency = o.concurrency;
  s.timeout_s = o.timeout_s;
  s.progress = o.reports.progress;
  return s;
}

implementation_info engine_info(const browser_command_options& o, browser_engine engine, const browser_run& result,
                                const browser_launch& browser) {
  implementation_info info;
  info.name = std::string(to_string(engine)) + " (EventSource)";
  info.version = o.binary.empty() ? installed_browser_version(engine) : std::string();
  if (info.version.empty()) info.version = engine_version(result.user_agent, engine);
  info.command = browser.command();
  info.caps = browser_capabilities();
  info.engine = true;
  return info;
}

engine_run run_engine(const browser_command_options& o, browser_engine engine, const selected_corpus& selected) {
  const auto start = clock_type::now();
  const report_options reports = o.reports.with("{engine}", to_string(engine));
  const std::optional<baseline> expected = read_expected_failures(reports);

  const auto server = start_page_server(o, selected);
  const std::size_t total = selected.cases.size();
  std::mutex print_mutex;
  std::set<std::string> reported;
  if (o.reports.progress)
    server->on_result([&](const std::string&, const browser_case_record& r) {
      std::lock_guard lock(print_mutex);
      reported.insert(r.case_id);
      std::cerr << "\r" << reported.size() << "/" << total << " cases" << std::flush;
    });
  const std::string run = run_token();
  const page_run_settings settings = page_settings(o, engine);
  const auto browser = launch_page(settings, *server, run);
  const browser_run result = wait_for_page(settings, *server, *browser, run);

  std::vector<run_record> records;
  records.reserve(total);
  for (const auto* c : selected.cases) {
    auto it = result.results.find(c->id);
    records.push_back(browser_record(*c, it == result.results.end() ? nullptr : &it->second));
  }
  run_report report;
  report.command = "browser";
  report.implementation = engine_info(o, engine, result, *browser);
  report.corpus_files = selected.loaded.loaded.files;
  report.corpus_digest = selected.digest;
  report.corpus_cases = total;
  report.chunkings =
      "pinned (cases with pinned chunks) or whole, " + std::to_string(o.page.chunk_delay_ms) + " ms between chunks";
  report.expected_failures_file = reports.expected_failures;
  report.records = &records;
  report.gate = evaluate_gate(records, expected ? &*expected : nullptr, selected.all_ids);
  report.seconds = seconds_since(start);
  (void)publish(reports, report);

  engine_run out;
  out.engine = engine;
  out.info = report.implementation;
  out.user_agent = result.user_agent;
  out.page_seconds = result.page_elapsed_ms / 1000.0;
  out.seconds = report.seconds;
  out.gate = report.gate;
  out.records = std::move(records);
  return out;
}

// ---- the engines matrix (Markdown, between markers in an existing file) ---------------------------

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

/// A heading, then one line per failing case: its id (and gap) and the first `lines` of its diff.
void list_differences(std::ostream& md, const std::string& heading, const std::vector<run_record>& records,
                      std::size_t lines) {
  md << "\n#### " << heading << "\n\n";
  bool any = false;
  for (const auto& c : summarise_cases(records)) {
    if (!is_failure(c.outcome)) continue;
    any = true;
    const run_record& rec = *c.records.front();
    md << "- `" << c.test->id << "`"
       << (c.status == gate_status::implementation_defined ? " (i-d " + c.test->gap + ")" : "") << ": "
       << first_lines(rec.diff.empty() ? rec.detail : rec.diff, lines) << '\n';
  }
  if (!any) md << "None.\n";
}

/// The connection columns: scenarios per area, each engine's measured default reconnection time,
/// and the scenarios that differ.
std::string connection_matrix(const std::vector<engine_run>& runs) {
  std::vector<matrix_column> columns;
  std::vector<const conf::test_case*> scenarios;
  for (const auto& r : runs) {
    if (!r.connection) continue;
    columns.push_back(count_column(engine_title(r), r.connection->records));
    if (scenarios.empty())
      for (const auto& m : r.connection->metadata) scenarios.push_back(&m);
  }
  if (columns.empty()) return {};
  std::ostringstream md;
  md << "\n### Connection scenarios\n\n`fixtures/connection/` through each engine's own `new EventSource(url)` in a "
        "page "
        "of the scenario's origin (`sse-conformance connect --client ENGINE`): requests checked and delays measured by "
        "the scenario server.\n\n"
     << area_table(columns, scenarios)
     << "\n| engine | default reconnection time (measured) | connection run |\n| --- | --- | --- |\n";
  for (const auto& r : runs) {
    if (!r.connection) continue;
    std::ostringstream t;
    t << std::fixed << std::setprecision(0);
    if (r.connection->default_reconnection_ms)
      t << *r.connection->default_reconnection_ms << " ms";
    else
      t << "not observed";
    t << " | " << std::setprecision(1) << r.connection->seconds << " s";
    md << "| " << engine_title(r) << " | " << t.str() << " |\n";
  }
  for (const auto& r : runs)
    if (r.connection) list_differences(md, engine_title(r) + ": scenarios that differ", r.connection->records, 3);
  return md.str();
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
     << cell_legend() << "\n\n";
  std::vector<matrix_column> columns;
  for (const auto& r : runs) columns.push_back(count_column(engine_title(r), r.records));
  md << area_table(columns, corpus.cases);
  md << "\n| engine | user agent | corpus time in the page | whole command |\n| --- | --- | --- | --- |\n";
  for (const auto& r : runs) {
    std::ostringstream t;
    t << std::fixed << std::setprecision(1) << r.page_seconds << " s | " << r.seconds << " s";
    md << "| " << engine_title(r) << " | `" << r.user_agent << "` | " << t.str() << " |\n";
  }
  md << connection_matrix(runs);
  for (const auto& r : runs) list_differences(md, engine_title(r) + ": cases that differ", r.records, 4);
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
    if (!o.parsing_only) {
      // The second corpus: the connection scenarios, with the page's own EventSource (`connect`).
      std::cout << "\n== " << to_string(e) << ": connection scenarios\n";
      connection_run_options c;
      c.client = std::string(to_string(e));
      c.browser_binary = o.binary;
      // Most of a scenario is waiting for the engine's 3-5 s default reconnection time; every job
      // has an iframe, a home server and scenario servers of its own, so 16 at once keep the whole
      // corpus near the length of its longest scenarios.
      c.jobs = 16;
      c.reports = o.reports.with("{engine}", "connection-" + c.client);
      report_options baseline_only;
      baseline_only.expected_failures = o.connection_expected_failures;
      c.reports.expected_failures = baseline_only.with("{engine}", c.client).expected_failures;
      runs.back().connection.emplace();
      exit_code = std::max(exit_code, run_connection_gate(c, &*runs.back().connection));
    }
  }
  if (!o.matrix_file.empty()) write_matrix(o.matrix_file, matrix_markdown(runs, selected));
  return exit_code;
}

}  // namespace

constexpr std::string_view browser_help =
    R"(Engines: chromium (package chromium), firefox (firefox-esr), webkit (webkit2gtk-driver + xvfb:
MiniBrowser under xvfb-run). A browser observes events and, through the server, the reconnection's
Last-Event-ID and delay; see runner/BROWSERS.md.

)";

void add_browser_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] = new_command<browser_command_options>(
      app, "browser", "Run the corpus in a headless browser's own EventSource and decide the gate like `run`",
      std::string(browser_help) + gate_exit_codes("bad corpus, or a browser"));
  cmd->add_option("--engine", o->engines,
                  "chromium, firefox or webkit; several (comma-separated or repeated) run one after the other")
      ->required()
      ->type_name("ENGINE[,ENGINE...]");
  add_corpus_options(*cmd, o->corpus);
  cmd->add_option("--timeout", o->timeout_s, "Seconds to wait for the page to finish")->capture_default_str();
  cmd->add_option("--concurrency", o->concurrency,
                  "EventSources open at once (default: 4; 16 in Firefox, whose profile allows more connections)");
  add_page_options(*cmd, o->page);
  add_report_options(*cmd, o->reports, /*per_engine=*/true);
  cmd->add_flag("--parsing-only", o->parsing_only, "Run only the parsing corpus (not the connection scenarios)");
  cmd->add_option("--connection-expected-failures", o->connection_expected_failures,
                  "Baseline of the connection scenarios ({engine} in FILE: one per engine); their reports are "
                  "named as the others with {engine} = connection-ENGINE")
      ->type_name("FILE");
  cmd->add_option("--matrix", o->matrix_file,
                  "Write the engines matrix (Markdown) into FILE, between its engines-matrix markers")
      ->type_name("FILE");
  cmd->callback([o, &exit_code] { exit_code = browser_command(*o); });
}

}  // namespace sse::runner
