// connection_tab.cpp: sessions of the page's Connection tab (see connection_tab.hpp).
#include "connection_tab.hpp"

#include "browser_client.hpp"
#include "commands.hpp"
#include "gate.hpp"
#include "scenario_play.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;
using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

api_answer refusal(int status, const std::string& message) { return {status, dump({{"error", message}})}; }

std::string session_token() {
  static std::mutex m;
  static std::mt19937_64 rng{std::random_device{}()};
  const std::lock_guard lock(m);
  return std::to_string(rng());
}

json entry_json(const conf::log_entry& e) {
  json j = {{"kind", std::string(conf::to_string(e.kind))},
            {"ready_state", static_cast<int>(e.state)},
            {"text", conf::format_log_entry(e)}};
  if (e.kind == conf::log_kind::request) {
    j["exchange"] = e.exchange;
    j["min_delay_ms"] = e.min_delay_ms ? json(*e.min_delay_ms) : json(nullptr);
  }
  return j;
}

json log_json(const conf::scenario_log& log) {
  json out = json::array();
  for (const auto& e : log) out.push_back(entry_json(e));
  return out;
}

json scenario_json(const conf::scenario& s) {
  json actions = json::array();
  for (const auto& a : s.actions)
    actions.push_back({{"action", a.kind == conf::page_action_kind::close ? "close" : "abort"},
                       {"after_observation", a.after_observation},
                       {"delay_ms", a.delay_ms}});
  json exchanges = json::array();
  for (const auto& x : s.exchanges)
    exchanges.push_back(
        {{"request",
          {{"url", x.request.url},
           {"method", x.request.method},
           {"last_event_id", x.request.last_event_id ? json(*x.request.last_event_id) : json(nullptr)}}},
         {"response",
          {{"network_error", x.response.network_error},
           {"status", x.response.status},
           {"end", std::string(conf::to_string(x.response.end))}}}});
  json j = listing_json(scenario_metadata(s));
  j.update({{"url", s.url},
            {"with_credentials", s.with_credentials},
            {"actions", actions},
            {"exchanges", exchanges},
            {"expected", log_json(s.expected)}});
  return j;
}

/// The requests the server saw, each beside what the scenario wanted: the headers as received, the
/// delay measured on the server's clock from the end of the previous response (null for the first
/// request and for one made while that response was still going) and the minimum the standard
/// requires (null: only the implementation-defined initial reconnection time applies).
json requests_json(const conf::scenario& s, const conf::scenario_run_options& origins, const served_log& served) {
  std::vector<std::optional<std::uint64_t>> required;
  for (const auto& e : s.expected)
    if (e.kind == conf::log_kind::request) required.push_back(e.min_delay_ms);
  json out = json::array();
  for (std::size_t i = 0; i < served.requests.size(); ++i) {
    const served_request& r = served.requests[i];
    json headers = json::array();
    for (const auto& h : r.request.headers) headers.push_back({h.name, h.value});
    json delay = nullptr;
    if (i > 0 && served.response_ends[i - 1])
      delay = std::chrono::duration<double, std::milli>(r.arrival - *served.response_ends[i - 1]).count();
    const bool in_scenario = i < s.exchanges.size();
    out.push_back({{"url", r.request.url},
                   {"method", r.request.method},
                   {"other_origin", r.other_origin},
                   {"headers", headers},
                   {"delay_ms", delay},
                   {"min_delay_ms", in_scenario && required[i] ? json(*required[i]) : json(nullptr)},
                   {"expected_url",
                    in_scenario ? json(conf::substitute_origins(s.exchanges[i].request.url, origins)) : json(nullptr)},
                   {"problems", in_scenario ? conf::check_request(s, i, r.request, origins)
                                            : std::string("not in the scenario (answered 204)")}});
  }
  return out;
}

}  // namespace

json listing_json(const conf::test_case& c) {
  return {{"id", c.id},
          {"area", c.area},
          {"file", c.file},
          {"description", c.description},
          {"rules", c.rules},
          {"tags", c.tags},
          {"class", std::string(conf::to_string(c.klass))},
          {"gap", c.gap},
          {"guards", c.guards}};
}

struct connection_tab::state {
  conf::scenario_load_result loaded;
  std::string error;
  std::map<std::string, const conf::scenario*> by_id;
  connect_settings settings;

  struct session {
    std::string token;
    const conf::scenario* scenario = nullptr;
    bool done = false;
    std::string answer;  ///< The judged session's JSON.
    std::thread worker;
  };
  mutable std::mutex mutex;
  std::map<std::string, std::shared_ptr<session>> sessions;
  std::deque<std::string> order;  // oldest first

  [[nodiscard]] std::size_t running() const {
    return static_cast<std::size_t>(
        std::count_if(sessions.begin(), sessions.end(), [](const auto& entry) { return !entry.second->done; }));
  }

  /// Plays the session's scenario through the page's iframe and keeps the verdict (a worker thread).
  void play(const std::shared_ptr<session>& x, std::unique_ptr<scenario_client> client, scenario_server* server) const;
};

connection_tab::connection_tab(const std::vector<std::filesystem::path>& paths,
                               std::optional<std::chrono::milliseconds> reconnect_budget,
                               std::optional<std::chrono::milliseconds> stop_timeout)
    : state_(std::make_unique<state>()) {
  auto& s = *state_;
  std::vector<std::filesystem::path> from = paths;
  if (from.empty()) from.push_back(conf::bundled_scenarios_dir());
  try {
    s.loaded = conf::load_scenarios(from);
  } catch (const std::exception& e) {
    s.error = e.what();
  }
  if (s.error.empty() && !s.loaded.ok())
    s.error = "the scenarios are invalid (run `sse-conformance lint`): " +
              (s.loaded.diagnostics.empty() ? std::string() : s.loaded.diagnostics.front().to_string());
  if (s.error.empty())
    for (const auto& scenario : s.loaded.scenarios) s.by_id.emplace(scenario.id, &scenario);
  // The same limits as `connect`'s defaults, so the page judges as `connect --client ENGINE` does.
  const connection_run_options defaults;
  s.settings.adapter.timeout = stop_timeout.value_or(std::chrono::milliseconds(defaults.timeout_ms));
  s.settings.limits.reconnect_budget =
      reconnect_budget.value_or(std::chrono::milliseconds(defaults.reconnect_budget_ms));
  s.settings.limits.settle = std::chrono::milliseconds(defaults.settle_ms);
}

connection_tab::~connection_tab() { stop(); }

std::size_t connection_tab::scenario_count() const { return state_->by_id.size(); }
const std::string& connection_tab::error() const { return state_->error; }

api_answer connection_tab::list() const {
  json scenarios = json::array();
  for (const auto& [id, s] : state_->by_id) scenarios.push_back(scenario_json(*s));
  return {200, dump({{"scenarios", scenarios},
                     {"error", state_->error.empty() ? json(nullptr) : json(state_->error)},
                     {"reconnect_budget_ms", state_->settings.limits.reconnect_budget.count()}})};
}

api_answer connection_tab::start(const std::string& scenario_id) {
  auto& s = *state_;
  const auto found = s.by_id.find(scenario_id);
  if (found == s.by_id.end()) return refusal(404, "no such scenario");
  auto x = std::make_shared<state::session>();
  x->token = session_token();
  x->scenario = found->second;
  std::vector<std::thread> finished;  // joined outside the lock (they have ended)
  {
    const std::lock_guard lock(s.mutex);
    if (s.running() >= max_running)
      return refusal(429, "at most " + std::to_string(max_running) + " scenarios run at once");
    s.sessions[x->token] = x;
    s.order.push_back(x->token);
    for (auto it = s.order.begin(); s.order.size() > max_kept && it != s.order.end();) {
      auto& old = s.sessions.at(*it);
      if (!old->done) {
        ++it;
        continue;
      }
      finished.push_back(std::move(old->worker));
      s.sessions.erase(*it);
      it = s.order.erase(it);
    }
  }
  for (auto& t : finished)
    if (t.joinable()) t.join();
  // The server is made here, so the answer can name its origin; the worker plays on it.
  auto server = std::make_unique<scenario_server>();
  const std::string frame_url = server->origin() + "/";
  json answer = {{"session", x->token},
                 {"frame_url", frame_url},
                 {"origin", server->origin()},
                 {"other_origin", server->other_origin()}};
  {
    const std::lock_guard lock(s.mutex);
    x->worker = std::thread(
        [&s, x, server = std::move(server)]() mutable { s.play(x, page_frame_client("about:blank"), server.get()); });
  }
  return {200, dump(answer)};
}

void connection_tab::state::play(const std::shared_ptr<session>& x, std::unique_ptr<scenario_client> client,
                                 scenario_server* server) const {
  const conf::scenario& s = *x->scenario;
  const auto start = clock_type::now();
  scenario_observation seen;
  conf::case_result result;
  try {
    result = play_scenario(*client, s, settings, &seen, server);
  } catch (const adapter_fault& f) {
    result = {f.kind, {}, f.what(), {}};
  } catch (const std::exception& e) {
    result = {outcome::crash, {}, e.what(), {}};
  }
  const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  const conf::test_case metadata = scenario_metadata(s);
  run_record record = to_record(metadata, "connection", 1, result, ms);
  record.status = gate_status_of(record, false);
  const conf::scenario_run_options origins = server->run_options();
  json answer = {{"state", "done"},
                 {"scenario", s.id},
                 {"outcome", std::string(to_string(record.outcome))},
                 {"status", std::string(to_string(record.status))},
                 {"diff", record.diff},
                 {"detail", record.detail},
                 {"elapsed_ms", ms},
                 {"constructor_threw", seen.constructor_threw ? json(*seen.constructor_threw) : json(nullptr)},
                 {"expected", log_json(page_entries(s))},
                 {"observed", log_json(seen.page)},
                 {"requests", requests_json(s, origins, seen.served)},
                 {"origin", origins.origin},
                 {"other_origin", origins.other_origin}};
  const std::lock_guard lock(mutex);
  x->answer = dump(answer);
  x->done = true;
}

api_answer connection_tab::status(const std::string& session) const {
  const auto& s = *state_;
  const std::lock_guard lock(s.mutex);
  const auto found = s.sessions.find(session);
  if (found == s.sessions.end()) return refusal(404, "no such session (unknown, or forgotten after 64 newer ones)");
  if (!found->second->done) return {200, dump({{"state", "running"}, {"scenario", found->second->scenario->id}})};
  return {200, found->second->answer};
}

void connection_tab::stop() {
  std::vector<std::thread> workers;
  {
    const std::lock_guard lock(state_->mutex);
    for (auto& [token, x] : state_->sessions) workers.push_back(std::move(x->worker));
  }
  for (auto& t : workers)
    if (t.joinable()) t.join();
}

}  // namespace sse::runner
