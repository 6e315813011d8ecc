// sse-conformance run: the CI gate. Runs the corpus against one implementation and decides.
#include "commands.hpp"

#include <iostream>
#include <memory>

namespace sse::runner {
namespace {

struct run_command_options {
  std::string impl = "reference";
  corpus_options corpus;
  execution_options execution;
  report_options reports;
};

int run_command(const run_command_options& o) {
  const auto start = clock_type::now();
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  const run_settings base_settings = make_run_settings(o.execution);

  const std::optional<baseline> expected = read_expected_failures(o.reports);

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
  if (o.reports.progress)
    settings.progress = [](std::size_t done, std::size_t total) {
      std::cerr << "\r" << done << "/" << total << " cases" << std::flush;
      if (done == total) std::cerr << '\n';
    };
  auto records = run_cases(corpus.cases, impl.info, impl.make, settings);
  impl.make = nullptr;  // Ends the spare adapter process, if it was never used.

  run_report report;
  report.implementation = impl.info;
  report.corpus_files = corpus.loaded.loaded.files;
  report.corpus_digest = corpus.digest;
  report.corpus_cases = corpus.cases.size();
  report.chunkings = o.execution.chunkings;
  if (o.execution.chunkings.find("random") != std::string::npos || o.execution.chunkings == "all")
    report.chunkings += " (random x" + std::to_string(o.execution.random_variants) + ")";
  report.expected_failures_file = o.reports.expected_failures;
  report.records = &records;
  report.gate = evaluate_gate(records, expected ? &*expected : nullptr, corpus.all_ids);
  report.seconds = seconds_since(start);
  return publish(o.reports, report);
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] =
      new_command<run_command_options>(app, "run", "Run the corpus against one implementation and decide the gate");
  add_implementation_option(*cmd, o->impl, gate_exit_codes("bad corpus, or an adapter"));
  add_corpus_options(*cmd, o->corpus);
  add_execution_options(*cmd, o->execution);
  add_report_options(*cmd, o->reports);
  cmd->callback([o, &exit_code] { exit_code = run_command(*o); });
}

}  // namespace sse::runner
