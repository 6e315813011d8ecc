// report.hpp: what a run looks like to people (summary), to programs (JSON) and to CI (JUnit XML).
#pragma once

#include "gate.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace sse::runner {

struct run_report {
  std::string command = "run";  ///< The command that judged: run, browser, connect.
  /// What the implementation reports, for the summary's first line; empty: its capabilities.
  std::string reports;
  implementation_info implementation;
  std::vector<std::string> corpus_files;
  std::string corpus_digest;     ///< selected_corpus::digest (empty for the encoder corpus).
  std::size_t corpus_cases = 0;  ///< Cases selected (after --filter).
  std::string chunkings;         ///< The plans, as given ("whole,bytewise,...").
  double seconds = 0;
  std::string expected_failures_file;  ///< Empty when no baseline was given.
  const std::vector<run_record>* records = nullptr;
  gate_result gate;
};

/// The one report of a final-log implementation's lateness (capability final_log): how many checked
/// cases expect an observation before end of body, which it reports only at the end. One line.
[[nodiscard]] std::string final_log_lateness(const std::vector<case_summary>& cases,
                                             const conformance::capabilities& caps);

/// Counts per area (cases, by worst verdict), time taken, the first `max_diffs` problems in full,
/// stale baseline entries, and the gate's decision.
void write_summary(std::ostream& out, const run_report& report, std::size_t max_diffs);

/// One record per case and chunking, plus the implementation, the gate and the counts.
[[nodiscard]] std::string to_json(const run_report& report);

/// JUnit XML: one <testsuite> per area, one <testcase> per case (its chunkings aggregated, the
/// failing ones named with their diffs); stale baseline entries as failing test cases of a
/// "baseline" suite. FAIL is <failure>; CRASH, TIMEOUT, PROTOCOL-ERROR are <error>; SKIP,
/// implementation-defined differences and known failures are <skipped> with the reason.
[[nodiscard]] std::string to_junit(const run_report& report);

/// Writes `text` to `path`; returns false and sets `error` on failure.
bool write_file(const std::string& path, const std::string& text, std::string* error);

}  // namespace sse::runner
