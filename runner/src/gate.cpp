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
  switch (s) {
    case gate_status::ok: return "ok";
    case gate_status::skipped: return "skipped";
    case gate_status::implementation_defined: return "implementation-defined";
    case gate_status::known_failure: return "known-failure";
    case gate_status::new_failure: return "new-failure";
  }
  return "unknown";
}

std::string describe(const conf::capabilities& caps) {
  std::string out;
  const std::pair<const char*, bool> names[] = {{"events", caps.events},
                                                {"last_event_id_commits", caps.last_event_id_commits},
                                                {"retry", caps.retry},
                                                {"comments", caps.comments},
                                                {"end", caps.end}};
  for (const auto& [name, on] : names) {
    if (!on) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

namespace {

/// Consecutive failed (re)starts after which a worker stops trying for the rest of its cases.
constexpr int max_start_failures = 3;

double millis_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

void fill_fault(run_record& r, const adapter_fault& f) {
  r.verdict = f.kind;
  r.detail = f.what();
  r.offending_line = f.offending_line;
  r.stderr_tail = f.stderr_tail;
}

/// One job's loop: takes the next case, runs all its chunkings, restarts the implementation after a
/// fault.
class worker {
public:
  worker(const implementation_info& info, const implementation_factory& make) : info_(info), make_(make) {}

  std::vector<run_record> run(const conf::test_case& c, const conf::chunking_options& options) {
    const auto chunkings = conf::make_chunkings(c, options);
    std::vector<run_record> out;
    out.reserve(chunkings.size());
    if (!conf::can_check(c, info_.caps)) {
      for (const auto& ch : chunkings) {
        run_record r;
        r.test = &c;
        r.chunking = ch.name;
        r.chunks = ch.splits.size() + 1;
        r.verdict = outcome::skip;
        r.detail = "the case needs an observation the implementation cannot report (it reports: " +
                   describe(info_.caps) + ")";
        out.push_back(std::move(r));
      }
      return out;
    }
    const auto due = conf::due_counts(c);
    std::string timed_out_chunking;
    for (const auto& ch : chunkings) {
      run_record r;
      r.test = &c;
      r.chunking = ch.name;
      r.chunks = ch.splits.size() + 1;
      const auto start = clock_type::now();
      if (!timed_out_chunking.empty()) {
        // A hang costs a whole timeout; one per case is enough to know.
        r.verdict = outcome::timeout;
        r.detail = "not run: this case already timed out under chunking '" + timed_out_chunking + "'";
        out.push_back(std::move(r));
        continue;
      }
      if (!ensure_started(r)) {
        r.milliseconds = millis_since(start);
        out.push_back(std::move(r));
        continue;
      }
      try {
        auto result = conf::run_case(*impl_, c, ch, due);
        switch (result.outcome) {
          case conf::verdict::pass: r.verdict = outcome::pass; break;
          case conf::verdict::fail: r.verdict = outcome::fail; break;
          case conf::verdict::skip: r.verdict = outcome::skip; break;
        }
        r.diff = std::move(result.diff);
        // Only a failing record's log is reported; a passing one equals the expected log, and keeping
        // it for every chunking of a 10 MB case would hold gigabytes.
        if (r.verdict != outcome::pass) r.observed = std::move(result.observed);
        if (const auto* adapter = dynamic_cast<const adapter_implementation*>(impl_.get()))
          for (const auto& note : adapter->notes()) r.detail += (r.detail.empty() ? "" : "\n") + note;
      } catch (const adapter_fault& f) {
        fill_fault(r, f);
        impl_.reset();  // A fresh process for what follows.
        if (f.kind == outcome::timeout) timed_out_chunking = ch.name;
      } catch (const std::exception& e) {
        // An in-process implementation threw: report it like a crash and start afresh.
        r.verdict = outcome::crash;
        r.detail = std::string("the implementation threw: ") + e.what();
        impl_.reset();
      }
      r.milliseconds = millis_since(start);
      out.push_back(std::move(r));
    }
    return out;
  }

private:
  bool ensure_started(run_record& r) {
    if (impl_) return true;
    if (start_failures_ >= max_start_failures) {
      r.verdict = outcome::crash;
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

  const implementation_info& info_;
  const implementation_factory& make_;
  std::unique_ptr<conf::implementation> impl_;
  int start_failures_ = 0;
  std::string last_start_error_;
};

}  // namespace

std::vector<run_record> run_cases(const std::vector<const conf::test_case*>& cases, const implementation_info& info,
                                  const implementation_factory& make, const run_settings& settings) {
  std::vector<std::vector<run_record>> per_case(cases.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  auto job = [&] {
    worker w(info, make);
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

run_record record_from_final_log(const conf::test_case& c, std::string chunking, const observation_log& observed,
                                 const conf::capabilities& caps) {
  run_record r;
  r.test = &c;
  r.chunking = std::move(chunking);
  if (!conf::can_check(c, caps)) {
    r.verdict = outcome::skip;
    r.detail = "the case needs an observation the implementation cannot report (it reports: " + describe(caps) + ")";
    return r;
  }
  r.observed = conf::project(observed, caps);
  const auto cmp = conf::compare_logs(conf::project(c.expected, caps), r.observed);
  r.verdict = cmp.equal ? outcome::pass : outcome::fail;
  r.diff = cmp.diff;
  return r;
}

gate_result evaluate_gate(std::vector<run_record>& records, const baseline* expected_failures,
                          const std::vector<std::string>& corpus_ids) {
  gate_result g;
  // Index the baseline: case id -> entries.
  std::map<std::string, std::vector<const baseline_entry*>> listed;
  if (expected_failures != nullptr)
    for (const auto& e : expected_failures->entries) listed[e.case_id].push_back(&e);
  std::set<const baseline_entry*> used;  // entries that matched a failing record

  for (auto& r : records) {
    if (r.verdict == outcome::pass) {
      r.status = gate_status::ok;
      continue;
    }
    if (r.verdict == outcome::skip) {
      r.status = gate_status::skipped;
      continue;
    }
    bool matched = false;
    if (auto it = listed.find(r.test->id); it != listed.end())
      for (const auto* e : it->second)
        if (e->chunking.empty() || e->chunking == r.chunking) {
          used.insert(e);
          matched = true;
        }
    // Implementation-defined cases never fail the gate on a different log. A crash, hang or
    // protocol error is not a decision about the standard, so it still counts.
    if (r.verdict == outcome::fail && r.test->klass == conf::case_class::implementation_defined) {
      r.status = gate_status::implementation_defined;
      ++g.implementation_defined;
    } else if (matched) {
      r.status = gate_status::known_failure;
      ++g.known_failures;
    } else {
      r.status = gate_status::new_failure;
      ++g.new_failures;
    }
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
      out.push_back({r.test, r.verdict, r.status, {}});
    } else {
      auto& s = out.back();
      if (severity(r.verdict) > severity(s.verdict)) s.verdict = r.verdict;
      if (severity(r.status) > severity(s.status)) s.status = r.status;
    }
    out.back().records.push_back(&r);
  }
  return out;
}

}  // namespace sse::runner
