#include "gate.hpp"

#include "adapter_process.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace sse::runner {

namespace conf = sse::conformance;

std::string_view to_string(gate_status s) noexcept {
  static constexpr std::string_view names[] = {"ok", "skipped", "implementation-defined", "known-failure",
                                               "new-failure"};
  const auto i = static_cast<std::size_t>(s);
  return i < std::size(names) ? names[i] : "unknown";
}

namespace {

/// Consecutive failed (re)starts after which a worker stops trying for the rest of its cases.
constexpr int max_start_failures = 3;

double millis_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

void fill_fault(run_record& r, const adapter_fault& f) {
  r.outcome = f.kind;
  r.detail = f.what();
  r.offending_line = f.offending_line;
  r.stderr_tail = f.stderr_tail;
}

}  // namespace

case_worker::case_worker(const implementation_info& info, const implementation_factory& make)
    : info_(info), make_(make) {}
case_worker::~case_worker() = default;

std::vector<run_record> case_worker::run(const conf::test_case& c, const conf::chunking_options& options) {
  const auto chunkings = conf::make_chunkings(c, options);
  std::vector<run_record> out;
  out.reserve(chunkings.size());
  const std::string unchecked = conf::why_unchecked(c, info_.caps);
  const auto due = unchecked.empty() ? conf::due_counts(c) : std::vector<std::size_t>{};
  std::string timed_out_chunking;
  for (const auto& ch : chunkings) {
    const auto start = clock_type::now();
    out.push_back(run_one(c, ch, due, unchecked, timed_out_chunking));
    out.back().milliseconds = millis_since(start);
  }
  return out;
}

run_record case_worker::run_one(const conf::test_case& c, const conf::chunking& ch,
                                const std::vector<std::size_t>& due) {
  std::string timed_out_chunking;
  return run_one(c, ch, due, conf::why_unchecked(c, info_.caps), timed_out_chunking);
}

/// One case under one chunking. Without the capabilities to check the case nothing is started
/// (SKIP); after a timeout under one chunking the case's other chunkings are not run (a hang costs
/// a whole timeout; one per case is enough to know).
run_record case_worker::run_one(const conf::test_case& c, const conf::chunking& ch, const std::vector<std::size_t>& due,
                                const std::string& unchecked, std::string& timed_out_chunking) {
  const std::size_t chunks = ch.splits.size() + 1;
  if (!unchecked.empty()) return to_record(c, ch.name, chunks, {outcome::skip, {}, unchecked, {}}, 0);
  if (!timed_out_chunking.empty())
    return to_record(
        c, ch.name, chunks,
        {outcome::timeout, {}, "not run: this case already timed out under chunking '" + timed_out_chunking + "'", {}},
        0);
  run_record r = to_record(c, ch.name, chunks, {}, 0);
  if (!ensure_started(r)) return r;
  try {
    conf::case_result result = conf::run_case(*impl_, c, ch, due);
    // Only a failing record's log is reported; a passing one equals the expected log, and keeping
    // it for every chunking of a 10 MB case would hold gigabytes.
    if (result.outcome == outcome::pass) result.observed.clear();
    if (const auto* adapter = dynamic_cast<const adapter_implementation*>(impl_.get()))
      for (const auto& note : adapter->notes()) result.detail += (result.detail.empty() ? "" : "\n") + note;
    return to_record(c, ch.name, chunks, std::move(result), 0);
  } catch (const adapter_fault& f) {
    fill_fault(r, f);
    impl_.reset();  // A fresh process for what follows.
    if (f.kind == outcome::timeout) timed_out_chunking = ch.name;
  } catch (const std::exception& e) {
    // An in-process implementation threw: report it like a crash and start afresh.
    r.outcome = outcome::crash;
    r.detail = std::string("the implementation threw: ") + e.what();
    impl_.reset();
  }
  return r;
}

bool case_worker::ensure_started(run_record& r) {
  if (impl_) return true;
  if (start_failures_ >= max_start_failures) {
    r.outcome = outcome::crash;
    r.detail = "not run: the adapter failed to start " + std::to_string(start_failures_) +
               " times in a row (last: " + last_start_error_ + ")";
    return false;
  }
  try {
    impl_ = make_();
    start_failures_ = 0;
    return true;
  } catch (const adapter_fault& f) {
    ++start_failures_;
    last_start_error_ = f.what();
    fill_fault(r, f);
    r.detail = "the adapter did not start: " + r.detail;
    return false;
  }
}

std::vector<run_record> run_cases(const std::vector<const conf::test_case*>& cases, const implementation_info& info,
                                  const implementation_factory& make, const run_settings& settings) {
  std::vector<std::vector<run_record>> per_case(cases.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  auto job = [&] {
    case_worker w(info, make);
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      per_case[i] = w.run(*cases[i], settings.chunking);
      const std::size_t finished = ++done;
      if (settings.progress) {
        std::lock_guard lock(progress_mutex);
        settings.progress(finished, cases.size());
      }
    }
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(settings.jobs, static_cast<unsigned>(cases.size())));
  if (jobs <= 1) {
    job();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(jobs);
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(job);
    for (auto& t : threads) t.join();
  }
  std::vector<run_record> out;
  for (auto& records : per_case)
    for (auto& r : records) out.push_back(std::move(r));
  return out;
}

run_record to_record(const conf::test_case& c, std::string chunking, std::size_t chunks, conf::case_result result,
                     double milliseconds) {
  run_record r;
  r.test = &c;
  r.chunking = std::move(chunking);
  r.chunks = chunks;
  r.outcome = result.outcome;
  r.diff = std::move(result.diff);
  r.detail = std::move(result.detail);
  r.observed = std::move(result.observed);
  r.milliseconds = milliseconds;
  return r;
}

gate_status gate_status_of(const run_record& r, bool listed_in_baseline) noexcept {
  if (r.outcome == outcome::pass) return gate_status::ok;
  if (r.outcome == outcome::skip) return gate_status::skipped;
  if (r.outcome == outcome::fail && r.test->klass == conf::case_class::implementation_defined)
    return gate_status::implementation_defined;
  return listed_in_baseline ? gate_status::known_failure : gate_status::new_failure;
}

gate_result evaluate_gate(std::vector<run_record>& records, const baseline* expected_failures,
                          const std::vector<std::string>& corpus_ids) {
  gate_result g;
  // Index the baseline: case id -> entries.
  std::map<std::string, std::vector<const baseline_entry*>> listed_by_case;
  if (expected_failures != nullptr)
    for (const auto& e : expected_failures->entries) listed_by_case[e.case_id].push_back(&e);
  std::set<const baseline_entry*> used;  // entries that matched a failing record

  for (auto& r : records) {
    bool listed = false;
    if (is_failure(r.outcome))
      if (auto it = listed_by_case.find(r.test->id); it != listed_by_case.end())
        for (const auto* e : it->second)
          if (e->chunking.empty() || e->chunking == r.chunking) {
            used.insert(e);
            listed = true;
          }
    r.status = gate_status_of(r, listed);
    if (r.status == gate_status::implementation_defined) ++g.implementation_defined;
    if (r.status == gate_status::known_failure) ++g.known_failures;
    if (r.status == gate_status::new_failure) ++g.new_failures;
  }

  if (expected_failures != nullptr) {
    const std::set<std::string> known_ids(corpus_ids.begin(), corpus_ids.end());
    std::map<std::string, std::set<std::string>> run_chunkings;  // case id -> chunkings run
    for (const auto& r : records) run_chunkings[r.test->id].insert(r.chunking);
    for (const auto& e : expected_failures->entries) {
      if (used.count(&e) != 0) continue;
      if (known_ids.count(e.case_id) == 0) {
        g.stale.push_back({e, "no case with this id in the corpus"});
        continue;
      }
      const auto it = run_chunkings.find(e.case_id);
      if (it == run_chunkings.end() || (!e.chunking.empty() && it->second.count(e.chunking) == 0)) {
        g.not_run.push_back(e);
        continue;
      }
      if (e.intermittent) continue;  // It may pass: that is what the entry says.
      g.stale.push_back({e, e.chunking.empty() ? "the case no longer fails under any chunking"
                                               : "the case no longer fails under this chunking"});
    }
  }
  g.passed = g.new_failures == 0 && g.stale.empty();
  return g;
}

namespace {
int severity(outcome o) {
  switch (o) {
    case outcome::skip: return 0;
    case outcome::pass: return 1;
    case outcome::fail: return 2;
    case outcome::protocol_error: return 3;
    case outcome::timeout: return 4;
    case outcome::crash: return 5;
  }
  return 0;
}
int severity(gate_status s) { return static_cast<int>(s); }
}  // namespace

std::vector<case_summary> summarise_cases(const std::vector<run_record>& records) {
  std::vector<case_summary> out;
  for (const auto& r : records) {
    if (out.empty() || out.back().test != r.test) {
      out.push_back({r.test, r.outcome, r.status, {}});
    } else {
      auto& s = out.back();
      if (severity(r.outcome) > severity(s.outcome)) s.outcome = r.outcome;
      if (severity(r.status) > severity(s.status)) s.status = r.status;
    }
    out.back().records.push_back(&r);
  }
  return out;
}

}  // namespace sse::runner
