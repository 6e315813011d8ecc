// gate.hpp: running a corpus against one implementation, and judging the run.
//
// Every driver (the in-process reference and adapter subprocesses through run_cases(), the browser
// page through the page server) judges a case into a conformance::case_result and turns it into a
// run_record with to_record(), so all of them share the same records and therefore the same
// verdicts, reports, baselines and exit codes:
//   run_cases()      drives a conformance::implementation (one per job) over cases x chunkings;
//   to_record()      the one way a judged case becomes a record;
//   gate_status_of() the one rule for how a record counts (baseline, implementation-defined);
//   evaluate_gate()  applies it to a run, and finds stale baseline entries.
#pragma once

#include "baseline.hpp"
#include "outcome.hpp"

#include <sse/conformance/conformance.hpp>

#include <sse/conformance/conformance.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sse::runner {

/// How one record counts for the gate.
enum class gate_status : unsigned char {
  ok,                      ///< PASS
  skipped,                 ///< SKIP (a capability the implementation lacks)
  implementation_defined,  ///< FAIL on an implementation-defined case: reported, never fails the gate
  known_failure,           ///< failing, and listed in the baseline
  new_failure              ///< failing, not listed: fails the gate
};
[[nodiscard]] std::string_view to_string(gate_status s) noexcept;

/// One case under one chunking.
struct run_record {
  const conformance::test_case* test = nullptr;  ///< Points into the corpus the run was given.
  std::string chunking;                          ///< Chunking name ("whole", "bytewise", "random#2"...).
  std::size_t chunks = 0;                        ///< Number of chunks fed.
  conformance::outcome outcome = outcome::pass;
  std::string diff;            ///< FAIL: expected against observed (bytes escaped), or the latency problem.
  std::string detail;          ///< SKIP, CRASH, TIMEOUT, PROTOCOL-ERROR: what happened, in words.
  std::string offending_line;  ///< PROTOCOL-ERROR (and partial output on CRASH/TIMEOUT).
  std::string stderr_tail;     ///< Faults: the adapter's last stderr bytes.
  observation_log observed;    ///< What the implementation reported (projected to its capabilities).
  double milliseconds = 0;
  gate_status status = gate_status::ok;  ///< Set by evaluate_gate().
};

/// Who was tested.
struct implementation_info {
  std::string name;
  std::string version;
  std::string command;  ///< Empty for the in-process reference.
  conformance::capabilities caps = conformance::capabilities::all();
  bool engine = false;  ///< A browser engine's EventSource (browser), not a library.
};
using conformance::describe;

/// Makes one implementation instance per job (an adapter: a fresh process). May throw adapter_fault.
using implementation_factory = std::function<std::unique_ptr<conformance::implementation>()>;

struct run_settings {
  conformance::chunking_options chunking;
  unsigned jobs = 1;
  /// Called after every case (from worker threads, serialised): cases done, cases total.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// One job's implementation instance (an adapter: one process), started on first use and restarted
/// after a fault; run_cases() has one per job, and `fuzz` drives one directly.
class case_worker {
public:
  case_worker(const implementation_info& info, const implementation_factory& make);
  ~case_worker();
  case_worker(const case_worker&) = delete;
  case_worker& operator=(const case_worker&) = delete;
  /// The case under every chunking of `options`.
  [[nodiscard]] std::vector<run_record> run(const conformance::test_case& c,
                                            const conformance::chunking_options& options);
  /// The case under one chunking (`due`: due_counts(c), or empty to compute it). Never throws for
  /// anything the implementation does: a fault is a record, and the next call starts afresh.
  [[nodiscard]] run_record run_one(const conformance::test_case& c, const conformance::chunking& ch,
                                   const std::vector<std::size_t>& due);

private:
  run_record run_one(const conformance::test_case& c, const conformance::chunking& ch,
                     const std::vector<std::size_t>& due, const std::string& unchecked,
                     std::string& timed_out_chunking);
  bool ensure_started(run_record& r);

  const implementation_info& info_;
  const implementation_factory& make_;
  std::unique_ptr<conformance::implementation> impl_;
  int start_failures_ = 0;
  std::string last_start_error_;
};

/// Runs every case under every chunking. Records come back in case order, then chunking order.
/// Never throws for anything the implementation does: faults become records.
[[nodiscard]] std::vector<run_record> run_cases(const std::vector<const conformance::test_case*>& cases,
                                                const implementation_info& info, const implementation_factory& make,
                                                const run_settings& settings);

/// The one way a judged case becomes a record, for every driver. `chunks` is the number of chunks
/// fed (splits + 1).
[[nodiscard]] run_record to_record(const conformance::test_case& c, std::string chunking, std::size_t chunks,
                                   conformance::case_result result, double milliseconds);

/// How a record counts for the gate: PASS is ok, SKIP skipped; a FAIL on an implementation-defined
/// case never fails the gate (a crash, hang or protocol error is not a decision about the standard,
/// so it still counts); any other failure is known when the baseline lists it, new otherwise.
[[nodiscard]] gate_status gate_status_of(const run_record& r, bool listed_in_baseline) noexcept;

/// A baseline entry that no longer describes a failure (or names an unknown case).
struct stale_entry {
  baseline_entry entry;
  std::string reason;
};

struct gate_result {
  bool passed = true;
  std::size_t new_failures = 0;
  std::size_t known_failures = 0;
  std::size_t implementation_defined = 0;  ///< Records that differ on implementation-defined cases.
  std::vector<stale_entry> stale;
  /// Baseline entries that could not be judged (their case or chunking was not run: --filter,
  /// --chunkings); they neither pass nor fail the gate.
  std::vector<baseline_entry> not_run;
  [[nodiscard]] int exit_code() const noexcept { return passed ? 0 : 1; }
};

/// Sets every record's status and judges the run. `corpus_ids` are all case ids of the loaded corpus
/// (before --filter), so an entry naming a case that no longer exists is stale while one that was
/// filtered out is merely not run.
[[nodiscard]] gate_result evaluate_gate(std::vector<run_record>& records, const baseline* expected_failures,
                                        const std::vector<std::string>& corpus_ids);

/// Every case's worst outcome (failures before PASS before SKIP), in record order.
struct case_summary {
  const conformance::test_case* test = nullptr;
  conformance::outcome outcome = outcome::pass;
  gate_status status = gate_status::ok;
  std::vector<const run_record*> records;
};
[[nodiscard]] std::vector<case_summary> summarise_cases(const std::vector<run_record>& records);

}  // namespace sse::runner
