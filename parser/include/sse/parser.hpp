// sse/parser.hpp: the strict reference parser for WHATWG event streams (text/event-stream).
//
// Umbrella header (the writing side, sse::encode, is in sse/encoder.hpp). Implements HTML Living Standard §9.2.5
// "Parsing an event stream" and §9.2.6 "Interpreting an event stream":
// https://html.spec.whatwg.org/multipage/server-sent-events.html
//
// @example
//   #include <sse/parser.hpp>
//   struct printer : sse::parser_handler {
//     void on_event(const sse::event_view& e) override { std::cout << e.type << ": " << e.data << '\n'; }
//   };
//   printer p;
//   sse::parser parser{p};
//   parser.feed("data: hel");
//   parser.feed("lo\n\n");   // prints "message: hello" from inside this call
//   parser.finish();
//
// Contract (llhttp-style): feed() accepts any chunk (empty, one byte, megabytes) and reports every
// observation that the chunk completes before it returns, in stream order. Nothing is ever held back
// for a later chunk: an event is reported by the feed() call that delivers the last byte of its
// blank line (a trailing CR included; an LF that then follows is swallowed). finish() ends the stream:
// a partial line and an undispatched block are discarded (§9.2.6, last paragraph), then on_end().
// The only errors are the optional limits (parser_limits); an error is sticky until reset().
#pragma once

#include <sse/encoder.hpp>
#include <sse/event_interpreter.hpp>
#include <sse/line_splitter.hpp>
#include <sse/observation.hpp>
#include <sse/types.hpp>
#include <sse/utf8_decoder.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace sse {

/// The push parser: bytes in, observations out through a parser_handler.
/// Composes the three stages of the standard: utf8_decoder (decode, BOM) → line_splitter (lines) →
/// event_interpreter (fields, dispatch). Not thread-safe; one instance per stream.
class parser {
public:
  explicit parser(parser_handler& handler, parser_options options = {});
  parser(const parser&) = delete;
  parser& operator=(const parser&) = delete;

  /// Feeds the next bytes of the response body. Returns the sticky error (none unless a limit was hit).
  parse_error feed(std::string_view bytes);
  parse_error feed(std::span<const std::byte> bytes);
  parse_error feed(std::span<const unsigned char> bytes);

  /// Ends the stream: discards any partial line and undispatched block, reports on_end().
  /// Further feed() calls are ignored until reset().
  void finish();

  /// Starts a new response (a reconnection). The last event ID buffer starts from `last_event_id`
  /// (gap G1: pass the EventSource's current last event ID string). The reconnection time is kept.
  void reset(std::string_view last_event_id);

  /// The last event ID string: the value committed by the last blank line (dispatch step 1).
  [[nodiscard]] std::string_view last_event_id() const noexcept { return interpreter_.last_event_id(); }
  /// The reconnection time set by the last valid `retry` field, or -1 if none was seen.
  [[nodiscard]] std::int64_t reconnection_time() const noexcept { return interpreter_.reconnection_time(); }
  [[nodiscard]] parse_error error() const noexcept { return interpreter_.error(); }
  [[nodiscard]] bool finished() const noexcept { return finished_; }

private:
  event_interpreter interpreter_;
  line_splitter splitter_;
  utf8_decoder decoder_;
  bool finished_ = false;
};

/// One-shot helper: the complete observation log of a whole body (ends with an `end` observation).
/// Comments are always recorded.
[[nodiscard]] observation_log observe(std::string_view bytes, std::string_view initial_last_event_id = {});

}  // namespace sse
