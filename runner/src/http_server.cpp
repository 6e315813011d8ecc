// http_server.cpp: the page server (see http_server.hpp for the routes).
#include "http_server.hpp"

#include <httplib.h>
#include <sse/conformance/observation_json.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace sse::runner {

namespace conf = sse::conformance;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_playground_bytes = 1u << 20;
constexpr std::size_t max_playground_entries = 256;

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}


std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json reconnect_json(const reconnect_record& r) {
  return {{"seen", r.seen},
          {"header_present", r.header_present},
          {"last_event_id", r.last_event_id},
          {"delay_ms", r.delay_ms}};
}

/// A stream the server can send: the case's bytes and where they are cut.
struct stream_source {
  std::string bytes;
  std::vector<std::size_t> splits;
  std::string initial_last_event_id;
};

/// The three requests of one EventSource on one case URL (see browser_observation.hpp).
struct stream_state {
  int requests = 0;
  bool case_served = false;
  bool case_ended = false;
  steady::time_point case_end{};
  reconnect_record reconnect;
};

std::string random_token() {
  static std::mutex m;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(m);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

browser_engine engine_param(const std::string& s) {
  return browser_engine_from_string(s).value_or(browser_engine::other);
}

}  // namespace

struct page_server::state {
  conf::corpus corpus;
  page_server_options options;
  std::unordered_map<std::string, std::size_t> index;  // case id -> position

  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopped{false};

  std::mutex mutex;
  std::condition_variable changed;
  std::unordered_map<std::string, stream_state> streams;        // run + '\n' + case id (or "play\n" token)
  std::unordered_map<std::string, stream_source> playground;    // token -> stream
  std::vector<std::string> playground_order;
  std::map<std::string, browser_run> runs;
  std::function<void(const std::string&, const browser_case_record&)> result_callback;

  const conf::test_case* find_case(const std::string& id) const {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &corpus.cases[it->second];
  }

  json cases_json(const engine_profile& profile) const;
  void install_routes();
  void handle_stream(const httplib::Request& req, httplib::Response& res);
  void handle_result(const httplib::Request& req, httplib::Response& res);
};

json page_server::state::cases_json(const engine_profile& profile) const {
  json cases = json::array();
  std::set<std::string> areas;
  for (const auto& c : corpus.cases) {
    areas.insert(c.area);
    const auto rx = expect_reconnect(c, profile);
    cases.push_back({
        {"id", c.id},
        {"area", c.area},
        {"file", c.file},
        {"description", c.description},
        {"rules", c.rules},
        {"tags", c.tags},
        {"class", std::string(conf::to_string(c.klass))},
        {"gap", c.gap},
        {"guards", c.guards},
        {"hex", to_hex(c.bytes)},
        {"splits", c.has_pinned_chunks ? c.pinned_splits : std::vector<std::size_t>{}},
        {"initial_last_event_id", c.initial_last_event_id},
        {"expected", conf::to_json(c.expected)},
        {"checkable", conf::can_check(c, browser_capabilities())},
        {"unchecked", conf::why_unchecked(c, browser_capabilities())},
        {"retry_checked", rx.retry_checked},
        {"expected_reconnect_ms", rx.expected_ms},
        {"wait_ms", rx.wait_ms},
        {"end_observable", rx.end_observable},
    });
  }
  return {{"engine", std::string(to_string(profile.engine))},
          {"reconnect_floor_ms", profile.reconnect_floor_ms},
          {"chunk_delay_ms", options.chunk_delay_ms},
          {"priming_retry_ms", priming_retry_ms},
          {"wait_cap_ms", reconnect_wait_cap_ms},
          {"areas", areas},
          {"cases", cases}};
}

void page_server::state::handle_stream(const httplib::Request& req, httplib::Response& res) {
  const std::string run = req.get_param_value("run");
  const std::string case_id = req.get_param_value("case");
  const std::string play = req.get_param_value("play");
  stream_source source;
  std::string key;
  {
    std::lock_guard lock(mutex);
    if (!play.empty()) {
      auto it = playground.find(play);
      if (it == playground.end()) {
        res.status = 404;
        res.set_content("unknown playground token\n", "text/plain");
        return;
      }
      source = it->second;
      key = "play\n" + play;
    } else {
      const conf::test_case* c = find_case(case_id);
      if (c == nullptr || run.empty()) {
        res.status = 404;
        res.set_content("unknown case (or no run id): " + case_id + "\n", "text/plain");
        return;
      }
      source.bytes = c->bytes;
      if (c->has_pinned_chunks) source.splits = c->pinned_splits;
      source.initial_last_event_id = c->initial_last_event_id;
      key = run + "\n" + case_id + "\n" + req.get_param_value("attempt");
    }
  }
  unsigned delay = options.chunk_delay_ms;
  if (req.has_param("delay")) {
    try {
      delay = static_cast<unsigned>(std::min(1000UL, std::stoul(req.get_param_value("delay"))));
    } catch (const std::exception&) {
    }
  }

  int request_number = 0;
  {
    std::lock_guard lock(mutex);
    auto& st = streams[key];
    request_number = ++st.requests;
    if (request_number == 2) st.case_served = true;
    if (request_number >= 3 && !st.reconnect.seen) {
      st.reconnect.seen = true;
      st.reconnect.header_present = req.has_header("Last-Event-ID");
      st.reconnect.last_event_id = req.get_header_value("Last-Event-ID");
      st.reconnect.delay_ms =
          st.case_ended ? std::chrono::duration<double, std::milli>(steady::now() - st.case_end).count() : -1.0;
      changed.notify_all();
    }
  }

  if (request_number == 1) {
    res.set_content(priming_body(source.initial_last_event_id), "text/event-stream");
    return;
  }
  if (request_number >= 3) {
    res.status = 204;  // "HTTP 204 No Content ... must prevent the user agent from reconnecting"
    return;
  }
  // The case's own stream, exactly as its bytes say, one flushed HTTP chunk per chunk.
  res.set_chunked_content_provider(
      "text/event-stream", [this, source = std::move(source), key, delay](std::size_t, httplib::DataSink& sink) {
        std::size_t start = 0;
        std::vector<std::size_t> ends = source.splits;
        ends.push_back(source.bytes.size());
        bool first = true;
        for (std::size_t end : ends) {
          if (end <= start) continue;
          if (!first && delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
          first = false;
          if (!sink.write(source.bytes.data() + start, end - start)) return false;
          start = end;
        }
        sink.done();
        std::lock_guard lock(mutex);
        auto& st = streams[key];
        st.case_ended = true;
        st.case_end = steady::now();
        return true;
      });
}

void page_server::state::handle_result(const httplib::Request& req, httplib::Response& res) {
  json body;
  try {
    body = json::parse(req.body);
  } catch (const std::exception& e) {
    res.status = 400;
    res.set_content(dump({{"error", std::string("bad JSON: ") + e.what()}}), "application/json");
    return;
  }
  const std::string run = body.value("run", "");
  const std::string case_id = body.value("case", "");
  const conf::test_case* c = find_case(case_id);
  if (c == nullptr || run.empty()) {
    res.status = 404;
    res.set_content(dump({{"error", "unknown case (or no run id): " + case_id}}), "application/json");
    return;
  }
  browser_observation seen;
  std::string error;
  auto events = conf::log_from_json_value(body.contains("events") ? body["events"] : json::array(), &error);
  if (!events) {
    seen.page_error = "the page posted an invalid log: " + error;
  } else {
    seen.events = std::move(*events);
  }
  seen.page_timed_out = body.value("timed_out", false);
  if (body.contains("error") && body["error"].is_string()) {
    const std::string e = body["error"];
    if (!e.empty()) seen.page_error += (seen.page_error.empty() ? "" : "; ") + e;
  }
  const std::string engine = body.value("engine", "other");
  int attempt = 1;
  if (body.contains("attempt") && body["attempt"].is_number_integer()) attempt = body["attempt"].get<int>();
  browser_case_record record;
  record.case_id = case_id;
  record.elapsed_ms = body.value("elapsed_ms", 0.0);
  std::function<void(const std::string&, const browser_case_record&)> callback;
  {
    std::lock_guard lock(mutex);
    auto it = streams.find(run + "\n" + case_id + "\n" + std::to_string(attempt));
    if (it == streams.end()) it = streams.find(run + "\n" + case_id + "\n");  // a page that sends no attempt
    if (it != streams.end()) {
      seen.stream_served = it->second.case_served;
      seen.reconnect = it->second.reconnect;
    }
    record.judgement = judge_browser_case(*c, seen, profile_for(engine_param(engine)));
    if (attempt > 1) {
      const auto previous = runs[run].results.find(case_id);
      std::string first = "second attempt (the page retries a late reconnection once)";
      if (previous != runs[run].results.end() && !previous->second.judgement.result.detail.empty())
        first += "; first attempt: " + previous->second.judgement.result.detail;
      std::string& detail = record.judgement.result.detail;
      detail = detail.empty() ? first : detail + "; " + first;
    }
    auto& r = runs[run];
    r.run_id = run;
    if (r.engine.empty()) r.engine = engine;
    r.results[case_id] = record;
    callback = result_callback;
    changed.notify_all();
  }
  if (callback) callback(run, record);
  const run_record judged = browser_record(*c, &record);
  res.set_content(dump({{"case", case_id},
                        {"outcome", std::string(to_string(judged.outcome))},
                        {"status", std::string(to_string(judged.status))},
                        {"late", record.judgement.reconnect_late},
                        {"diff", judged.diff},
                        {"detail", judged.detail},
                        {"expected", conf::to_json(record.judgement.expected)},
                        {"observed", conf::to_json(judged.observed)},
                        {"reconnect", reconnect_json(seen.reconnect)}}),
                  "application/json");
}

void page_server::state::install_routes() {
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_payload_max_length(8u << 20);
  server.set_default_headers({{"Cache-Control", "no-store"}});
  server.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  server.set_file_extension_and_mimetype_mapping("js", "text/javascript");
  server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  if (options.log_requests) {
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s -> %d\n", req.method.c_str(), req.target.c_str(), res.status);
    });
  }
  if (!options.wasm_dir.empty() && std::filesystem::is_directory(options.wasm_dir))
    server.set_mount_point("/wasm", options.wasm_dir.string());
  if (!server.set_mount_point("/", options.page_dir.string()))
    throw std::runtime_error("the page folder does not exist: " + options.page_dir.string());

  server.Get("/api/cases", [this](const httplib::Request& req, httplib::Response& res) {
    const auto profile = profile_for(engine_param(req.get_param_value("engine")));
    json j = cases_json(profile);
    j["wasm_available"] = std::filesystem::exists(options.wasm_dir / "index.js");
    res.set_content(dump(j), "application/json");
  });
  server.Get("/stream", [this](const httplib::Request& req, httplib::Response& res) { handle_stream(req, res); });
  server.Post("/api/result", [this](const httplib::Request& req, httplib::Response& res) { handle_result(req, res); });
  server.Post("/api/done", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("run")) {
      res.status = 400;
      return;
    }
    std::lock_guard lock(mutex);
    auto& r = runs[body.value("run", "")];
    r.run_id = body.value("run", "");
    r.done = true;
    r.engine = body.value("engine", r.engine);
    r.user_agent = body.value("user_agent", "");
    r.page_elapsed_ms = body.value("elapsed_ms", 0.0);
    changed.notify_all();
    res.set_content("{}", "application/json");
  });
  server.Post("/api/playground", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > max_playground_bytes) {
      res.status = 413;
      res.set_content(dump({{"error", "a playground stream is limited to 1 MiB"}}), "application/json");
      return;
    }
    stream_source src;
    src.bytes = req.body;
    src.initial_last_event_id = req.get_param_value("initial_last_event_id");
    auto reference = conf::make_reference_implementation();
    reference->begin(src.initial_last_event_id);
    observation_log log = reference->feed(src.bytes);
    for (auto& o : reference->finish()) log.push_back(std::move(o));
    const std::string token = random_token();
    {
      std::lock_guard lock(mutex);
      playground[token] = std::move(src);
      playground_order.push_back(token);
      if (playground_order.size() > max_playground_entries) {
        playground.erase(playground_order.front());
        streams.erase("play\n" + playground_order.front());
        playground_order.erase(playground_order.begin());
      }
    }
    res.set_content(dump({{"token", token}, {"reference", conf::to_json(log)}}), "application/json");
  });
  server.Get("/api/playground", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    auto it = streams.find("play\n" + req.get_param_value("token"));
    if (it == streams.end()) {
      res.status = 404;
      res.set_content("{}", "application/json");
      return;
    }
    res.set_content(dump({{"served", it->second.case_served}, {"reconnect", reconnect_json(it->second.reconnect)}}),
                    "application/json");
  });
}

page_server_options default_page_server_options() {
  page_server_options o;
  const char* page = std::getenv("SSE_CONFORMANCE_PAGE_DIR");
  const char* wasm = std::getenv("SSE_CONFORMANCE_WASM_DIR");
  o.page_dir = page != nullptr ? std::filesystem::path(page) : std::filesystem::path(SSE_PAGE_DIR);
  o.wasm_dir = wasm != nullptr ? std::filesystem::path(wasm) : std::filesystem::path(SSE_WASM_PACKAGE_DIR);
  return o;
}

page_server_options page_server_options_from(const page_options& choices) {
  page_server_options o = default_page_server_options();
  o.chunk_delay_ms = choices.chunk_delay_ms;
  if (!choices.page_dir.empty()) o.page_dir = choices.page_dir;
  if (!choices.wasm_dir.empty()) o.wasm_dir = choices.wasm_dir;
  return o;
}

page_server::page_server(conf::corpus corpus, page_server_options options) : state_(std::make_unique<state>()) {
  state_->corpus = std::move(corpus);
  state_->options = std::move(options);
  for (std::size_t i = 0; i < state_->corpus.cases.size(); ++i) state_->index.emplace(state_->corpus.cases[i].id, i);
  state_->install_routes();
}

page_server::~page_server() { stop(); }

int page_server::start() {
  auto& s = *state_;
  if (s.options.port == 0) {
    s.port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0)
    throw std::runtime_error("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port));
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  return s.port;
}

void page_server::stop() {
  auto& s = *state_;
  if (s.stopped.exchange(true)) return;
  s.server.stop();
  if (s.thread.joinable()) s.thread.join();
  std::lock_guard lock(s.mutex);
  s.changed.notify_all();
}

void page_server::wait() {
  auto& s = *state_;
  std::unique_lock lock(s.mutex);
  s.changed.wait(lock, [&s] { return s.stopped.load(); });
}

std::string page_server::base_url() const {
  const auto& s = *state_;
  const std::string host = s.options.host.find(':') != std::string::npos ? "[" + s.options.host + "]" : s.options.host;
  return "http://" + (host == "0.0.0.0" ? std::string("127.0.0.1") : host) + ":" + std::to_string(s.port) + "/";
}

const conf::corpus& page_server::corpus() const noexcept { return state_->corpus; }

browser_run page_server::wait_for_run(const std::string& run_id, std::chrono::milliseconds timeout) {
  auto& s = *state_;
  std::unique_lock lock(s.mutex);
  s.changed.wait_for(lock, timeout, [&] {
    auto it = s.runs.find(run_id);
    return s.stopped.load() || (it != s.runs.end() && it->second.done);
  });
  auto it = s.runs.find(run_id);
  if (it == s.runs.end()) {
    browser_run empty;
    empty.run_id = run_id;
    return empty;
  }
  return it->second;
}

void page_server::on_result(std::function<void(const std::string&, const browser_case_record&)> callback) {
  std::lock_guard lock(state_->mutex);
  state_->result_callback = std::move(callback);
}

run_record browser_record(const conf::test_case& c, const browser_case_record* r) {
  // Each case is sent once, in its pinned chunking or whole.
  const std::string chunking = c.has_pinned_chunks ? "pinned" : "whole";
  const std::size_t chunks = c.has_pinned_chunks ? c.pinned_splits.size() + 1 : 1;
  run_record record =
      r == nullptr ? to_record(c, chunking, chunks,
                               {outcome::timeout, {}, "the page posted no result for this case before the timeout", {}}, 0)
                   : to_record(c, chunking, chunks, r->judgement.result, r->elapsed_ms);
  record.status = gate_status_of(record, false);
  return record;
}

}  // namespace sse::runner
