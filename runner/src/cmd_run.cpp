// sse-conformance run: the CI gate. Runs the corpus against one implementation and decides.
#include "commands.hpp"
#include "report.hpp"

#include <iostream>
#include <memory>

namespace sse::runner {
namespace {

struct run_command_options {
  std::string impl = "reference";
  corpus_options corpus;
  execution_options execution;
  std::string json_file;
  std::string junit_file;
  std::string expected_failures;
  std::string write_baseline;
  std::size_t max_diffs = 5;
  bool progress = false;
};

int run_command(const run_command_options& o) {
  const auto start = clock_type::now();
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  const run_settings base_settings = make_run_settings(o.execution);

  std::optional<baseline> expected;
  if (!o.expected_failures.empty()) {
    std::string error;
    expected = read_baseline(o.expected_failures, &error);
    if (!expected) throw usage_error(error);
  }

  opened_implementation impl;
  try {
    impl = open_implementation(o.impl, o.execution);
  } catch (const adapter_fault& f) {
    std::string message = "the implementation '" + o.impl + "' did not start: " + f.what();
    if (!f.offending_line.empty()) message += "\n  offending output: " + conformance::escape_bytes(f.offending_line);
    if (!f.stderr_tail.empty()) message += "\n  stderr:\n" + f.stderr_tail;
    throw usage_error(message);
  }

  run_settings settings = base_settings;
  if (o.progress)
    settings.progress = [](std::size_t done, std::size_t total) {
      std::cerr << "\r" << done << "/" << total << " cases" << std::flush;
      if (done == total) std::cerr << '\n';
    };
  auto records = run_cases(corpus.cases, impl.info, impl.make, settings);
  impl.make = nullptr;  // Ends the spare adapter process, if it was never used.

  run_report report;
  report.implementation = impl.info;
  report.corpus_files = corpus.loaded.loaded.files;
  report.corpus_cases = corpus.cases.size();
  report.chunkings = o.execution.chunkings;
  if (o.execution.chunkings.find("random") != std::string::npos || o.execution.chunkings == "all")
    report.chunkings += " (random x" + std::to_string(o.execution.random_variants) + ")";
  report.expected_failures_file = o.expected_failures;
  report.records = &records;
  report.gate = evaluate_gate(records, expected ? &*expected : nullptr, corpus.all_ids);
  report.seconds = seconds_since(start);

  write_summary(std::cout, report, o.max_diffs);
  std::string error;
  if (!o.json_file.empty()) {
    if (!write_file(o.json_file, to_json(report), &error)) throw usage_error(error);
    std::cout << "JSON report: " << o.json_file << " (" << records.size() << " records)\n";
  }
  if (!o.junit_file.empty()) {
    if (!write_file(o.junit_file, to_junit(report), &error)) throw usage_error(error);
    std::cout << "JUnit report: " << o.junit_file << " (" << corpus.cases.size() << " test cases)\n";
  }
  if (!o.write_baseline.empty()) {
    const std::string text = format_baseline(records, impl.info);
    if (!write_file(o.write_baseline, text, &error)) throw usage_error(error);
    std::size_t entries = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
      if ((i == 0 || text[i - 1] == '\n') && text[i] != '#') ++entries;
    std::cout << "Baseline: " << o.write_baseline << " (" << entries << " entr" << (entries == 1 ? "y" : "ies") << ")\n";
  }
  return report.gate.exit_code();
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<run_command_options>();
  auto* cmd = app.add_subcommand("run", "Run the corpus against one implementation and decide the gate");
  cmd->footer(
      "Implementations (--impl):" + builtin_implementations_help() +
      "\n  anything else: an adapter command, run with /bin/sh -c (see runner/ADAPTERS.md)"
      "\n\nExit codes: 0 gate passed; 1 gate failed (a new failure, or a stale baseline entry); 2 bad usage, "
      "bad corpus, or an adapter that does not start.");
  cmd->add_option("--impl", o->impl, "The implementation under test: a built-in name or an adapter command")
      ->capture_default_str()
      ->type_name("NAME|COMMAND");
  add_corpus_options(*cmd, o->corpus);
  add_execution_options(*cmd, o->execution);
  cmd->add_option("--json", o->json_file, "Write the JSON report (one record per case and chunking); '-' = stdout")
      ->type_name("FILE");
  cmd->add_option("--junit", o->junit_file, "Write a JUnit XML report")->type_name("FILE");
  cmd->add_option("--expected-failures", o->expected_failures,
                  "Baseline of known failures: a listed failure does not fail the gate; a listed case that "
                  "passes does (stale)")
      ->type_name("FILE");
  cmd->add_option("--write-baseline", o->write_baseline, "Write a baseline of this run's failures")->type_name("FILE");
  cmd->add_option("--max-diffs", o->max_diffs, "Problems shown in full in the summary")->capture_default_str();
  cmd->add_flag("--progress", o->progress, "Show progress on stderr");
  cmd->callback([o, &exit_code] { exit_code = run_command(*o); });
}

}  // namespace sse::runner
