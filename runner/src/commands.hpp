// commands.hpp: the subcommands of sse-conformance, each in its own cmd_*.cpp, and the options and
// helpers several of them share.
//
// A command registers itself on the app and, when it runs, stores its exit code in `exit_code`:
//   0  the gate passed (run), or the command did what it was asked;
//   1  the gate failed: a new failure, or a stale baseline entry;
//   2  bad usage, bad corpus (lint errors), unreadable files, or an adapter that does not start.
#pragma once

#include "adapter_process.hpp"
#include "gate.hpp"
#include "report.hpp"

#include <sse/conformance/conformance.hpp>

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sse::runner {

/// A subcommand of `app` and the options object its callback captures (so it lives as long as the app).
/// `footer`, when given, is the text --help prints after the options (a raw string, wrapped by hand).
template <class Options>
std::pair<CLI::App*, std::shared_ptr<Options>> new_command(CLI::App& app, std::string name, std::string description,
                                                           std::string_view footer = {}) {
  CLI::App* command = app.add_subcommand(std::move(name), std::move(description));
  if (!footer.empty()) command->footer(std::string(footer));
  return {command, std::make_shared<Options>()};
}

/// Registers an option that must be a positive number and shows its default in --help.
template <class T>
CLI::Option* add_positive_option(CLI::App& command, std::string name, T& value, std::string help) {
  return command.add_option(std::move(name), value, std::move(help))->capture_default_str()->check(CLI::PositiveNumber);
}

void add_run_command(CLI::App& app, int& exit_code);
void add_parse_command(CLI::App& app, int& exit_code);
void add_lint_command(CLI::App& app, int& exit_code);
void add_list_command(CLI::App& app, int& exit_code);
void add_rules_command(CLI::App& app, int& exit_code);
void add_matrix_command(CLI::App& app, int& exit_code);
void add_encode_command(CLI::App& app, int& exit_code);   // cmd_encode.cpp: the writing side
void add_connect_command(CLI::App& app, int& exit_code);  // cmd_connect.cpp: scenarios through real clients
void add_fuzz_command(CLI::App& app, int& exit_code);     // cmd_fuzz.cpp: generated streams, shrunk differences
void add_serve_command(CLI::App& app, int& exit_code);    // cmd_serve.cpp (runner/browser.cmake)
void add_browser_command(CLI::App& app, int& exit_code);  // cmd_browser.cpp (runner/browser.cmake)

/// The --help line on the exit codes of a command that gates like `run`; `what_fails_to_start` names
/// what exit code 2 also covers ("bad corpus, or an adapter").
[[nodiscard]] inline std::string gate_exit_codes(std::string_view what_fails_to_start) {
  return "Exit codes: 0 gate passed; 1 gate failed (a new failure, or a stale baseline entry); 2 bad usage, " +
         std::string(what_fails_to_start) + " that does not start.";
}

inline constexpr int exit_passed = 0;
inline constexpr int exit_gate_failed = 1;
inline constexpr int exit_usage = 2;

/// Thrown by a command for bad usage or unusable input: main prints it and exits with 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- corpus selection (run, list, matrix) -------------------------------------------------------

struct corpus_options {
  std::vector<std::string> paths;    ///< --corpus, repeatable; default: the bundled fixtures/.
  std::vector<std::string> filters;  ///< --filter, repeatable: case id glob, rule id, tag or area.
};
void add_corpus_options(CLI::App& command, corpus_options& options);
/// The same options for a corpus of another kind; `bundled` names its default ("fixtures/connection").
void add_corpus_options(CLI::App& command, std::vector<std::string>& paths, std::vector<std::string>& filters,
                        std::string_view bundled);
/// Throws usage_error when `path` does not exist or cannot be examined (loop, too long, no access).
void require_corpus_path(const std::filesystem::path& path);

struct selected_corpus {
  conformance::load_result loaded;
  std::vector<const conformance::test_case*> cases;  ///< After --filter, in corpus order.
  std::vector<std::string> all_ids;                  ///< Every id in the corpus (before --filter).
  /// The corpus version: a digest of every case (before --filter) as the runner judges it, so that
  /// reports made elsewhere can be merged only when they were judged against the same cases.
  std::string digest;
  /// The selected cases as a corpus of their own (for the page server).
  [[nodiscard]] conformance::corpus copy() const;
};
/// Loads and validates the corpus; throws usage_error listing the diagnostics when it is invalid.
/// The result must stay where it is (cases point into it).
void load_selected(const corpus_options& options, selected_corpus& out);
/// selected_corpus::digest of a corpus: "<cases>-cases-fnv1a64-<16 hex digits>".
[[nodiscard]] std::string corpus_digest(const conformance::corpus& corpus);
[[nodiscard]] bool matches_filter(const conformance::test_case& c, const std::vector<std::string>& filters);

// ---- how to run (run, matrix) -------------------------------------------------------------------

struct execution_options {
  std::string chunkings = "whole,bytewise,boundaries,pinned,random";
  unsigned random_variants = 4;
  std::uint64_t seed = 0x5EE5EE5EULL;
  unsigned jobs = 0;                 ///< 0: the number of hardware threads.
  unsigned timeout_ms = 5000;        ///< Adapters: longest wait for any one answer.
  unsigned case_timeout_ms = 60000;  ///< Adapters: longest one case under one chunking may take.
  std::size_t max_line_bytes = 64u << 20;
  /// The reference parser's optional limits (--impl reference only); 0: none, as the standard.
  std::size_t parser_max_line_bytes = 0;
  std::size_t parser_max_event_bytes = 0;
};
void add_execution_options(CLI::App& command, execution_options& options);
/// How an adapter command is run under these options (the timeouts and the longest protocol line).
[[nodiscard]] adapter_options make_adapter_options(const std::string& command, const execution_options& options);
[[nodiscard]] run_settings make_run_settings(const execution_options& options);

// ---- reports and baselines (run, browser) ---------------------------------------------------------

struct report_options {
  std::string json_file;          ///< --json
  std::string junit_file;         ///< --junit
  std::string expected_failures;  ///< --expected-failures
  std::string write_baseline;     ///< --write-baseline
  std::size_t max_diffs = 5;      ///< --max-diffs
  bool progress = false;          ///< --progress
  /// Every file name with `marker` replaced by `value` (browser: {engine} -> chromium).
  [[nodiscard]] report_options with(std::string_view marker, std::string_view value) const;
};
/// Registers the options above. `per_engine`: the help says that {engine} in a name is replaced.
void add_report_options(CLI::App& command, report_options& options, bool per_engine = false);
/// The baseline --expected-failures names, or nullopt when none; throws usage_error when unreadable.
[[nodiscard]] std::optional<baseline> read_expected_failures(const report_options& options);
/// Writes the summary to stdout and the JSON, JUnit and baseline files the options name, saying
/// where each went. Returns the gate's exit code; throws usage_error when a file cannot be written.
int publish(const report_options& options, const run_report& report);

// ---- connection scenarios through real clients (connect, browser) --------------------------------

/// --longest-retry-wait, for the commands that play streams to a client (`fuzz --client`,
/// `connect --parsing`: `which` names the mode in the help).
void add_longest_retry_wait_option(CLI::App& command, std::uint64_t& ms, const std::string& which);

struct connection_run_options {
  std::string client = "node";  ///< A built-in client, a browser engine name, or a client-mode adapter command.
  std::vector<std::string> corpus_paths;  ///< Default: the bundled fixtures/connection.
  std::vector<std::string> filters;
  unsigned jobs = 8;
  unsigned timeout_ms = 20000;  ///< A library as large as undici takes seconds to load on a busy machine.
  unsigned reconnect_budget_ms = 10000;
  unsigned settle_ms = 250;
  std::string browser_binary;  ///< Browsers: the executable (empty: the Debian default).
  /// --parsing: the parsing cases (corpus_paths: fixture files), each played as fuzz plays a stream.
  bool parsing = false;
  std::uint64_t chunk_delay_ms = 10;
  std::uint64_t longest_retry_wait_ms = 1000;
  report_options reports;
};
/// What a connection run found, for the engines matrix.
struct connection_run_summary {
  implementation_info info;
  std::vector<conformance::test_case> metadata;  ///< The scenarios run (records point into it).
  std::vector<run_record> records;
  gate_result gate;
  double seconds = 0;
  /// The median of the delays measured where only the implementation-defined initial reconnection
  /// time applies (R64): the client's default; nullopt when no scenario showed one.
  std::optional<double> default_reconnection_ms;
};
/// Plays the scenarios through the client, judges and publishes like `run`; returns the exit code.
/// With `summary`, also hands over the run.
int run_connection_gate(const connection_run_options& options, connection_run_summary* summary = nullptr);

// ---- implementations ----------------------------------------------------------------------------

/// The in-process reference's name and version (this runner's), with every capability.
[[nodiscard]] implementation_info reference_info();

struct opened_implementation {
  implementation_info info;
  implementation_factory make;
};
/// `spec` is a built-in name (reference, wasm, eventsource-parser, undici, fetch-event-source) or an
/// adapter command. Starts an adapter once to read its hello; throws adapter_fault when it does not.
[[nodiscard]] opened_implementation open_implementation(const std::string& spec, const execution_options& options);
/// Registers --impl (a built-in name or an adapter command) and a footer that lists the built-in
/// implementations, then `exit_codes` ("Exit codes: 0 ...").
void add_implementation_option(CLI::App& command, std::string& impl, const std::string& exit_codes);
/// The built-in names and what they run, for --help.
[[nodiscard]] std::string builtin_implementations_help();
/// An installed runner (BIN/sse-conformance next to SHARE/sse-conformance/fixtures/rules.json, as the
/// Debian package lays it out) uses its own corpus, page, WASM package and adapters' sources: sets
/// SSE_CONFORMANCE_CORPUS_DIR, _PAGE_DIR, _WASM_DIR and _ADAPTERS_DIR to them unless already set.
/// A runner in its build tree keeps the source tree's, configured at build time.
void use_installed_data_dir();
/// Where the bundled adapters live (runner/adapters, or $SSE_CONFORMANCE_ADAPTERS_DIR).
[[nodiscard]] std::string adapters_dir();
/// Where the Go adapters are built (the build folder's runner/go-adapters, or $SSE_CONFORMANCE_GO_ADAPTERS_DIR).
[[nodiscard]] std::string go_adapters_dir();

/// Seconds since `start`.
[[nodiscard]] double seconds_since(clock_type::time_point start);

}  // namespace sse::runner
