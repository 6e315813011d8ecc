#include "browser_client.hpp"

#include "adapter_process.hpp"
#include "commands.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace sse::runner {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto long_poll = 5s;  // a long poll is answered "not yet" (204) after this, and asked again

std::string http_response(std::string_view status, std::string_view type, const std::string& body) {
  return "HTTP/1.1 " + std::string(status) + "\r\nContent-Type: " + std::string(type) +
         "\r\nCache-Control: no-store\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}
const std::string not_yet = "HTTP/1.1 204 No Content\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";

std::string read_adapter_file(const std::string& name) {
  std::ifstream in(adapters_dir() + "/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// One scenario's channel between the runner (connect, next_line, stop) and the document.
struct channel {
  std::string connect_message;
  std::string home;  ///< The job's idle page on the home server.
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::size_t, std::string> lines;  ///< By the page's sequence number.
  std::size_t next = 0;
  bool stop_requested = false;
  bool stopped = false;

  std::optional<std::string> answer(const page_request& r) {
    if (r.method == "GET" && r.target == "/")
      return http_response("200 OK", "text/html; charset=utf-8",
                           "<!doctype html><meta charset=\"utf-8\"><title>sse-conformance scenario</title>"
                           "<script type=\"module\" src=\"/__sse-conformance/page.mjs\"></script>");
    if (r.target == "/__sse-conformance/page.mjs")
      return http_response("200 OK", "text/javascript", read_adapter_file("browser-page.mjs"));
    if (r.target == "/__sse-conformance/client-core.mjs")
      return http_response("200 OK", "text/javascript", read_adapter_file("client-core.mjs"));
    if (r.target == "/__sse-conformance/connect") return http_response("200 OK", "application/json", connect_message);
    if (r.target == "/__sse-conformance/observed" && r.method == "POST") {
      const json posted = json::parse(r.body, nullptr, false);
      if (!posted.is_object() || !posted.value("n", json()).is_number_unsigned() || !posted.contains("line"))
        return http_response("400 Bad Request", "text/plain", "expected {\"n\": sequence, \"line\": {...}}");
      {
        const std::lock_guard lock(mutex);
        lines[posted["n"].get<std::size_t>()] = posted["line"].dump(-1, ' ', false, json::error_handler_t::replace);
      }
      changed.notify_all();
      return not_yet;
    }
    if (r.target == "/__sse-conformance/stop") {
      std::unique_lock lock(mutex);
      if (!changed.wait_for(lock, long_poll, [this] { return stop_requested; })) return not_yet;
      stopped = true;
      changed.notify_all();
      return http_response("200 OK", "text/plain", home);
    }
    return std::nullopt;
  }
};

}  // namespace

struct browser_clients::state {
  httplib::Server home;
  std::thread serving;
  int port = 0;
  std::unique_ptr<browser_launch> browser;
  browser_engine engine = browser_engine::chromium;
  std::string command;

  struct slot_state {
    std::mutex mutex;
    std::condition_variable changed;
    std::string next_url;  ///< Where the job's idle iframe goes next (empty: nowhere yet).
    bool loaded = false;   ///< Its idle page has asked for a URL at least once.
  };
  std::vector<std::unique_ptr<slot_state>> slots;

  [[nodiscard]] std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }
};

namespace {

class browser_slot_client final : public scenario_client {
public:
  /// `state` null: a document that the caller loads itself (page_frame_client), which goes to `home` at stop.
  browser_slot_client(std::shared_ptr<browser_clients::state> state, unsigned j, std::string home)
      : state_(std::move(state)), j_(j), home_(std::move(home)) {}

  [[nodiscard]] const std::set<std::string>& actions() const override {
    static const std::set<std::string> page_actions = {"close", "abort"};
    return page_actions;
  }

  void connect(scenario_server& server, const std::string& message) override {
    channel_ = std::make_shared<channel>();
    json connect = json::parse(message);
    channel_->home = home_;
    connect["home"] = channel_->home;
    channel_->connect_message = connect.dump();
    server.set_page_handler([c = channel_](const page_request& r) { return c->answer(r); });
    if (!state_) return;
    auto& slot = *state_->slots.at(j_);
    {
      const std::lock_guard lock(slot.mutex);
      slot.next_url = server.origin() + "/";
    }
    slot.changed.notify_all();
  }

  std::optional<std::string> next_line(clock_type::time_point deadline) override {
    std::unique_lock lock(channel_->mutex);
    if (!channel_->changed.wait_until(lock, deadline, [this] { return channel_->lines.contains(channel_->next); }))
      return std::nullopt;
    auto node = channel_->lines.extract(channel_->next++);
    return std::move(node.mapped());
  }

  void stop(clock_type::time_point deadline) override {
    {
      std::unique_lock lock(channel_->mutex);
      channel_->stop_requested = true;
      channel_->changed.notify_all();
      if (channel_->changed.wait_until(lock, deadline, [this] { return channel_->stopped; })) return;
    }
    throw adapter_fault(outcome::timeout,
                        "the scenario's page did not come back for its stop (it hangs or never loaded)", {},
                        state_ ? state_->browser->log_tail() : std::string());
  }

  [[noreturn]] void reject(const std::string& problem, const std::string& line) override {
    throw adapter_fault(outcome::protocol_error, problem, line, {});
  }

private:
  std::shared_ptr<browser_clients::state> state_;
  unsigned j_;
  std::string home_;
  std::shared_ptr<channel> channel_;
};

}  // namespace

browser_clients::browser_clients(browser_engine engine, unsigned slots, const std::string& binary)
    : state_(std::make_shared<state>()) {
  state_->engine = engine;
  for (unsigned j = 0; j < slots; ++j) state_->slots.push_back(std::make_unique<state::slot_state>());
  std::string frames;
  for (unsigned j = 0; j < slots; ++j)
    frames += "<iframe src=\"/slot/" + std::to_string(j) + "\" width=\"240\" height=\"60\"></iframe>";
  state_->home.Get("/", [frames](const httplib::Request&, httplib::Response& res) {
    res.set_content("<!doctype html><meta charset=\"utf-8\"><title>sse-conformance connect</title>" + frames,
                    "text/html; charset=utf-8");
  });
  state_->home.Get(R"(/slot/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string j = req.matches[1];
    res.set_header("Cache-Control", "no-store");
    res.set_content(
        "<!doctype html><meta charset=\"utf-8\"><title>idle</title><script>(async () => { for (;;) { try { "
        "const r = await fetch('/next/" +
            j +
            "', {cache: 'no-store'}); if (r.status === 200) { location.replace(await r.text()); return; } } "
            "catch { await new Promise((f) => setTimeout(f, 100)); } } })();</script>",
        "text/html; charset=utf-8");
  });
  std::weak_ptr<state> weak = state_;
  state_->home.Get(R"(/next/(\d+))", [weak](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    const auto s = weak.lock();
    const std::size_t j = std::stoul(req.matches[1]);
    if (!s || j >= s->slots.size()) {
      res.status = 404;
      return;
    }
    auto& slot = *s->slots[j];
    std::unique_lock lock(slot.mutex);
    slot.loaded = true;
    slot.changed.notify_all();
    if (!slot.changed.wait_for(lock, long_poll, [&slot] { return !slot.next_url.empty(); })) {
      res.status = 204;
      return;
    }
    res.set_content(std::exchange(slot.next_url, {}), "text/plain");
  });
  state_->port = state_->home.bind_to_any_port("127.0.0.1");
  if (state_->port <= 0) throw std::runtime_error("connect: cannot listen on 127.0.0.1 for the browser's start page");
  state_->serving = std::thread([s = state_.get()] { s->home.listen_after_bind(); });
  browser_launch_options launch;
  launch.engine = engine;
  launch.binary = binary;
  launch.url = state_->base() + "/";
  try {
    state_->browser = std::make_unique<browser_launch>(launch);
  } catch (...) {
    state_->home.stop();
    state_->serving.join();
    throw;
  }
  state_->command = state_->browser->command();
  // Start no scenario before every iframe has loaded: a browser takes seconds to start.
  const auto deadline = clock_type::now() + 60s;
  for (const auto& slot : state_->slots) {
    std::unique_lock lock(slot->mutex);
    if (!slot->changed.wait_until(lock, deadline, [&slot] { return slot->loaded; })) {
      lock.unlock();
      const std::string log = state_->browser->log_tail();
      state_->browser->stop();
      state_->home.stop();
      state_->serving.join();
      throw std::runtime_error("connect: the browser did not load its start page within 60 s\n  command: " +
                               state_->command + "\n  its log:\n" + log);
    }
  }
}

browser_clients::~browser_clients() {
  state_->browser->stop();
  state_->home.stop();
  if (state_->serving.joinable()) state_->serving.join();
}

std::unique_ptr<scenario_client> browser_clients::slot(unsigned j) {
  return std::make_unique<browser_slot_client>(state_, j, state_->base() + "/slot/" + std::to_string(j));
}

std::unique_ptr<scenario_client> page_frame_client(std::string home) {
  return std::make_unique<browser_slot_client>(nullptr, 0, std::move(home));
}

std::string browser_clients::version() const { return installed_browser_version(state_->engine); }
const std::string& browser_clients::command() const { return state_->command; }

}  // namespace sse::runner
