// sse/encoder.hpp: the reference encoder, the writing side of an event stream.
//
// sse::encode() turns one event (type, data, id, retry, comments) into the bytes of one event block
// that the reference parser (sse/parser.hpp) reads back as exactly that event, under any chunking.
// A value that no event stream can carry is refused with an error; it is never written through.
//
// What comes back is the event after this normalisation, and nothing else:
//   - every line break in `data` (CRLF, lone CR or LF) comes back as one LF: a reader splits lines
//     on all three and joins `data` lines with LF, so the original kind of break cannot survive;
//   - a comment that holds line breaks comes back as several comments, one per line (split on CRLF,
//     CR and LF like `data`); comments come back in order, before any other field of the block;
//   - an absent or empty `type` comes back as "message" (dispatch step 6 of §9.2.6);
//   - without `data`, no event is dispatched: only the id is committed and the retry applied.
// Everything else survives byte for byte: leading and trailing spaces, NUL in `data`, `type` and
// comments, U+2028, U+0085, and every other Unicode scalar value.
//
// Refused (encode_error): text that is not UTF-8 in any field or comment (the stream is UTF-8 and
// the reader would turn the bytes into U+FFFD); an `id` with U+0000 NULL (the reader ignores such a
// field), CR or LF; a `type` with CR or LF; a `retry` above 2^53 - 1 (the largest integer every JSON
// and JavaScript reader holds exactly; the reference parser clamps larger values, gap G7), and, for
// callers that hold the retry as a number (JSON, JavaScript), a negative or non-integer one
// (retry_from_number).
//
// @example
//   sse::outgoing_event e;
//   e.type = "update";
//   e.data = "line 1\r\nline 2";
//   e.id = "42";
//   const auto written = sse::encode(e);
//   // written.ok(), written.bytes == "event: update\nid: 42\ndata: line 1\ndata: line 2\n\n"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse {

/// One event to write. Strings are UTF-8.
struct outgoing_event {
  std::optional<std::string> type;     ///< The `event` field; nullopt or "" writes none (read back as "message").
  std::optional<std::string> data;     ///< The `data` field; nullopt writes none, so no event is dispatched.
  std::optional<std::string> id;       ///< The `id` field; nullopt writes none. "" resets the last event ID.
  std::optional<std::uint64_t> retry;  ///< The `retry` field, in milliseconds.
  std::vector<std::string> comments;   ///< Comment lines, written before the fields.
};

/// Why an event cannot be written. to_string() gives the reason codes of fixtures/encoder/.
enum class encode_error : std::uint8_t {
  none = 0,
  invalid_utf8,              ///< A field or comment is not well-formed UTF-8.
  id_contains_nul,           ///< `id` contains U+0000: the reader would ignore the whole field.
  id_contains_line_break,    ///< `id` contains CR or LF: the rest would be read as another line.
  type_contains_line_break,  ///< `type` contains CR or LF: the rest would be read as another line.
  retry_too_large,           ///< `retry` above 2^53 - 1.
  retry_negative,            ///< retry_from_number(): below zero.
  retry_not_integer,         ///< retry_from_number(): a fraction, NaN or an infinity.
};

[[nodiscard]] constexpr std::string_view to_string(encode_error e) noexcept {
  switch (e) {
    case encode_error::none: return "none";
    case encode_error::invalid_utf8: return "invalid-utf8";
    case encode_error::id_contains_nul: return "id-contains-nul";
    case encode_error::id_contains_line_break: return "id-contains-line-break";
    case encode_error::type_contains_line_break: return "type-contains-line-break";
    case encode_error::retry_too_large: return "retry-too-large";
    case encode_error::retry_negative: return "retry-negative";
    case encode_error::retry_not_integer: return "retry-not-integer";
  }
  return "unknown";
}

struct encode_result {
  std::string bytes;                        ///< One complete event block; empty when refused.
  encode_error error = encode_error::none;  ///< Why it was refused.
  std::string message;                      ///< The refusal in words: field, byte offset, character.
  [[nodiscard]] bool ok() const noexcept { return error == encode_error::none; }
};

/// Writes one event block: comments, `event`, `id`, `retry`, the `data` lines, then a blank line.
/// Lines end with LF. Refuses (bytes empty, error and message set) what cannot be represented.
[[nodiscard]] encode_result encode(const outgoing_event& event);

/// A retry value held as a number (a JSON or JavaScript number): the integer it stands for, or why
/// it cannot be written. 3000.0 is 3000; -0 is 0; 1.5, -1, NaN and infinities are refused.
struct retry_conversion {
  std::uint64_t milliseconds = 0;
  encode_error error = encode_error::none;
};
[[nodiscard]] retry_conversion retry_from_number(double value) noexcept;

/// A string held as UTF-16 code units (a JavaScript string) as the UTF-8 a writer sends: a lone
/// surrogate, which has no UTF-8 form, becomes U+FFFD. This is what the Encoding standard's UTF-8
/// encoder does with a JavaScript string (Web IDL's USVString conversion, TextEncoder.encode).
[[nodiscard]] std::string utf8_from_utf16(std::u16string_view units);

}  // namespace sse
