// request_body.hpp: the reader of the JSON bodies the comparison page posts to the server
// (/api/result and /api/done, see http_server.hpp). Any web page can send the server a request, so a
// body is untrusted: it is checked for its nesting depth before it is parsed, every key is checked
// for its type and length, and a bad body is a short message for a 400 answer, never an exception.
// Separate from the server so that a libFuzzer target can drive it directly.
#pragma once

#include <sse/observation.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sse::runner {

/// Longest run id, case id and engine name accepted (the page's are under 64 bytes).
inline constexpr std::size_t max_request_id_bytes = 256;
/// Longest free text kept from a body (the page's error message, the user agent).
inline constexpr std::size_t max_request_text_bytes = 4096;
/// The highest attempt number (the page makes at most two).
inline constexpr int max_request_attempt = 16;

/// POST /api/result: {run, case, attempt, engine, events, timed_out, error, elapsed_ms}.
struct result_post {
  std::string run;
  std::string case_id;
  int attempt = 1;
  std::string engine = "other";
  /// The page's observations; nullopt with `events_error` set when `events` is not a valid log (a
  /// broken page, judged as such rather than refused).
  std::optional<observation_log> events;
  std::string events_error;
  bool timed_out = false;
  std::string error;  ///< The page's own error message (truncated to max_request_text_bytes).
  double elapsed_ms = 0;
};

/// POST /api/done: {run, engine, user_agent, elapsed_ms}.
struct done_post {
  std::string run;
  std::optional<std::string> engine;
  std::string user_agent;
  double elapsed_ms = 0;
};

/// Reads a result body; nullopt and `error` (one line, no internals) when it is not one.
[[nodiscard]] std::optional<result_post> read_result_post(std::string_view body, std::string& error);
/// Reads a done body; nullopt and `error` when it is not one.
[[nodiscard]] std::optional<done_post> read_done_post(std::string_view body, std::string& error);

}  // namespace sse::runner
