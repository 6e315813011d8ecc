// http_server.hpp: the browser comparison page's server (`sse-conformance serve`, `browser`).
//
// Built on cpp-httplib (Debian's libcpp-httplib-dev): a blocking, thread-per-connection server whose
// chunked content provider writes each DataSink::write() straight to the socket as one HTTP chunk,
// which is exactly "each chunk written and flushed on its own". Boost.Beast would need an
// asynchronous state machine per connection for the same result, and a much larger dependency.
//
// Routes (all JSON is UTF-8; byte strings travel as hex):
//   GET  /                       the page (wasm/page/index.html); other files of wasm/page/ likewise
//   GET  /wasm/...               the WASM package (its build output folder)
//   GET  /api/cases?engine=E     the corpus: bytes, pinned splits, expected log, wait times for E,
//                                each case's object from its fixture file, the cited rules' texts
//   GET  /stream?run=R&case=ID&attempt=N
//                                a case's event stream (see browser_observation.hpp for the three
//                                requests: priming, the case's bytes, the reconnection -> 204)
//   GET  /stream?run=R&play=T    the same for a playground stream
//   POST /api/result             {run, case, attempt, engine, events, timed_out, error} -> the verdict
//                                (a later attempt's verdict replaces the earlier one)
//   POST /api/done               {run, engine, user_agent, elapsed_ms}: the page finished a run
//   POST /api/playground?initial_last_event_id=I&splits=A,B,...
//                                body = the stream's bytes -> {token, reference, chunk_of}: the stream
//                                is cut after bytes A, B, ... (one flushed chunk each; a 400 unless
//                                increasing and inside the body); chunk_of[i] is the chunk whose
//                                feed completed reference[i]
//   GET  /stream?...&delay=MS    any stream with MS (at most 1000) between two chunks
//   GET  /api/playground?token=T what the server saw of the playground stream's reconnection
//   GET  /api/scenarios          the connection scenarios (fixtures/connection/) for the Connection tab
//   POST /api/connection?scenario=ID
//                                starts playing a scenario to this browser -> {session, frame_url}: the
//                                page loads frame_url (the scenario's document on the scenario
//                                server's own origin) in an iframe (connection_tab.hpp); 404 unknown
//                                scenario, 429 when 4 already run
//   GET  /api/connection?session=T
//                                {state: running} or the verdict with both logs and the requests seen
//
// Hostile input (runner/README.md, "What the server accepts"): any web page the user visits can send
// requests to a local port, and a DNS-rebinding page can even read the answers. So every request
// must name this server in its Host header (127.0.0.1, localhost, [::1] or the --host address, with
// the port), and a POST that carries an Origin must come from the page's own origin; bodies are
// read by request_body.hpp (bounded depth, checked types, 400 with a short message); paths with NUL
// are refused; /wasm/ serves only the package's files. Memory and time are bounded: request bodies
// (8 MiB), kept runs (max_kept_runs), playground streams (32 of 1 MiB), per-read timeouts.
#pragma once

#include "browser_observation.hpp"
#include "gate.hpp"

#include <sse/conformance/conformance.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sse::runner {

struct page_server_options {
  std::string host = "127.0.0.1";
  int port = 0;                    ///< 0: pick a free port.
  std::filesystem::path page_dir;  ///< wasm/page
  std::filesystem::path wasm_dir;  ///< the WASM package (may not exist: the page then runs without it)
  unsigned chunk_delay_ms = 10;    ///< Pause between two chunks of a stream (so each arrives on its own).
  bool log_requests = false;
  /// Longest wait for the next bytes of a request (headers or body) and for a write to the socket
  /// to progress, and for the next request on a kept-alive connection: a client that trickles or
  /// idles is disconnected, so it cannot hold one of the 64 server threads for long.
  std::chrono::milliseconds read_timeout{1000};
  std::chrono::milliseconds write_timeout{5000};
  std::chrono::milliseconds keep_alive_timeout{2000};
  /// Runs whose results are kept (a run id seen in /stream, /api/result or /api/done); the oldest
  /// is dropped beyond this, with a line on stderr.
  std::size_t max_kept_runs = 64;
  /// The connection scenarios of the Connection tab (empty: the bundled fixtures/connection).
  std::vector<std::filesystem::path> scenario_paths;
  /// The tab's limits (nullopt: those of `connect`, so the tab judges as `connect` does): how long a
  /// request may come after the wait a scenario requires, and how long the scenario's document may
  /// take to answer `stop`.
  std::optional<std::chrono::milliseconds> scenario_reconnect_budget;
  std::optional<std::chrono::milliseconds> scenario_stop_timeout;
};

/// What `serve` and `browser` let a user choose about the page server.
struct page_options {
  unsigned chunk_delay_ms = 10;  ///< --chunk-delay
  std::string page_dir;          ///< --page-dir (empty: the default)
  std::string wasm_dir;          ///< --wasm-dir (empty: the default)
};
/// Registers --chunk-delay, --page-dir and --wasm-dir (cmd_serve.cpp).
void add_page_options(CLI::App& command, page_options& options);
/// A warning for people when `host` is not a loopback address (127.0.0.0/8, ::1, localhost): the
/// page and its API are then reachable from the network. nullopt for loopback hosts.
[[nodiscard]] std::optional<std::string> network_exposure_warning(const std::string& host);

/// One case's outcome in one browser run.
struct browser_case_record {
  std::string case_id;
  browser_judgement judgement;
  double elapsed_ms = 0;  ///< As measured by the page, from `new EventSource` to the result.
};

/// The run record of a case in a browser run (`r` null: the page posted no result, a TIMEOUT), for
/// `browser`'s reports and the server's answer to the page alike. Its status is set without a
/// baseline (the page has none).
[[nodiscard]] run_record browser_record(const conformance::test_case& c, const browser_case_record* r);

/// A run of the page: the results it posted.
struct browser_run {
  std::string run_id;
  std::string engine;  ///< As reported by the page.
  std::string user_agent;
  bool done = false;
  double page_elapsed_ms = 0;                          ///< The page's own measure of the whole run.
  std::map<std::string, browser_case_record> results;  ///< By case id.
};

/// The options with the page and WASM package folders of this build: SSE_CONFORMANCE_PAGE_DIR and
/// SSE_CONFORMANCE_WASM_DIR from the environment when set, else the source tree's wasm/page and the
/// WASM package's build output (both configured by CMake).
[[nodiscard]] page_server_options default_page_server_options();
/// The defaults with the user's choices applied.
[[nodiscard]] page_server_options page_server_options_from(const page_options& choices);

class page_server {
public:
  page_server(conformance::corpus corpus, page_server_options options);
  ~page_server();
  page_server(const page_server&) = delete;
  page_server& operator=(const page_server&) = delete;

  /// Binds the socket and starts serving on a background thread. Returns the bound port.
  /// Throws std::runtime_error when the address cannot be bound.
  int start();
  /// Stops serving (idempotent).
  void stop();
  /// Blocks until stop() is called from elsewhere (or a signal handler).
  void wait();

  /// The URL to open on this machine (for a wildcard host such as 0.0.0.0: its 127.0.0.1 address).
  [[nodiscard]] std::string base_url() const;
  /// The address actually listened on, as host:port ("0.0.0.0:8080", "[::1]:8080").
  [[nodiscard]] std::string listen_address() const;
  /// The number of runs whose results are kept (at most options.max_kept_runs).
  [[nodiscard]] std::size_t kept_runs() const;
  [[nodiscard]] const conformance::corpus& corpus() const noexcept;
  /// The Connection tab's scenarios: how many were loaded, and why none were (empty: loaded).
  [[nodiscard]] std::size_t scenario_count() const;
  [[nodiscard]] const std::string& scenario_error() const;

  /// Waits until the page posts /api/done for `run_id` or `timeout` passes; returns what it has
  /// (possibly incomplete) either way.
  browser_run wait_for_run(const std::string& run_id, std::chrono::milliseconds timeout);
  /// Called after every result the page posts (from a server thread).
  void on_result(std::function<void(const std::string& run_id, const browser_case_record&)> callback);
  /// Called when the page posts /api/done (from a server thread, once the run is marked done). A
  /// non-empty answer is a URL sent to the page as `next`, which the page then opens: so one browser
  /// goes on to the next run of another server without restarting (`fuzz --engine`). It may block
  /// until that run is ready.
  void on_done(std::function<std::string(const std::string& run_id)> next_url);

  struct state;  ///< Implementation detail (public so helpers in the .cpp can name it).

private:
  std::unique_ptr<state> state_;
};

}  // namespace sse::runner
