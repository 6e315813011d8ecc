// sse/types.hpp: the vocabulary shared by the parser's stages: handler, options, limits, errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sse {

/// Largest reconnection time the reference stores, in milliseconds: 2^53 - 1, the largest integer
/// that every JSON consumer (JavaScript included) represents exactly. Larger `retry` values are
/// clamped to it (gap G7, see fixtures/README.md).
inline constexpr std::uint64_t max_reconnection_time_ms = 9007199254740991ULL;

/// A dispatched event (§9.2.6 "dispatch the event", steps 4-6). The views stay valid only for the
/// duration of the on_event() call.
struct event_view {
  std::string_view type;           ///< The event type buffer, or "message" when it was empty.
  std::string_view data;           ///< The data buffer without its final LF.
  std::string_view last_event_id;  ///< The last event ID string (the event's lastEventId).
};

/// Errors exist only for the optional limits; the standard itself has no parse errors (R2).
enum class parse_error : std::uint8_t {
  none = 0,
  line_too_long,    ///< A line (without its terminator) exceeded parser_limits::max_line_bytes.
  event_too_large,  ///< The data buffer exceeded parser_limits::max_event_bytes.
};

[[nodiscard]] constexpr std::string_view to_string(parse_error e) noexcept {
  switch (e) {
    case parse_error::none: return "none";
    case parse_error::line_too_long: return "line_too_long";
    case parse_error::event_too_large: return "event_too_large";
  }
  return "unknown";
}

/// Optional limits, off (0) by default because the standard has none. When a limit is exceeded the
/// parser reports on_error() once, stops interpreting, and stays in error until reset(): it never
/// truncates silently.
struct parser_limits {
  std::size_t max_line_bytes = 0;   ///< Longest line in UTF-8 bytes, terminator excluded. 0 = unlimited.
  std::size_t max_event_bytes = 0;  ///< Largest data buffer in bytes. 0 = unlimited.
};

struct parser_options {
  /// The EventSource's last event ID string when this response starts (gap G1): the last event ID
  /// buffer and string both start from it. Empty for a first connection.
  std::string initial_last_event_id;
  /// Deliver comment lines to on_comment(). Off by default: comment text is then never buffered.
  bool report_comments = false;
  parser_limits limits;
};

/// Receives observations, in stream order, from inside parser::feed() and parser::finish().
/// Every string_view argument is valid only during the call.
class parser_handler {
public:
  virtual ~parser_handler() = default;
  /// A blank line dispatched an event (the data buffer was not empty).
  virtual void on_event(const event_view& event) { (void)event; }
  /// A valid `retry` field set the reconnection time (R22): called at that line, every time.
  virtual void on_retry(std::uint64_t milliseconds) { (void)milliseconds; }
  /// A blank line committed a last event ID buffer that differs from the last event ID string
  /// (dispatch step 1). Called before on_event() of the same block. Observes `id`-only blocks (R26).
  virtual void on_last_event_id(std::string_view last_event_id) { (void)last_event_id; }
  /// A comment line (R12); `text` is everything after the first ':'. Only with report_comments.
  virtual void on_comment(std::string_view text) { (void)text; }
  /// End of stream (finish()): pending data was discarded (R35); `last_event_id` is the last event ID
  /// string that a reconnection would send as Last-Event-ID ("" = no header).
  virtual void on_end(std::string_view last_event_id) { (void)last_event_id; }
  /// A limit was exceeded; the parser stops until reset().
  virtual void on_error(parse_error error) { (void)error; }
};

}  // namespace sse
