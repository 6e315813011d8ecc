// http_server.cpp: the page server (see http_server.hpp for the routes).
#include "http_server.hpp"

#include "connection_tab.hpp"
#include "request_body.hpp"

#include <sse/conformance/json_limits.hpp>

#include <httplib.h>
#include <sse/conformance/observation_json.hpp>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstdio>
#include <deque>
#include <fstream>
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
constexpr std::size_t max_playground_entries = 32;
constexpr std::size_t max_playground_splits = 1024;
constexpr std::size_t max_body_bytes = 8u << 20;

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

/// "[::1]" for an IPv6 literal, the host itself otherwise.
std::string bracketed(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

bool is_wildcard(const std::string& host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

/// The Host header values that name this server: the loopback names, the --host address, and for a
/// wildcard address every address of this machine's interfaces and its host name. Anything else is
/// a request meant for another server (or a DNS-rebinding page pretending to be one).
std::set<std::string> own_host_names(const std::string& host, int port) {
  std::set<std::string> names{"127.0.0.1", "localhost", "[::1]"};
  if (!is_wildcard(host)) names.insert(bracketed(host));
  if (is_wildcard(host)) {
    ifaddrs* interfaces = nullptr;
    if (::getifaddrs(&interfaces) == 0) {
      for (const ifaddrs* i = interfaces; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr) continue;
        char text[INET6_ADDRSTRLEN] = {};
        const int family = i->ifa_addr->sa_family;
        const void* address = nullptr;
        if (family == AF_INET) address = &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr;
        if (family == AF_INET6) address = &reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr;
        if (address != nullptr && ::inet_ntop(family, address, text, sizeof text) != nullptr)
          names.insert(bracketed(text));
      }
      ::freeifaddrs(interfaces);
    }
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') names.insert(name);
  }
  std::set<std::string> with_port;
  for (const auto& n : names) with_port.insert(n + ":" + std::to_string(port));
  return with_port;
}

/// A short JSON error answer: a status and one line, never internals.
void refuse(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(dump({{"error", message}}), "application/json");
}

/// The playground's `splits` parameter: comma-separated byte offsets where a chunk ends, strictly
/// increasing, each inside the body (0 < offset < size). nullopt with a reason for anything else.
std::optional<std::vector<std::size_t>> parse_playground_splits(const std::string& text, std::size_t size,
                                                                std::string& why) {
  std::vector<std::size_t> splits;
  if (text.empty()) return splits;
  std::size_t previous = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    std::size_t offset = 0;
    const bool digits = !item.empty() && item.size() <= 8 && item.find_first_not_of("0123456789") == std::string::npos;
    if (digits) offset = std::stoul(item);
    if (!digits || offset <= previous || offset >= size || splits.size() >= max_playground_splits) {
      why = "splits: at most " + std::to_string(max_playground_splits) +
            " increasing byte offsets inside the body, comma-separated";
      return std::nullopt;
    }
    splits.push_back(offset);
    previous = offset;
    start = comma + 1;
  }
  return splits;
}

browser_engine engine_param(const std::string& s) {
  return browser_engine_from_string(s).value_or(browser_engine::other);
}

}  // namespace

struct page_server::state {
  conf::corpus corpus;
  page_server_options options;
  std::unordered_map<std::string, std::size_t> index;     // case id -> position
  std::unordered_map<std::string, json> fixture_objects;  // case id -> its object in its fixture file
  json rule_texts = json::object();                       // rule or gap id -> {summary, link}

  std::unique_ptr<connection_tab> connections;  // the Connection tab's scenarios and sessions
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopped{false};

  std::mutex mutex;
  std::condition_variable changed;
  std::unordered_map<std::string, stream_state> streams;      // run + '\n' + case id (or "play\n" token)
  std::unordered_map<std::string, stream_source> playground;  // token -> stream
  std::vector<std::string> playground_order;
  std::map<std::string, browser_run> runs;
  std::deque<std::string> run_order;  // oldest first
  std::function<void(const std::string&, const browser_case_record&)> result_callback;
  std::function<std::string(const std::string&)> done_callback;
  std::set<std::string> own_hosts;   // Host header values naming this server (set by start())
  std::set<std::string> wasm_files;  // what /wasm/ serves: the package's files

  /// The run `id`, created if new; beyond max_kept_runs the oldest run is dropped, with its streams.
  /// The caller holds `mutex`.
  browser_run& touch_run(const std::string& id) {
    auto it = runs.find(id);
    if (it != runs.end()) return it->second;
    run_order.push_back(id);
    while (run_order.size() > std::max<std::size_t>(1, options.max_kept_runs)) {
      const std::string oldest = run_order.front();
      run_order.pop_front();
      runs.erase(oldest);
      const std::string prefix = oldest + "\n";
      std::erase_if(streams, [&](const auto& entry) { return entry.first.compare(0, prefix.size(), prefix) == 0; });
      std::fprintf(stderr, "serve: keeping the last %zu runs; dropped the oldest run '%s'\n", options.max_kept_runs,
                   oldest.substr(0, 80).c_str());
    }
    auto& run = runs[id];
    run.run_id = id;
    return run;
  }

  /// Reads what the page shows beside a case: its object as written in its fixture file (for
  /// "copy the fixture"), and the rule catalogue's summary and link of every id a case may cite.
  /// A file that cannot be read (a corpus given as text) leaves its cases without an object.
  void load_case_sources() {
    std::set<std::string> files;
    for (const auto& c : corpus.cases) files.insert(c.file);
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const json doc = conf::check_json_depth(text) ? json() : json::parse(text, nullptr, false);
      if (!doc.is_object() || !doc.contains("cases") || !doc["cases"].is_array()) continue;
      for (const auto& object : doc["cases"])
        if (object.is_object() && object.contains("id") && object["id"].is_string())
          fixture_objects[object["id"].get<std::string>()] = object;
    }
    try {
      const conf::rule_catalogue& rules = conf::bundled_rules();
      for (const auto& r : rules.rules) rule_texts[r.id] = {{"summary", r.summary}, {"link", r.link}};
      for (const auto& g : rules.gaps) rule_texts[g.id] = {{"summary", g.summary}, {"link", g.link}};
    } catch (const std::exception& e) {
      std::fprintf(stderr, "serve: the page's rule chips have no text: %s\n", e.what());
    }
  }

  const conf::test_case* find_case(const std::string& id) const {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &corpus.cases[it->second];
  }

  json cases_json(const engine_profile& profile) const;
  void install_routes();
  void handle_stream(const httplib::Request& req, httplib::Response& res);
  void handle_result(const httplib::Request& req, httplib::Response& res);
  httplib::Server::HandlerResponse check_request(const httplib::Request& req, httplib::Response& res) const;
  void serve_wasm_file(const httplib::Request& req, httplib::Response& res) const;
};

httplib::Server::HandlerResponse page_server::state::check_request(const httplib::Request& req,
                                                                   httplib::Response& res) const {
  using handled = httplib::Server::HandlerResponse;
  // A NUL can only come from an encoded %00; no file or route has one.
  if (req.path.find('\0') != std::string::npos || req.target.find("%00") != std::string::npos) {
    refuse(res, 400, "a NUL byte in the path");
    return handled::Handled;
  }
  // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends Host:
  // evil.example:PORT; a request not addressed to this server is refused.
  if (own_hosts.count(req.get_header_value("Host")) == 0) {
    refuse(res, 403, "the Host header does not name this server");
    return handled::Handled;
  }
  // Any page may POST here (a text/plain POST needs no CORS preflight); browsers send the page's
  // origin with every POST, so only the server's own page may write.
  if (req.method == "POST" && req.has_header("Origin") &&
      req.get_header_value("Origin") != "http://" + req.get_header_value("Host")) {
    refuse(res, 403, "only this server's own page may post to it");
    return handled::Handled;
  }
  return handled::Unhandled;
}

void page_server::state::serve_wasm_file(const httplib::Request& req, httplib::Response& res) const {
  const std::string name = req.matches[1];
  if (wasm_files.count(name) == 0) {
    res.status = 404;
    res.set_content("not a file of the WASM package\n", "text/plain");
    return;
  }
  std::ifstream in(options.wasm_dir / name, std::ios::binary);
  if (!in) {
    res.status = 404;
    res.set_content("the WASM package is not built\n", "text/plain");
    return;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const char* type = ends_with(".wasm")                      ? "application/wasm"
                     : ends_with(".js") || ends_with(".mjs") ? "text/javascript"
                     : ends_with(".json")                    ? "application/json"
                                                             : "text/plain";
  res.set_content(std::move(bytes), type);
}

json page_server::state::cases_json(const engine_profile& profile) const {
  json cases = json::array();
  std::set<std::string> areas;
  for (const auto& c : corpus.cases) {
    areas.insert(c.area);
    const auto rx = expect_reconnect(c, profile);
    json listed = listing_json(c);
    listed.update({
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
        {"fixture", fixture_objects.count(c.id) ? fixture_objects.at(c.id) : json(nullptr)},
    });
    cases.push_back(std::move(listed));
  }
  return {{"engine", std::string(to_string(profile.engine))},
          {"reconnect_floor_ms", profile.reconnect_floor_ms},
          {"chunk_delay_ms", options.chunk_delay_ms},
          {"priming_retry_ms", priming_retry_ms},
          {"wait_cap_ms", reconnect_wait_cap_ms},
          {"areas", areas},
          {"rules", rule_texts},
          {"cases", cases}};
}

void page_server::state::handle_stream(const httplib::Request& req, httplib::Response& res) {
  const std::string run = req.get_param_value("run");
  const std::string case_id = req.get_param_value("case");
  const std::string play = req.get_param_value("play");
  const std::string attempt = req.get_param_value("attempt");
  if (run.size() > max_request_id_bytes || attempt.size() > 2 ||
      attempt.find_first_not_of("0123456789") != std::string::npos) {
    refuse(res, 400, "run: at most " + std::to_string(max_request_id_bytes) + " bytes; attempt: a small number");
    return;
  }
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
      key = run + "\n" + case_id + "\n" + attempt;
      touch_run(run);  // so the stream states of a dropped run go with it
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
  std::string bad_body;
  auto posted = read_result_post(req.body, bad_body);
  if (!posted) {
    refuse(res, 400, bad_body);
    return;
  }
  const std::string& run = posted->run;
  const std::string& case_id = posted->case_id;
  const conf::test_case* c = find_case(case_id);
  if (c == nullptr || run.empty()) {
    res.status = 404;
    res.set_content(dump({{"error", "unknown case (or no run id): " + case_id}}), "application/json");
    return;
  }
  browser_observation seen;
  if (!posted->events) {
    seen.page_error = "the page posted an invalid log: " + posted->events_error;
  } else {
    seen.events = std::move(*posted->events);
  }
  seen.page_timed_out = posted->timed_out;
  if (!posted->error.empty()) seen.page_error += (seen.page_error.empty() ? "" : "; ") + posted->error;
  const std::string& engine = posted->engine;
  const int attempt = posted->attempt;
  browser_case_record record;
  record.case_id = case_id;
  record.elapsed_ms = posted->elapsed_ms;
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
    auto& r = touch_run(run);
    if (attempt > 1) {
      const auto previous = r.results.find(case_id);
      std::string first = "second attempt (the page retries a late reconnection once)";
      if (previous != r.results.end() && !previous->second.judgement.result.detail.empty())
        first += "; first attempt: " + previous->second.judgement.result.detail;
      std::string& detail = record.judgement.result.detail;
      detail = detail.empty() ? first : detail + "; " + first;
    }
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
  server.set_payload_max_length(max_body_bytes);
  const auto seconds_and_micros = [](std::chrono::milliseconds d) {
    return std::pair<time_t, time_t>{static_cast<time_t>(d.count() / 1000),
                                     static_cast<time_t>(d.count() % 1000 * 1000)};
  };
  const auto [read_s, read_us] = seconds_and_micros(options.read_timeout);
  const auto [write_s, write_us] = seconds_and_micros(options.write_timeout);
  server.set_read_timeout(read_s, read_us);
  server.set_write_timeout(write_s, write_us);
  server.set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(options.keep_alive_timeout.count() / 1000)));
  // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, with which a second server on
  // a port in use binds too and the kernel splits the connections between the two.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // An exception in a handler is a bug: answer 500 without its text (cpp-httplib would put it in a
  // header), and say it on stderr.
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
    std::string what = "unknown exception";
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    std::fprintf(stderr, "serve: internal error on %s %s: %s\n", req.method.c_str(), req.path.c_str(), what.c_str());
    refuse(res, 500, "internal error");
  });
  server.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return check_request(req, res); });
  server.set_default_headers({{"Cache-Control", "no-store"}});
  server.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  server.set_file_extension_and_mimetype_mapping("js", "text/javascript");
  server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  if (options.log_requests) {
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s -> %d\n", req.method.c_str(), req.target.c_str(), res.status);
    });
  }
  // /wasm/ serves the package's own files (package.json and what its "files" lists), not the folder
  // it lives in (node_modules, sources, tests).
  if (!options.wasm_dir.empty()) {
    std::ifstream manifest(options.wasm_dir / "package.json", std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(manifest)), std::istreambuf_iterator<char>());
    const json package = conf::check_json_depth(text) ? json() : json::parse(text, nullptr, false);
    if (package.is_object()) {
      wasm_files.insert("package.json");
      if (const auto files = package.find("files"); files != package.end() && files->is_array())
        for (const auto& f : *files)
          if (f.is_string() && f.get<std::string>().find("..") == std::string::npos)
            wasm_files.insert(f.get<std::string>());
    }
    server.Get(R"(/wasm/(.+))",
               [this](const httplib::Request& req, httplib::Response& res) { serve_wasm_file(req, res); });
  }
  if (!server.set_mount_point("/", options.page_dir.string()))
    throw std::runtime_error("the page folder does not exist: " + options.page_dir.string());

  server.Get("/api/cases", [this](const httplib::Request& req, httplib::Response& res) {
    const auto profile = profile_for(engine_param(req.get_param_value("engine")));
    json j = cases_json(profile);
    j["wasm_available"] = std::filesystem::exists(options.wasm_dir / "index.js");
    // With a charset parameter, cpp-httplib does not compress the answer: its Brotli (quality 11)
    // took 1.5 s for the corpus's 1.2 MB, on every page load, to save nothing on a loopback address.
    res.set_content(dump(j), "application/json; charset=utf-8");
  });
  server.Get("/stream", [this](const httplib::Request& req, httplib::Response& res) { handle_stream(req, res); });
  server.Post("/api/result", [this](const httplib::Request& req, httplib::Response& res) { handle_result(req, res); });
  server.Post("/api/done", [this](const httplib::Request& req, httplib::Response& res) {
    std::string bad_body;
    const auto done = read_done_post(req.body, bad_body);
    if (!done) {
      refuse(res, 400, bad_body);
      return;
    }
    std::function<std::string(const std::string&)> next_url;
    {
      std::lock_guard lock(mutex);
      auto& r = touch_run(done->run);
      r.done = true;
      if (done->engine) r.engine = *done->engine;
      r.user_agent = done->user_agent;
      r.page_elapsed_ms = done->elapsed_ms;
      next_url = done_callback;
      changed.notify_all();
    }
    const std::string next = next_url ? next_url(done->run) : std::string();
    res.set_content(next.empty() ? "{}" : dump({{"next", next}}), "application/json");
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
    std::string bad_splits;
    auto splits = parse_playground_splits(req.get_param_value("splits"), src.bytes.size(), bad_splits);
    if (!splits) {
      refuse(res, 400, bad_splits);
      return;
    }
    src.splits = std::move(*splits);
    // The reference is fed chunk by chunk, as the server sends them, so each observation is known
    // by the chunk that completed it (chunk_of[i] for reference[i]; finish() counts as the last).
    auto reference = conf::make_reference_implementation();
    reference->begin(src.initial_last_event_id);
    observation_log log;
    json chunk_of = json::array();
    std::size_t start = 0;
    for (std::size_t k = 0; k <= src.splits.size(); ++k) {
      const std::size_t end = k < src.splits.size() ? src.splits[k] : src.bytes.size();
      for (auto& o : reference->feed(std::string_view(src.bytes).substr(start, end - start))) {
        log.push_back(std::move(o));
        chunk_of.push_back(k);
      }
      start = end;
    }
    for (auto& o : reference->finish()) {
      log.push_back(std::move(o));
      chunk_of.push_back(src.splits.size());
    }
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
    res.set_content(dump({{"token", token}, {"reference", conf::to_json(log)}, {"chunk_of", chunk_of}}),
                    "application/json");
  });
  const auto answer = [](httplib::Response& res, const api_answer& a) {
    res.status = a.status;
    res.set_content(a.body, "application/json; charset=utf-8");
  };
  server.Get("/api/scenarios",
             [this, answer](const httplib::Request&, httplib::Response& res) { answer(res, connections->list()); });
  server.Post("/api/connection", [this, answer](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.get_param_value("scenario");
    if (id.empty() || id.size() > max_request_id_bytes) {
      refuse(res, 400, "scenario: a scenario id of at most " + std::to_string(max_request_id_bytes) + " bytes");
      return;
    }
    answer(res, connections->start(id));
  });
  server.Get("/api/connection", [this, answer](const httplib::Request& req, httplib::Response& res) {
    const std::string session = req.get_param_value("session");
    if (session.empty() || session.size() > 32 || session.find_first_not_of("0123456789") != std::string::npos) {
      refuse(res, 400, "session: the number that POST /api/connection answered");
      return;
    }
    answer(res, connections->status(session));
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
  state_->load_case_sources();
  state_->connections = std::make_unique<connection_tab>(
      state_->options.scenario_paths, state_->options.scenario_reconnect_budget, state_->options.scenario_stop_timeout);
  state_->install_routes();
}

page_server::~page_server() { stop(); }

int page_server::start() {
  auto& s = *state_;
  if (s.options.port < 0 || s.options.port > 65535)
    throw std::runtime_error("--port " + std::to_string(s.options.port) + ": a TCP port is 0 (any free port) to 65535");
  if (s.options.port == 0) {
    s.port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0)
    throw std::runtime_error("cannot listen on " + bracketed(s.options.host) + ":" + std::to_string(s.options.port) +
                             " (is the port in use?)");
  s.own_hosts = own_host_names(s.options.host, s.port);
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  // Until the thread runs the accept loop, Server::stop() would do nothing and stop() would then
  // wait forever for a thread blocked in accept(): return only once it runs.
  const auto give_up = steady::now() + std::chrono::seconds(2);
  while (!s.server.is_running() && steady::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return s.port;
}

void page_server::stop() {
  auto& s = *state_;
  if (s.stopped.exchange(true)) return;
  s.server.stop();
  if (s.thread.joinable()) s.thread.join();
  s.connections->stop();
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
  return "http://" + (is_wildcard(s.options.host) ? std::string("127.0.0.1") : host) + ":" + std::to_string(s.port) +
         "/";
}

std::string page_server::listen_address() const {
  const auto& s = *state_;
  return bracketed(s.options.host.empty() ? std::string("0.0.0.0") : s.options.host) + ":" + std::to_string(s.port);
}

std::size_t page_server::kept_runs() const {
  std::lock_guard lock(state_->mutex);
  return state_->runs.size();
}

std::optional<std::string> network_exposure_warning(const std::string& host) {
  in_addr v4{};
  const bool loopback = host == "localhost" || host == "::1" ||
                        (::inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127);
  if (loopback) return std::nullopt;
  return "warning: listening on " +
         (is_wildcard(host) ? std::string("every network interface (") + (host.empty() ? "0.0.0.0" : host) + ")"
                            : bracketed(host)) +
         ": the page and its API are reachable from the network, not only from this machine; the server "
         "accepts requests that name one of this machine's addresses in their Host header";
}

const conf::corpus& page_server::corpus() const noexcept { return state_->corpus; }
std::size_t page_server::scenario_count() const { return state_->connections->scenario_count(); }
const std::string& page_server::scenario_error() const { return state_->connections->error(); }

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

void page_server::on_done(std::function<std::string(const std::string&)> next_url) {
  std::lock_guard lock(state_->mutex);
  state_->done_callback = std::move(next_url);
}

run_record browser_record(const conf::test_case& c, const browser_case_record* r) {
  // Each case is sent once, in its pinned chunking or whole.
  const std::string chunking = c.has_pinned_chunks ? "pinned" : "whole";
  const std::size_t chunks = c.has_pinned_chunks ? c.pinned_splits.size() + 1 : 1;
  run_record record =
      r == nullptr
          ? to_record(c, chunking, chunks,
                      {outcome::timeout, {}, "the page posted no result for this case before the timeout", {}}, 0)
          : to_record(c, chunking, chunks, r->judgement.result, r->elapsed_ms);
  record.status = gate_status_of(record, false);
  return record;
}

}  // namespace sse::runner
