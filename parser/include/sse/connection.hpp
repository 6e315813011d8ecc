// sse/connection.hpp: the EventSource connection, as a sans-I/O state machine.
//
// Implements HTML Living Standard §9.2.2 (the EventSource constructor and close()) and §9.2.3
// (processing model: announce, reestablish and fail the connection), with the part of the Fetch
// Standard that one EventSource's request goes through (redirects, the CORS check, the no-store
// cache mode, the `Origin` header), and §9.2.6 through sse::parser:
// https://html.spec.whatwg.org/multipage/server-sent-events.html
//
// No sockets, no clock, no threads (like python-hyper/h11): the model is *fed* what the network, the
// timer and the page do, and *returns* what the user agent does next (send a request, start the
// reconnection timer, abort the fetch, give up). What the page observes (open, message and error
// events, each with the readyState after it) comes from an explicit task queue: inputs queue tasks,
// run_next_task() runs one. A task checks readyState when it runs, as the standard says, so a close()
// between queueing and running drops it (R33, R55, R59, R65, R66).
//
// @example
//   sse::connection es({.url = "/stream", .document_url = "https://a.test/"});
//   auto out = es.start();                        // [send_request GET https://a.test/stream]
//   es.receive_response(200, {{"Content-Type", "text/event-stream"}});
//   es.receive_body("data: hi\n\n");
//   while (es.has_pending_tasks()) es.run_next_task();   // [open (OPEN)], [message "hi" (OPEN)]
//   out = es.end_of_body();                       // [wait 3000 ms]; queued: error (CONNECTING)
//   (connection_test.cpp runs this example.)
//
// Decisions where the standard is silent or literally odd are documented in fixtures/README.md
// (gaps G1, G2, G3, G5, G6, P1, P2) and marked below where they apply.
#pragma once

#include <sse/detail/url.hpp>
#include <sse/parser.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse {

/// readyState (§9.2.2): CONNECTING (0), OPEN (1), CLOSED (2).
enum class ready_state : std::uint8_t { connecting = 0, open = 1, closed = 2 };
[[nodiscard]] constexpr std::string_view to_string(ready_state s) noexcept {
  return s == ready_state::connecting ? "CONNECTING" : s == ready_state::open ? "OPEN" : "CLOSED";
}

/// One header as on the wire: name and value are exact bytes (duplicates and order are kept).
struct http_header {
  std::string name;
  std::string value;
  bool operator==(const http_header&) const = default;
};
using header_list = std::vector<http_header>;

/// Fetch's "get": the values of every header whose name matches `name` byte-case-insensitively,
/// joined by ", " in order; nullopt when there is none.
[[nodiscard]] std::optional<std::string> get_header(const header_list& headers, std::string_view name);

/// Fetch's "extract a MIME type" on `headers`, reduced to what EventSource needs: the essence
/// (type "/" subtype, ASCII lower case) of the resulting MIME type, or nullopt for failure (gap G6).
[[nodiscard]] std::optional<std::string> extract_mime_type_essence(const header_list& headers);

/// What the user agent sends: the request's current URL and the headers EventSource and Fetch set.
struct http_request {
  std::string url;  ///< The request's current URL, serialized without its fragment (as sent).
  std::string method = "GET";
  header_list headers;  ///< In order: Accept, Last-Event-ID (if any), Origin (if any), Pragma, Cache-Control.
  bool include_credentials = false;  ///< Credentials mode "include" (withCredentials) or "same-origin".
  bool operator==(const http_request&) const = default;
};

/// How a fetch ended without a usable response.
enum class network_error_kind : std::uint8_t {
  aborted,   ///< An aborted network error (the fetch was aborted, e.g. window.stop()): fail (15.1).
  ordinary,  ///< DNS or TCP failure, a reset, a bad redirect: reestablish the connection (15.2).
  futile,    ///< A network error the user agent knows retrying is futile: fail (15.2; gap G2).
};

enum class connection_output_kind : std::uint8_t {
  send_request,     ///< User agent: send `request` now. `delay_ms`: the wait the standard required before it.
  wait,             ///< User agent: call reconnection_timer_fired() after `delay_ms` ms (reestablish step 2).
  abort_fetch,      ///< User agent: abort the fetch in progress (close()).
  never_reconnect,  ///< User agent: the connection was failed; no request will ever be sent again.
  open,             ///< Page: an `open` event was fired.
  message,          ///< Page: a MessageEvent was dispatched (type, data, last_event_id, origin).
  error,            ///< Page: an `error` event was fired.
};
[[nodiscard]] std::string_view to_string(connection_output_kind k) noexcept;

/// One output. Which members are meaningful depends on `kind` (unused ones stay empty/zero, so
/// defaulted equality compares exactly the meaningful ones):
///   send_request: request, delay_ms, default_delay     wait: delay_ms, default_delay
///   open, error: state                                 message: type, data, last_event_id, origin, state
struct connection_output {
  connection_output_kind kind = connection_output_kind::open;
  http_request request;
  std::uint64_t delay_ms = 0;
  /// The delay is the implementation-defined initial reconnection time (no `retry` seen yet, R64).
  bool default_delay = false;
  std::string type;
  std::string data;
  std::string last_event_id;
  std::string origin;
  ready_state state = ready_state::connecting;  ///< Page outputs: readyState after the event was fired.
  bool operator==(const connection_output&) const = default;
};
using connection_outputs = std::vector<connection_output>;

struct connection_options {
  std::string url;                ///< The constructor's url argument.
  bool with_credentials = false;  ///< eventSourceInitDict's withCredentials.
  /// The document's URL: the base the constructor's url is parsed against and whose origin is the
  /// request's origin.
  std::string document_url = "http://127.0.0.1/";
  /// The initial reconnection time (R64: implementation-defined; the reference uses 3000 ms).
  std::uint64_t default_reconnection_time_ms = 3000;
};

/// The EventSource object and its connection. Not thread-safe; every call returns what the user
/// agent must do as a result of it; page-visible effects are queued as tasks.
class connection {
public:
  /// Constructor steps 1-13. Throws std::invalid_argument (the "SyntaxError" DOMException of step 4)
  /// when the url or document_url does not parse.
  explicit connection(connection_options options);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// Constructor steps 14-15: fetch the request. Call once, right after construction.
  connection_outputs start();

  // --- the network (one fetch at a time: the response to the last send_request) ---
  /// A response's status and headers arrived (each redirect response too: Fetch follows it here).
  connection_outputs receive_response(std::uint16_t status, const header_list& headers);
  /// The next bytes of the response body.
  connection_outputs receive_body(std::string_view bytes);
  /// The response body ended normally (processResponseEndOfBody).
  connection_outputs end_of_body();
  /// The fetch ended with a network error, before the response or during its body.
  connection_outputs network_error(network_error_kind kind);
  /// The reconnection timer started by a `wait` output elapsed.
  connection_outputs reconnection_timer_fired();

  // --- the page ---
  /// close(): aborts the fetch and sets readyState to CLOSED at once.
  connection_outputs close();

  // --- the event loop ---
  [[nodiscard]] bool has_pending_tasks() const noexcept { return !tasks_.empty(); }
  [[nodiscard]] std::size_t pending_tasks() const noexcept { return tasks_.size(); }
  /// Runs the oldest queued task; returns its outputs (none when it found readyState CLOSED).
  connection_outputs run_next_task();

  // --- attributes and internal state, for tests and drivers ---
  [[nodiscard]] ready_state state() const noexcept { return ready_state_; }
  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  [[nodiscard]] bool with_credentials() const noexcept { return with_credentials_; }
  [[nodiscard]] const std::string& last_event_id() const noexcept { return last_event_id_; }
  [[nodiscard]] std::uint64_t reconnection_time() const noexcept { return reconnection_time_ms_; }
  /// True while a fetch is in progress (waiting for a response, or receiving a body).
  [[nodiscard]] bool fetching() const noexcept { return phase_ != fetch_phase::idle; }
  /// True once the connection was failed or closed: no request will be sent any more.
  [[nodiscard]] bool finished() const noexcept { return failed_ || ready_state_ == ready_state::closed; }

private:
  enum class task_kind : std::uint8_t { announce, dispatch, reestablish_error, reestablish_fetch, fail };
  struct task {
    task_kind kind;
    std::string type, data, last_event_id, origin;  // dispatch only
  };
  enum class fetch_phase : std::uint8_t { idle, awaiting_response, receiving_body, discarding_body };
  class body_handler;

  connection_outputs fetch();
  void append_header(header_list& headers, std::string_view name, std::string_view value) const;
  [[nodiscard]] bool cors_check(const header_list& headers) const;
  [[nodiscard]] bool redirect_tainted() const;
  connection_outputs process_response(std::uint16_t status, const header_list& headers);
  connection_outputs follow_redirect(const header_list& headers);
  connection_outputs reestablish();
  connection_outputs fail();
  connection_outputs handle_network_error(network_error_kind kind);
  void require_phase(fetch_phase expected, std::string_view input) const;

  // The EventSource object (§9.2.2) and its request.
  std::string url_;
  bool with_credentials_ = false;
  ready_state ready_state_ = ready_state::connecting;
  std::uint64_t reconnection_time_ms_;
  bool reconnection_time_is_default_ = true;
  std::string last_event_id_;
  detail::url_record document_url_;
  std::vector<detail::url_record> url_list_;  // the request's URL list; back() is its current URL
  unsigned redirect_count_ = 0;
  bool cors_tainting_ = false;   // the request's response tainting is "cors" (else "basic")
  header_list request_headers_;  // Accept and Last-Event-ID: what EventSource sets on the request

  // The fetch in progress and the reestablish steps in progress.
  fetch_phase phase_ = fetch_phase::idle;
  bool failed_ = false;
  bool reconnecting_ = false;        // reestablish steps 2-5 are in progress
  bool reconnect_task_ran_ = false;  // step 4: "the aforementioned task has run"
  bool reconnect_timer_fired_ = false;
  std::uint64_t reconnect_wait_ms_ = 0;
  bool reconnect_wait_default_ = true;
  std::string response_origin_;  // the origin of the response's URL (the URL after redirects)

  std::unique_ptr<body_handler> handler_;
  std::unique_ptr<parser> parser_;
  std::deque<task> tasks_;
};

}  // namespace sse
