// scenario_server.hpp: the HTTP server that plays one connection scenario (fixtures/connection/) to a
// real client, exactly.
//
// Plain POSIX sockets rather than cpp-httplib: a scenario states the raw header bytes, wants every
// chunk written and flushed on its own (one send() per chunk, TCP_NODELAY), a reset as a real TCP
// reset (SO_LINGER 0, then close: the peer sees RST) and a body that never ends, which a server
// library normalises or forbids. Each response is close-delimited: no Content-Length, no chunked
// coding, and `Connection: close` after the scenario's headers (the only bytes the server adds to a
// head), so every request arrives on a connection of its own.
//
// The server listens on two loopback ports, the scenario's {origin} and {other_origin}. Requests are
// taken in arrival order: the n-th request (of either port) is answered with exchange n; one beyond
// the scenario's exchanges is answered 204 and recorded, so the judge can report it. GET /favicon.ico
// is answered 404 and not counted (browsers ask for it on their own), nor are the page's own requests
// when a page handler is set (a browser's document at {origin}/ and its channel to the runner). Each request is
// recorded with its exact header bytes and its arrival time, and each response with the time it ended (after its last
// byte, its close or its reset), both on the steady clock, so the judge measures every reconnection delay on the
// server's own clock. Nothing a client does can hang the server: reads have deadlines, every wait wakes up when the
// session stops, and stop() closes every socket.
#pragma once

#include "child_process.hpp"

#include <sse/conformance/scenario.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sse::runner {

/// One request as the server received it.
struct served_request {
  bool other_origin = false;  ///< It came to the {other_origin} port.
  http_request request;       ///< URL (origin + target), method, headers in order, exact bytes.
  clock_type::time_point arrival;
};

/// A request the page makes to its own origin rather than the EventSource's: GET / (the scenario's
/// document, for a browser) and anything under /__sse-conformance/ (the browser driver's channel).
struct page_request {
  std::string method;
  std::string target;  ///< As sent: path and query.
  std::string body;    ///< Per Content-Length.
};
/// Answers a page request with a complete HTTP response (head and body), or nullopt for 404. May
/// block (a long poll); it runs on the connection's own thread.
using page_handler = std::function<std::optional<std::string>(const page_request&)>;

/// What the server saw of one scenario: the requests in arrival order and, for each one it answered
/// with an exchange, when that response ended (nullopt: still going, or held open).
struct served_log {
  std::vector<served_request> requests;
  std::vector<std::optional<clock_type::time_point>> response_ends;  ///< One per request.
  clock_type::time_point last_activity;                              ///< The last request or response end.
};

class scenario_server {
public:
  /// Binds both ports on 127.0.0.1 (any free ports). Throws std::runtime_error when it cannot.
  scenario_server();
  ~scenario_server();
  scenario_server(const scenario_server&) = delete;
  scenario_server& operator=(const scenario_server&) = delete;

  /// The serialized origins, such as "http://127.0.0.1:41234".
  [[nodiscard]] const std::string& origin() const noexcept { return origin_; }
  [[nodiscard]] const std::string& other_origin() const noexcept { return other_origin_; }
  /// The origins as the scenario's placeholders are substituted.
  [[nodiscard]] conformance::scenario_run_options run_options() const;

  /// Serves the page's own requests (page_request) with `handler`; call before play(). Such requests
  /// are never recorded or counted as exchanges.
  void set_page_handler(page_handler handler) { page_handler_ = std::move(handler); }

  /// Starts answering requests with `s`'s exchanges (the scenario must outlive the server).
  void play(const conformance::scenario& s);
  /// What has been seen so far.
  [[nodiscard]] served_log log() const;
  /// Stops serving: closes the listeners and every connection (held ones too), joins every thread.
  /// Idempotent; the destructor calls it.
  void stop();

private:
  void accept_loop();
  void serve_connection(int fd, bool other_origin);
  void answer(int fd, std::size_t index);
  void answer_page(int fd, const http_request& request, std::string body, const std::string& origin);
  /// Sleeps `ms`, waking up early when the session stops; false when it stopped.
  bool pause(std::uint64_t ms);
  /// Records that response `index` ended at `when`: taken before the socket is shut down or reset, so
  /// that a measured wait is never shorter than the client's own (it cannot see the end before it).
  void response_ended(std::size_t index, clock_type::time_point when);

  int listeners_[2] = {-1, -1};
  std::string origin_;
  std::string other_origin_;
  const conformance::scenario* scenario_ = nullptr;
  page_handler page_handler_;
  conformance::scenario_run_options options_;

  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  std::atomic<bool> stopping_{false};
  served_log log_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace sse::runner
