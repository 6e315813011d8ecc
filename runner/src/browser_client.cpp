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
        // A line posted again (its first post looked cancelled to the page) counts once.
        if (const auto n = posted["n"].get<std::size_t>(); n >= next)
          lines[n] = posted["line"].dump(-1, ' ', false, json::error_handler_t::replace);
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
  /// One home server per job, each on its own port: a job's idle page long-polls its home, and a
  /// browser keeps about six connections per host and port, so jobs sharing one home would queue
  /// behind each other's long polls. homes[0] also serves the start page.
  std::vector<std::unique_ptr<httplib::Server>> homes;
  std::vector<std::thread> serving;
  std::vector<int> ports;
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

  /// The origin of job j's home server.
  [[nodiscard]] std::string base(std::size_t j) const { return "http://127.0.0.1:" + std::to_string(ports.at(j)); }
  /// Job j's idle page.
  [[nodiscard]] std::string home(std::size_t j) const { return base(j) + "/slot/" + std::to_string(j); }
  void stop_homes() {
    for (auto& h : homes) h->stop();
    for (auto& t : serving)
      if (t.joinable()) t.join();
  }
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

namespace {

/// The routes of a home server: the start page (one iframe per job, each on its job's home), a job's
/// idle page, and its long poll for the next scenario's URL.
void add_home_routes(httplib::Server& home, const std::weak_ptr<browser_clients::state>& weak) {
  home.Get("/", [weak](const httplib::Request&, httplib::Response& res) {
    const auto s = weak.lock();
    if (!s) return;
    std::string frames;
    for (std::size_t j = 0; j < s->slots.size(); ++j)
      frames += "<iframe src=\"" + s->home(j) + "\" width=\"240\" height=\"60\"></iframe>";
    res.set_content("<!doctype html><meta charset=\"utf-8\"><title>sse-conformance connect</title>" + frames,
                    "text/html; charset=utf-8");
  });
  home.Get(R"(/slot/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
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
  home.Get(R"(/next/(\d+))", [weak](const httplib::Request& req, httplib::Response& res) {
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
}

}  // namespace

browser_clients::browser_clients(browser_engine engine, unsigned slots, const std::string& binary)
    : state_(std::make_shared<state>()) {
  state_->engine = engine;
  const std::weak_ptr<state> weak = state_;
  for (unsigned j = 0; j < slots; ++j) {
    state_->slots.push_back(std::make_unique<state::slot_state>());
    auto& home = *state_->homes.emplace_back(std::make_unique<httplib::Server>());
    add_home_routes(home, weak);
    const int port = home.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
      state_->stop_homes();
      throw std::runtime_error("connect: cannot listen on 127.0.0.1 for the browser's start page");
    }
    state_->ports.push_back(port);
    state_->serving.emplace_back([&home] { home.listen_after_bind(); });
  }
  browser_launch_options launch;
  launch.engine = engine;
  launch.binary = binary;
  launch.url = state_->base(0) + "/";
  try {
    state_->browser = std::make_unique<browser_launch>(launch);
  } catch (...) {
    state_->stop_homes();
    throw;
  }
  state_->command = state_->browser->command();
  // Start no scenario before every iframe has loaded: a browser takes seconds to start, and Firefox
  // right after the parsing run, at a load average of 34, had not loaded its 16 iframes in 60 s.
  const auto deadline = clock_type::now() + 180s;
  for (const auto& slot : state_->slots) {
    std::unique_lock lock(slot->mutex);
    if (!slot->changed.wait_until(lock, deadline, [&slot] { return slot->loaded; })) {
      lock.unlock();
      const std::string log = state_->browser->log_tail();
      state_->browser->stop();
      state_->stop_homes();
      throw std::runtime_error("connect: the browser did not load its start page within 180 s\n  command: " +
                               state_->command + "\n  its log:\n" + log);
    }
  }
}

browser_clients::~browser_clients() {
  state_->browser->stop();
  state_->stop_homes();
}

std::unique_ptr<scenario_client> browser_clients::slot(unsigned j) {
  return std::make_unique<browser_slot_client>(state_, j, state_->home(j));
}

std::unique_ptr<scenario_client> page_frame_client(std::string home) {
  return std::make_unique<browser_slot_client>(nullptr, 0, std::move(home));
}

std::string browser_clients::version() const { return installed_browser_version(state_->engine); }
const std::string& browser_clients::command() const { return state_->command; }

}  // namespace sse::runner
