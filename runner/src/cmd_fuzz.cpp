// sse-conformance fuzz: generated streams against one implementation, compared with the reference;
// every difference grouped by signature, shrunk to a minimal reproducer, checked against the corpus.
#include "commands.hpp"
#include "fuzz_report.hpp"

#include <sse/conformance/fuzz.hpp>

#include <algorithm>
#include <atomic>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;

struct fuzz_command_options {
  std::string impl = "reference";
  std::uint64_t seed = 1;
  std::uint64_t count = 10000;
  double time_limit = 0;
  unsigned jobs = 1;
  bool scale = true;
  bool check_corpus = true;
  bool reach = false;
  std::size_t max_shrink_attempts = 5000;
  std::size_t max_corpus_shrink_attempts = 300;
  double shrink_seconds = 20;
  std::string json_file;
  std::string write_cases;
  std::string date;
  bool progress = false;
  corpus_options corpus;
  execution_options execution;
};

/// What the run found, shared by the jobs.
struct findings {
  std::mutex mutex;
  std::map<std::string, fuzz_class> classes;
  std::atomic<std::uint64_t> streams{0};
  std::map<std::string, std::uint64_t> reach;

  void add(const std::string& signature, std::uint64_t index, const conf::fuzz_stream& s) {
    std::lock_guard lock(mutex);
    fuzz_class& c = classes[signature];
    ++c.streams;
    if (c.streams == 1 || index < c.first_index) {
      c.signature = signature;
      c.first_index = index;
      c.example = s;
    }
  }
};

conf::case_result as_result(const run_record& r) { return {r.outcome, r.diff, r.detail, r.observed}; }

/// One job: streams index, index + jobs, ... until the count or the time is used up.
void fuzz_job(const fuzz_command_options& o, const opened_implementation& impl, unsigned job,
              clock_type::time_point deadline, findings& found) {
  case_worker worker(impl.info, impl.make);
  const auto caps = impl.info.caps;
  for (std::uint64_t index = job; index < o.count; index += o.jobs) {
    if (clock_type::now() >= deadline) break;
    const conf::fuzz_stream s = conf::generate_stream(o.seed, index, o.scale);
    if (o.reach) {
      const std::vector<std::string> rules = conf::rules_reached(s.test.bytes, s.chunks);
      std::lock_guard lock(found.mutex);
      for (const auto& r : rules) ++found.reach[r];
    }
    const run_record r = worker.run_one(s.test, s.chunks, {});
    found.streams.fetch_add(1, std::memory_order_relaxed);
    if (!is_failure(r.outcome)) continue;
    found.add(conf::difference_signature(s.test, as_result(r), caps), index, s);
  }
}

std::string format_seconds(double seconds) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(seconds < 10 ? 1 : 0) << seconds << " s";
  return out.str();
}

void show_progress(const fuzz_command_options& o, findings& found, clock_type::time_point start,
                   const std::atomic<bool>& done) {
  while (!done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const double elapsed = seconds_since(start);
    const auto streams = found.streams.load();
    const double rate = elapsed > 0 ? static_cast<double>(streams) / elapsed : 0;
    double left = o.time_limit > 0 ? o.time_limit - elapsed : 0;
    if (o.count != UINT64_MAX && rate > 0) {
      const double by_count = static_cast<double>(o.count - std::min(o.count, streams)) / rate;
      left = o.time_limit > 0 ? std::min(left, by_count) : by_count;
    }
    std::size_t classes = 0;
    {
      std::lock_guard lock(found.mutex);
      classes = found.classes.size();
    }
    std::cerr << "\r" << streams << " streams, " << static_cast<std::uint64_t>(rate) << "/s, " << classes
              << (classes == 1 ? " class" : " classes") << ", " << format_seconds(std::max(0.0, left)) << " left   "
              << std::flush;
  }
  std::cerr << '\n';
}

/// A failing stream shrunk while it still fails (any difference), so streams that show one bug in
/// different ways converge on that bug's minimal trigger; then judged once more.
struct shrunk {
  conf::fuzz_stream stream;
  run_record record;
  std::string signature;
};
/// Shrinking stops after max_attempts candidates or `seconds` (a crashing adapter restarts for every
/// candidate, which costs a process start each time).
shrunk shrink_failure(const conf::fuzz_stream& failing, case_worker& worker, const conformance::capabilities& caps,
                      std::size_t max_attempts, double seconds) {
  const auto deadline =
      clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
  const auto still_fails = [&](const conf::fuzz_stream& candidate) {
    return clock_type::now() < deadline && is_failure(worker.run_one(candidate.test, candidate.chunks, {}).outcome);
  };
  shrunk out{conf::shrink_stream(failing, still_fails, max_attempts), {}, {}};
  out.record = worker.run_one(out.stream.test, out.stream.chunks, {});
  out.signature = conf::difference_signature(out.stream.test, as_result(out.record), caps);
  return out;
}

/// The classes of a run: each group of streams with one signature shrunk, then groups whose minimal
/// reproducers have one signature merged (their first signatures kept as `variants`).
std::vector<fuzz_class> shrink_and_merge(std::map<std::string, fuzz_class> groups, const opened_implementation& impl,
                                         std::size_t max_attempts, double shrink_seconds) {
  std::map<std::string, fuzz_class> merged;
  case_worker worker(impl.info, impl.make);  // one process for all the shrinking
  for (auto& [first_signature, group] : groups) {
    shrunk s = shrink_failure(group.example, worker, impl.info.caps, max_attempts, shrink_seconds);
    if (s.signature.empty()) s.signature = first_signature;  // it no longer fails: keep the example
    fuzz_class& c = merged[s.signature];
    const bool smaller = c.signature.empty() || s.stream.test.bytes.size() < c.reproducer.test.bytes.size() ||
                         (s.stream.test.bytes.size() == c.reproducer.test.bytes.size() &&
                          s.stream.chunks.splits.size() < c.reproducer.chunks.splits.size());
    if (c.signature.empty() || group.first_index < c.first_index) {
      c.first_index = group.first_index;
      c.example = group.example;
    }
    c.signature = s.signature;
    c.streams += group.streams;
    c.variants.push_back(first_signature);
    if (smaller) {
      c.reproducer = std::move(s.stream);
      c.outcome = s.record.outcome;
      c.diff = s.record.diff.empty() ? s.record.detail : s.record.diff;
      c.observed = s.record.observed;
    }
  }
  std::vector<fuzz_class> out;
  for (auto& [signature, c] : merged) out.push_back(std::move(c));
  return out;
}

/// Signature -> ids of the corpus cases that fail with it: each failing case (under its first
/// failing chunking) shrunk like a fuzz stream, so both sides are named by their minimal trigger.
/// Cases that start from an initial last event ID are left out (fuzz streams never do).
std::map<std::string, std::vector<std::string>> corpus_signatures(const fuzz_command_options& o,
                                                                  const opened_implementation& impl) {
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  run_settings settings = make_run_settings(o.execution);
  settings.jobs = o.jobs;
  const auto records = run_cases(corpus.cases, impl.info, impl.make, settings);
  std::map<std::string, std::vector<std::string>> out;
  const conf::test_case* done = nullptr;
  case_worker worker(impl.info, impl.make);
  for (const auto& r : records) {
    if (!is_failure(r.outcome) || r.test == done || !r.test->initial_last_event_id.empty()) continue;
    done = r.test;
    for (const auto& ch : conf::make_chunkings(*r.test, settings.chunking)) {
      if (ch.name != r.chunking) continue;
      const shrunk s = shrink_failure(conf::make_fuzz_stream(r.test->bytes, ch.splits, r.test->id), worker,
                                      impl.info.caps, o.max_corpus_shrink_attempts, o.shrink_seconds / 4);
      if (!s.signature.empty()) out[s.signature].push_back(r.test->id);
    }
  }
  return out;
}

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&now));
  return text;
}

int fuzz_command(fuzz_command_options o) {
  const auto start = clock_type::now();
  if (o.jobs == 0) o.jobs = std::max(1u, std::thread::hardware_concurrency());
  if (o.time_limit > 0 && o.count == 0) o.count = UINT64_MAX;
  if (o.date.empty()) o.date = today_utc();

  opened_implementation impl;
  try {
    impl = open_implementation(o.impl, o.execution);
  } catch (const adapter_fault& f) {
    throw usage_error("the implementation '" + o.impl + "' did not start: " + f.what());
  }

  findings found;
  const auto deadline =
      o.time_limit > 0
          ? start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.time_limit))
          : clock_type::time_point::max();
  std::atomic<bool> done{false};
  std::thread progress;
  if (o.progress || ::isatty(STDERR_FILENO) == 1)
    progress = std::thread(show_progress, std::cref(o), std::ref(found), start, std::cref(done));
  {
    std::vector<std::thread> jobs;
    for (unsigned j = 0; j < o.jobs; ++j)
      jobs.emplace_back(fuzz_job, std::cref(o), std::cref(impl), j, deadline, std::ref(found));
    for (auto& t : jobs) t.join();
  }
  done = true;
  if (progress.joinable()) progress.join();
  const double fuzz_seconds = seconds_since(start);

  fuzz_run run;
  run.implementation = impl.info;
  run.seed = o.seed;
  run.streams = found.streams.load();
  run.fuzz_seconds = fuzz_seconds;
  run.date = o.date;
  run.reach = std::move(found.reach);
  if (o.reach)  // every rule of the parsing corpus, so one that no stream reached shows 0
    for (const auto& rule : conf::bundled_rules().rules)
      if (std::find(rule.corpus.begin(), rule.corpus.end(), "parsing") != rule.corpus.end()) run.reach[rule.id] += 0;
  run.classes = shrink_and_merge(std::move(found.classes), impl, o.max_shrink_attempts, o.shrink_seconds);
  if (o.check_corpus && !run.classes.empty()) {
    const auto known = corpus_signatures(o, impl);
    for (auto& c : run.classes)
      if (const auto it = known.find(c.signature); it != known.end()) c.explained_by = it->second;
  }
  run.seconds = seconds_since(start);
  impl.make = nullptr;

  write_fuzz_summary(std::cout, run, o.check_corpus);
  std::string error;
  if (!o.json_file.empty()) {
    if (!write_file(o.json_file, fuzz_to_json(run), &error)) throw usage_error(error);
    std::cout << "JSON report written to " << o.json_file << '\n';
  }
  if (!o.write_cases.empty()) {
    const std::size_t written = count_new_classes(run);
    if (!write_file(o.write_cases, fuzz_cases_to_fixture(run), &error)) throw usage_error(error);
    std::cout << written << " new class" << (written == 1 ? "" : "es") << " written as fixture cases to "
              << o.write_cases << " (review the wording, then move them into the corpus)\n";
  }
  return count_new_classes(run) == 0 ? exit_passed : exit_gate_failed;
}

}  // namespace

void add_fuzz_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] = new_command<fuzz_command_options>(
      app, "fuzz",
      "Generated streams against one implementation: find, group and shrink the differences from the reference");
  add_implementation_option(*cmd, o->impl,
                            "Exit codes: 0 no new difference class; 1 a new class (not explained by a failing corpus "
                            "case); 2 bad usage, or an adapter that does not start.");
  cmd->add_option("--seed", o->seed, "Seed: the same seed gives the same streams")->capture_default_str();
  cmd->add_option("--count", o->count, "Streams to generate (0 with --time: as many as fit)")->capture_default_str();
  cmd->add_option("--time", o->time_limit, "Stop after this many seconds")->type_name("S");
  cmd->add_option("--jobs,-j", o->jobs, "Parallel jobs (adapters: one process each; 0: one per core)")
      ->capture_default_str();
  cmd->add_flag("!--no-scale", o->scale, "Leave out the rare large shapes (multi-megabyte lines, 10,000 data lines)");
  cmd->add_flag("!--no-corpus-check", o->check_corpus,
                "Do not run the corpus to tell explained classes from new ones (every class is then new)");
  cmd->add_flag("--reach", o->reach, "Count how many streams reach each rule id (the reference's stages, traced)");
  cmd->add_option("--max-shrink-attempts", o->max_shrink_attempts, "Candidates tried per class while shrinking")
      ->capture_default_str();
  cmd->add_option("--shrink-seconds", o->shrink_seconds,
                  "Longest time spent shrinking one class (a quarter of it per failing corpus case)")
      ->capture_default_str();
  cmd->add_option("--max-corpus-shrink-attempts", o->max_corpus_shrink_attempts,
                  "Candidates tried per failing corpus case while naming its class")
      ->capture_default_str();
  cmd->add_option("--json", o->json_file, "Write the findings as JSON to this file")->type_name("FILE");
  cmd->add_option("--write-cases", o->write_cases, "Write each new class as a fixture case to this file")
      ->type_name("FILE");
  cmd->add_option("--date", o->date, "The date written into `guards` (default: today, UTC)")->type_name("YYYY-MM-DD");
  cmd->add_flag("--progress", o->progress, "Show progress even when stderr is not a terminal");
  add_corpus_options(*cmd, o->corpus);
  cmd->add_option("--timeout,--timeout-ms", o->execution.timeout_ms, "Adapters: longest wait for any one answer, in ms")
      ->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = fuzz_command(*o); });
}

}  // namespace sse::runner
