// sse/conformance/scenario.hpp: connection scenarios (fixtures/connection/*.json), the second kind of
// case of the corpus: a client's construction and scripted page actions, the HTTP exchanges in order,
// and the expected log of what the page observes and which requests the client makes.
// fixtures/README.md ("Connection scenarios") documents every key; fixtures/connection.schema.json is
// the JSON Schema.
//
// URLs and header values may hold the placeholders {origin} (the page's origin) and {other_origin}
// (a second origin); a driver substitutes real origins (run_options) before playing the scenario.
#pragma once

#include <sse/conformance/conformance.hpp>
#include <sse/connection.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse::conformance {

/// What a request must carry. Byte strings are exact; nullopt = the header must be absent.
struct scenario_request {
  std::string url;  ///< The URL the request is sent to (without fragment), placeholders allowed.
  std::string method;
  std::string accept;
  std::string cache_control;
  std::optional<std::string> last_event_id;
  bool checks_origin = false;         ///< The scenario states the `Origin` header (key `origin`).
  std::optional<std::string> origin;  ///< Meaningful when checks_origin.
};

struct scenario_chunk {
  std::string bytes;
  std::uint64_t delay_ms = 0;  ///< Wait before sending this chunk (after the head or the previous chunk).
};

enum class response_end : std::uint8_t {
  close,  ///< The body ends normally.
  reset,  ///< The connection is reset after the chunks (a network error during the body).
  hold,   ///< The body never ends.
};
[[nodiscard]] std::string_view to_string(response_end e) noexcept;

/// How the server answers one request.
struct scenario_response {
  bool network_error = false;  ///< The server resets the connection without sending a response.
  std::uint64_t delay_ms = 0;  ///< Wait before the head (or the reset).
  std::uint16_t status = 200;
  header_list headers;
  std::vector<scenario_chunk> body;
  response_end end = response_end::close;
  std::uint64_t end_delay_ms = 0;  ///< Wait after the last chunk before the end.
};

struct scenario_exchange {
  scenario_request request;
  scenario_response response;
};

enum class page_action_kind : std::uint8_t {
  close,  ///< es.close()
  abort,  ///< The page's fetches are aborted (as window.stop() does): an aborted network error.
};

/// A scripted page action: done `delay_ms` after the page's observation number `after_observation`
/// (1-based, counting open, message and error events; 0 = right after the constructor returned).
/// With delay 0 it runs inside that event's handler, before any other task.
struct page_action {
  page_action_kind kind = page_action_kind::close;
  std::size_t after_observation = 0;
  std::uint64_t delay_ms = 0;
};

enum class log_kind : std::uint8_t { construct, request, open, message, error, close, abort };
[[nodiscard]] std::string_view to_string(log_kind k) noexcept;

/// One entry of a scenario log. Which members are meaningful depends on `kind`:
///   construct, open, error, close, abort: state     message: type, data, last_event_id, origin, state
///   request: exchange, min_delay_ms (nullopt: only the implementation-defined default applies),
///            may_not_arrive
struct log_entry {
  log_kind kind = log_kind::construct;
  ready_state state = ready_state::connecting;
  std::size_t exchange = 0;
  std::optional<std::uint64_t> min_delay_ms;
  /// The request's fetch was aborted before its response arrived, so the standard does not say
  /// whether the server ever sees it: a server-side observer accepts it missing (and checks it when
  /// it comes). Only the last request entry can have it (an aborted fetch is never followed by another).
  bool may_not_arrive = false;
  std::string type;
  std::string data;
  std::string last_event_id;
  std::string origin;
  bool operator==(const log_entry&) const = default;
};
using scenario_log = std::vector<log_entry>;
/// One line: `message type="message" data="a" last_event_id="" origin="{origin}" ready_state=1`.
[[nodiscard]] std::string format_log_entry(const log_entry& e);

struct scenario {
  std::string id;
  std::string description;
  std::string file;
  std::string area;
  std::vector<std::string> rules;
  std::vector<std::string> tags;
  std::vector<std::string> evidence;
  case_class klass = case_class::spec;
  std::string gap;
  std::string guards;
  std::string url;  ///< client.url
  bool with_credentials = false;
  std::vector<page_action> actions;
  std::vector<scenario_exchange> exchanges;
  scenario_log expected;
};

struct scenario_load_result {
  std::vector<scenario> scenarios;      ///< The valid scenarios (those with problems are left out).
  std::vector<std::string> files;       ///< Files that were read, in load order.
  std::vector<diagnostic> diagnostics;  ///< Every problem found; empty means all files are valid.
  [[nodiscard]] bool ok() const noexcept { return diagnostics.empty(); }
};

/// Loads scenario files. Each path is a JSON file or a folder (its *.json files, sorted, not
/// recursive). Never throws for bad input: every problem is a diagnostic naming file, scenario id
/// and key. Checks the keys and types, ids (unique across files), rule and gap ids, byte strings,
/// and the expected log's own consistency (request entries numbered in order, one per exchange).
[[nodiscard]] scenario_load_result load_scenarios(const std::vector<std::filesystem::path>& paths);
/// Same, from an in-memory document (`file` is used in diagnostics only).
[[nodiscard]] scenario_load_result load_scenarios_text(std::string_view json_text, const std::string& file);

/// fixtures/connection of this source tree.
[[nodiscard]] std::filesystem::path bundled_scenarios_dir();

struct scenario_run_options {
  std::string origin = "http://127.0.0.1:8001";        ///< {origin}: the page's origin.
  std::string other_origin = "http://127.0.0.1:8002";  ///< {other_origin}
  std::uint64_t default_reconnection_time_ms = 3000;   ///< The reference's R64 default.
};
/// Replaces {origin} and {other_origin} in `text`.
[[nodiscard]] std::string substitute_origins(std::string_view text, const scenario_run_options& options);

/// A serialized origin as scenarios write it: "{origin}", "{other_origin}", or the origin itself.
[[nodiscard]] std::string symbolic_origin(const std::string& origin, const scenario_run_options& options);

/// How the request `sent` differs from what exchange `index` of `s` requires (URL, method, Accept,
/// Cache-Control, Last-Event-ID and, when the scenario states it, Origin), one line per problem;
/// empty when it matches. Every driver checks requests with this (the reference's player and the
/// runner's scenario server).
[[nodiscard]] std::string check_request(const scenario& s, std::size_t index, const http_request& sent,
                                        const scenario_run_options& options);

/// The expected and observed logs side by side from the first difference ("  same, - expected
/// only, + observed"), or empty when they are equal.
[[nodiscard]] std::string diff_logs(const scenario_log& expected, const scenario_log& observed);

struct scenario_result {
  bool passed = false;
  /// Empty when passed; otherwise what differed, in plain words: request contents that did not match
  /// their exchange, and the expected and observed logs side by side from the first difference.
  std::string diff;
  scenario_log observed;
};

/// Plays a scenario against the reference model (sse::connection) in virtual time: the exchanges'
/// delays, the reconnection timer and the page's delayed actions are ordered by time (ties in the
/// order they were scheduled), and after every input the queued tasks run one by one, each page
/// action due at an observation running inside that observation's handler. Message origins are
/// reported with the placeholders, so `observed` compares directly with the scenario's log.
[[nodiscard]] scenario_result run_scenario(const scenario& s, const scenario_run_options& options = {});

}  // namespace sse::conformance
