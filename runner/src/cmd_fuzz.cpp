// sse-conformance fuzz: generated streams against one implementation, compared with the reference;
// every difference grouped by signature, shrunk to a minimal reproducer, checked against the corpus.
#include "commands.hpp"
#include "fuzz_report.hpp"
#include "page_run.hpp"
#include "scenario_judge.hpp"
#include "scenario_play.hpp"

#include <sse/conformance/fuzz.hpp>

#include <algorithm>
#include <functional>
#include <atomic>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
  // --engine: streams through a headless browser's EventSource (the path of `browser`).
  std::string engine;
  std::uint64_t streams_per_page = 500;
  unsigned concurrency = 0;  // 0: the engine's default
  unsigned page_timeout_s = 900;
  double engine_shrink_seconds = 90;
  page_options page;
  // --client: streams through a real EventSource client, as scenarios on the path of `connect`.
  std::string client;
  std::string browser_binary;
  unsigned settle_ms = 50;
  unsigned reconnect_budget_ms = 3000;
  std::uint64_t longest_retry_wait_ms = 1000;
  double client_shrink_seconds = 60;
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

/// A stream's verdict, and the signature of its difference ("" when it passed).
struct judged {
  run_record record;
  std::string signature;
};

/// A record judged by the parsing comparison (adapters and pages): its signature under `caps`.
judged parsing_verdict(const conf::fuzz_stream& s, run_record r, const conf::capabilities& caps) {
  std::string signature = is_failure(r.outcome) ? conf::difference_signature(s.test, as_result(r), caps) : "";
  return {std::move(r), std::move(signature)};
}

/// Runs one stream on the implementation under test (an adapter's worker, a page load, a client).
using stream_runner = std::function<judged(const conf::fuzz_stream&)>;

/// Stream `index`, generated (and traced for --reach).
conf::fuzz_stream next_stream(const fuzz_command_options& o, std::uint64_t index, findings& found) {
  conf::fuzz_stream s = conf::generate_stream(o.seed, index, o.scale);
  if (o.reach) {
    const std::vector<std::string> rules = conf::rules_reached(s.test.bytes, s.chunks);
    std::lock_guard lock(found.mutex);
    for (const auto& r : rules) ++found.reach[r];
  }
  return s;
}

/// Counts a judged stream, and files it under its signature when it failed.
void record_stream(const conf::fuzz_stream& s, const judged& j, std::uint64_t index, findings& found) {
  found.streams.fetch_add(1, std::memory_order_relaxed);
  if (!j.signature.empty()) found.add(j.signature, index, s);
}

/// One job: streams index, index + jobs, ... until the count or the time is used up.
void fuzz_job(const fuzz_command_options& o, const opened_implementation& impl, unsigned job,
              clock_type::time_point deadline, findings& found) {
  case_worker worker(impl.info, impl.make);
  for (std::uint64_t index = job; index < o.count; index += o.jobs) {
    if (clock_type::now() >= deadline) break;
    const conf::fuzz_stream s = next_stream(o, index, found);
    record_stream(s, parsing_verdict(s, worker.run_one(s.test, s.chunks, {}), impl.info.caps), index, found);
  }
}

// ---- --engine: the streams through a browser's EventSource, on the page of `browser` -------------

page_run_settings page_settings(const fuzz_command_options& o, browser_engine engine) {
  page_run_settings s;
  s.engine = engine;
  s.concurrency = o.concurrency;
  s.timeout_s = o.page_timeout_s;
  return s;
}

/// The cases in one page load: served over HTTP in their pinned chunks, judged by the server as
/// `browser` judges corpus cases. A case the page did not report is a TIMEOUT record.
std::vector<run_record> run_in_page(page_session& session, const std::vector<const conf::test_case*>& cases) {
  conf::corpus served;
  for (const auto* c : cases) {
    served.cases.push_back(*c);
    if (served.cases.back().area.empty()) served.cases.back().area = "fuzz";
  }
  const browser_run result = session.run(std::move(served));
  std::vector<run_record> records;
  records.reserve(cases.size());
  for (const auto* c : cases) {
    const auto it = result.results.find(c->id);
    records.push_back(browser_record(*c, it == result.results.end() ? nullptr : &it->second));
  }
  return records;
}

/// Streams in batches of --streams-per-page, one page load each, until the count or the time is
/// used up (a batch that has started is finished).
void fuzz_in_browser(const fuzz_command_options& o, page_session& session, clock_type::time_point deadline,
                     findings& found) {
  for (std::uint64_t first = 0; first < o.count && clock_type::now() < deadline; first += o.streams_per_page) {
    const std::uint64_t end = std::min(o.count, first + std::max<std::uint64_t>(1, o.streams_per_page));
    std::vector<conf::fuzz_stream> streams;
    for (std::uint64_t index = first; index < end; ++index) streams.push_back(next_stream(o, index, found));
    std::vector<const conf::test_case*> cases;
    for (const auto& s : streams) cases.push_back(&s.test);
    const std::vector<run_record> records = run_in_page(session, cases);
    for (std::size_t k = 0; k < streams.size(); ++k)
      record_stream(streams[k], parsing_verdict(streams[k], records[k], browser_capabilities()), first + k, found);
  }
}

/// One stream in a page load of its own (shrinking). A page that reports nothing (the browser
/// failed) counts as not failing, so it never steers the shrinking.
stream_runner page_stream_runner(page_session& session) {
  return [&session](const conf::fuzz_stream& s) {
    try {
      return parsing_verdict(s, run_in_page(session, {&s.test}).front(), browser_capabilities());
    } catch (const usage_error& e) {
      run_record r;
      r.test = &s.test;
      r.outcome = conf::outcome::skip;
      r.detail = e.what();
      return judged{std::move(r), {}};
    }
  };
}

// ---- --client: the streams through a real EventSource client, on the path of `connect` ------------

connect_settings client_settings(const fuzz_command_options& o) {
  connect_settings s;
  s.adapter.timeout = std::chrono::milliseconds(o.execution.timeout_ms);
  s.limits.settle = std::chrono::milliseconds(o.settle_ms);
  s.limits.reconnect_budget = std::chrono::milliseconds(o.reconnect_budget_ms);
  return s;
}

conf::fuzz_scenario_options scenario_options(const fuzz_command_options& o) {
  return {.chunk_delay_ms = o.page.chunk_delay_ms, .longest_retry_wait_ms = o.longest_retry_wait_ms};
}

/// One job's client: each stream played as its scenario (conformance::fuzz_scenario) by a fresh
/// scenario server and judged by judge_stream(). A client that faults is replaced for the next one.
class client_player {
public:
  client_player(const opened_client& client, unsigned job, const fuzz_command_options& o)
      : client_(client), job_(job), settings_(client_settings(o)), options_(scenario_options(o)) {}

  judged operator()(const conf::fuzz_stream& s) {
    judged out;
    out.record.test = &s.test;
    out.record.chunking = "pinned";
    const conf::scenario scenario = conf::fuzz_scenario(s, options_);
    try {
      if (!instance_) instance_ = client_.make(job_);
      scenario_observation seen;
      (void)play_scenario(*instance_, scenario, settings_, &seen);
      stream_verdict v = judge_stream(scenario, seen);
      out.record.outcome = v.result.outcome;
      out.record.diff = std::move(v.result.diff);
      out.signature = std::move(v.signature);
    } catch (const adapter_fault& f) {
      instance_.reset();
      out.record.outcome = f.kind;
      out.record.detail = f.what();
      out.record.offending_line = f.offending_line;
      out.record.stderr_tail = f.stderr_tail;
      out.signature = std::string(to_string(f.kind));
    }
    return out;
  }

private:
  const opened_client& client_;
  unsigned job_;
  connect_settings settings_;
  conf::fuzz_scenario_options options_;
  std::unique_ptr<scenario_client> instance_;
};

/// One client job: streams index, index + jobs, ... as fuzz_job.
void fuzz_client_job(const fuzz_command_options& o, const opened_client& client, unsigned job,
                     clock_type::time_point deadline, findings& found) {
  client_player play(client, job, o);
  for (std::uint64_t index = job; index < o.count; index += o.jobs) {
    if (clock_type::now() >= deadline) break;
    const conf::fuzz_stream s = next_stream(o, index, found);
    record_stream(s, play(s), index, found);
  }
}

implementation_info engine_implementation(browser_engine engine) {
  implementation_info info;
  info.name = std::string(to_string(engine)) + " (EventSource)";
  info.version = installed_browser_version(engine);
  info.caps = browser_capabilities();
  info.engine = true;
  return info;
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
shrunk shrink_failure(const conf::fuzz_stream& failing, const stream_runner& run, std::size_t max_attempts,
                      double seconds) {
  const auto deadline =
      clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
  const auto still_fails = [&](const conf::fuzz_stream& candidate) {
    return clock_type::now() < deadline && !run(candidate).signature.empty();
  };
  shrunk out{conf::shrink_stream(failing, still_fails, max_attempts), {}, {}};
  judged last = run(out.stream);
  out.record = std::move(last.record);
  out.signature = std::move(last.signature);
  return out;
}

/// The parsing corpus through the client, each case (in its pinned chunks, or whole) played as a
/// stream, `jobs` at a time: signature -> the ids of the cases that fail with it, each failing case
/// named both by its own signature and by its signature once shrunk (for a sixth of
/// --client-shrink-seconds), so that a class shrunk from a generated stream meets the case.
std::map<std::string, std::vector<std::string>> client_corpus_signatures(const fuzz_command_options& o,
                                                                         const opened_client& client,
                                                                         const stream_runner& run) {
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  std::vector<conf::fuzz_stream> streams;
  for (const conf::test_case* c : corpus.cases)
    if (c->initial_last_event_id.empty()) streams.push_back(conf::case_stream(*c));
  std::vector<std::string> signatures(streams.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> jobs;
  for (unsigned j = 0; j < o.jobs; ++j)
    jobs.emplace_back([&, j] {
      client_player play(client, j, o);
      for (std::size_t i = next++; i < streams.size(); i = next++) signatures[i] = play(streams[i]).signature;
    });
  for (auto& t : jobs) t.join();
  std::map<std::string, std::vector<std::string>> out;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (signatures[i].empty()) continue;
    out[signatures[i]].push_back(streams[i].test.id);
    const shrunk s = shrink_failure(streams[i], run, o.max_corpus_shrink_attempts, o.client_shrink_seconds / 6);
    if (!s.signature.empty() && s.signature != signatures[i]) out[s.signature].push_back(streams[i].test.id);
  }
  return out;
}

/// The classes of a run: each group of streams with one signature shrunk, then groups whose minimal
/// reproducers have one signature merged (their first signatures kept as `variants`).
std::vector<fuzz_class> shrink_and_merge(std::map<std::string, fuzz_class> groups, const stream_runner& run,
                                         std::size_t max_attempts, double shrink_seconds) {
  std::map<std::string, fuzz_class> merged;
  for (auto& [first_signature, group] : groups) {
    shrunk s = shrink_failure(group.example, run, max_attempts, shrink_seconds);
    if (s.signature.empty()) {
      // The shrunk stream passed its last run (a difference that shows only sometimes, as timing
      // can): the example, as generated, is the reproducer.
      judged again = run(group.example);
      s = {group.example, std::move(again.record), std::move(again.signature)};
      if (s.signature.empty()) s.signature = first_signature;
    }
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
      if (!s.record.stderr_tail.empty()) c.diff += "\nstderr:\n" + s.record.stderr_tail;
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
                                                                  const opened_implementation& impl,
                                                                  const stream_runner& run) {
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  run_settings settings = make_run_settings(o.execution);
  settings.jobs = o.jobs;
  const auto records = run_cases(corpus.cases, impl.info, impl.make, settings);
  std::map<std::string, std::vector<std::string>> out;
  const conf::test_case* done = nullptr;
  for (const auto& r : records) {
    if (!is_failure(r.outcome) || r.test == done || !r.test->initial_last_event_id.empty()) continue;
    done = r.test;
    for (const auto& ch : conf::make_chunkings(*r.test, settings.chunking)) {
      if (ch.name != r.chunking) continue;
      const shrunk s = shrink_failure(conf::make_fuzz_stream(r.test->bytes, ch.splits, r.test->id), run,
                                      o.max_corpus_shrink_attempts, o.shrink_seconds / 4);
      if (!s.signature.empty()) out[s.signature].push_back(r.test->id);
    }
  }
  return out;
}

/// The same for an engine: the corpus in one page load (each case in its pinned chunks, or whole,
/// as `browser` runs it), each failing case named by its own signature, not shrunk (a shrinking
/// candidate costs a page load in a browser).
std::map<std::string, std::vector<std::string>> engine_corpus_signatures(const fuzz_command_options& o,
                                                                         page_session& session) {
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : run_in_page(session, corpus.cases))
    if (is_failure(r.outcome) && r.test->initial_last_event_id.empty())
      out[conf::difference_signature(*r.test, as_result(r), browser_capabilities())].push_back(r.test->id);
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

  std::optional<browser_engine> engine;
  opened_implementation impl;
  std::optional<opened_client> client;
  if (!o.engine.empty() && !o.client.empty()) throw usage_error("--engine and --client exclude each other");
  if (!o.client.empty()) {
    client = open_client(o.client, o.jobs, o.browser_binary, client_settings(o).adapter);
    impl.info = client->info;
  } else if (!o.engine.empty()) {
    engine = browser_engine_from_string(o.engine);
    if (!engine || *engine == browser_engine::other)
      throw usage_error("--engine takes chromium, firefox or webkit (got '" + o.engine + "')");
    impl.info = engine_implementation(*engine);
  } else {
    try {
      impl = open_implementation(o.impl, o.execution);
    } catch (const adapter_fault& f) {
      throw usage_error("the implementation '" + o.impl + "' did not start: " + f.what());
    }
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
  std::unique_ptr<page_session> session;  // --engine: one browser for every page load
  if (engine) session = std::make_unique<page_session>(page_settings(o, *engine), o.page);
  if (session) {
    fuzz_in_browser(o, *session, deadline, found);
  } else {
    std::vector<std::thread> jobs;
    for (unsigned j = 0; j < o.jobs; ++j) {
      if (client)
        jobs.emplace_back(fuzz_client_job, std::cref(o), std::cref(*client), j, deadline, std::ref(found));
      else
        jobs.emplace_back(fuzz_job, std::cref(o), std::cref(impl), j, deadline, std::ref(found));
    }
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
  std::unique_ptr<case_worker> worker;  // adapters: one process for all the shrinking
  stream_runner run_stream;
  if (session) {
    run_stream = page_stream_runner(*session);
  } else if (client) {
    run_stream = [player = std::make_shared<client_player>(*client, 0, o)](const conf::fuzz_stream& s) {
      return (*player)(s);
    };
  } else {
    worker = std::make_unique<case_worker>(impl.info, impl.make);
    run_stream = [&worker, &impl](const conf::fuzz_stream& s) {
      return parsing_verdict(s, worker->run_one(s.test, s.chunks, {}), impl.info.caps);
    };
  }
  run.classes = shrink_and_merge(std::move(found.classes), run_stream, o.max_shrink_attempts,
                                 engine   ? o.engine_shrink_seconds
                                 : client ? o.client_shrink_seconds
                                          : o.shrink_seconds);
  if (o.check_corpus && !run.classes.empty()) {
    const auto known = session  ? engine_corpus_signatures(o, *session)
                       : client ? client_corpus_signatures(o, *client, run_stream)
                                : corpus_signatures(o, impl, run_stream);
    for (auto& c : run.classes)
      if (const auto it = known.find(c.signature); it != known.end()) c.explained_by = it->second;
  }
  run.seconds = seconds_since(start);
  run_stream = nullptr;
  worker.reset();
  session.reset();
  client.reset();
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
  cmd->add_option("--engine", o->engine,
                  "Instead of --impl: a headless browser's own EventSource (chromium, firefox or webkit), on the "
                  "page of `browser`; shrinking runs in the browser too")
      ->type_name("ENGINE");
  cmd->add_option("--streams-per-page", o->streams_per_page, "--engine: streams run by one page load")
      ->capture_default_str();
  cmd->add_option("--concurrency", o->concurrency,
                  "--engine: EventSources open at once (default: 4; 16 in Firefox, as in `browser`)");
  cmd->add_option("--page-timeout", o->page_timeout_s, "--engine: seconds to wait for one page load to finish")
      ->capture_default_str();
  cmd->add_option("--engine-shrink-seconds", o->engine_shrink_seconds,
                  "--engine: longest time spent shrinking one class (each candidate is a page load)")
      ->capture_default_str();
  add_page_options(*cmd, o->page);
  cmd->add_option("--client", o->client,
                  "Instead of --impl: a real EventSource client, on the path of `connect`: node, deno, a bundled "
                  "library's EventSource, chromium/firefox/webkit, or a client-mode adapter command (each stream is "
                  "a scenario: a priming response, the stream, the reconnection)")
      ->type_name("NAME|COMMAND");
  cmd->add_option("--browser-binary", o->browser_binary, "--client chromium|firefox|webkit: the executable")
      ->type_name("PATH");
  cmd->add_option("--settle", o->settle_ms, "--client: quiet time after a stream's log is complete, in ms")
      ->capture_default_str();
  add_positive_option(*cmd, "--reconnect-budget", o->reconnect_budget_ms,
                      "--client: how long after the required wait the reconnection may still come, in ms");
  add_longest_retry_wait_option(*cmd, o->longest_retry_wait_ms, "--client");
  cmd->add_option("--client-shrink-seconds", o->client_shrink_seconds,
                  "--client: longest time spent shrinking one class (each candidate is a scenario)")
      ->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = fuzz_command(*o); });
}

}  // namespace sse::runner
