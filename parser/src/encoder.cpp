// The reference encoder: one event block that the reference parser reads back as the event.
// HTML Standard, §9.2.5 "Parsing an event stream" and §9.2.6 "Interpreting an event stream":
// https://html.spec.whatwg.org/multipage/server-sent-events.html
//
// §9.2.5 gives the grammar every written block must match (ABNF):
//   stream        = [ bom ] *event
//   event         = *( comment / field ) end-of-line
//   comment       = colon *any-char end-of-line
//   field         = 1*name-char [ colon [ space ] *any-char ] end-of-line
//   end-of-line   = ( cr lf / cr / lf )
//   name-char     = a scalar value other than LF, CR or ":"
//   any-char      = a scalar value other than LF or CR
// and "Streams must be decoded using the UTF-8 decode algorithm", so a writer sends UTF-8.
//
// §9.2.6 says how each line is read back, which decides what the writer must do:
//   "If the line is empty (a blank line): Dispatch the event."
//   "If the line starts with a U+003A COLON character (:): Ignore the line."
//   "If the line contains a U+003A COLON character (:): Collect the characters on the line before
//    the first U+003A COLON character (:), and let field be that string. Collect the characters on
//    the line after the first U+003A COLON character (:), and let value be that string. If value
//    starts with a U+0020 SPACE character, remove it from value."
//   "If the field name is "event": Set the event type buffer to field value."
//   "If the field name is "data": Append the field value to the data buffer, then append a single
//    U+000A LINE FEED (LF) character to the data buffer."
//   "If the field name is "id": If the field value does not contain U+0000 NULL, then set the last
//    event ID buffer to the field value. Otherwise, ignore the field."
//   "If the field name is "retry": If the field value consists of only ASCII digits, then interpret
//    the field value as an integer in base ten, and set the event stream's reconnection time to
//    that integer. Otherwise, ignore the field."
// and, when dispatching: "If the data buffer is an empty string, set the data buffer and the event
// type buffer to the empty string and return." ... "If the data buffer's last character is a U+000A
// LINE FEED (LF) character, then remove the last character from the data buffer."
#include <sse/encoder.hpp>

#include <sse/types.hpp>
#include <sse/utf8.hpp>

#include <cmath>
#include <limits>

namespace sse {

namespace {

struct refusal {
  encode_error error = encode_error::none;
  std::string message;
};

refusal check_utf8(std::string_view what, std::string_view text) {
  const std::size_t at = utf8::first_invalid(text);
  if (at == std::string_view::npos) return {};
  return {encode_error::invalid_utf8, std::string(what) + ": not UTF-8 at byte " + std::to_string(at) +
                                          " (an event stream is UTF-8; a reader would see U+FFFD there)"};
}

std::string describe_break(char c) { return c == '\r' ? "U+000D CARRIAGE RETURN" : "U+000A LINE FEED"; }

/// A `type` or `id` value must be one line: the reader ends the line at any CR or LF (§9.2.5
/// end-of-line), so the rest would be read as a line of its own (another field, or a blank line
/// that dispatches early). That is the injection this refusal prevents.
refusal check_single_line(std::string_view what, std::string_view value, encode_error error) {
  const std::size_t at = value.find_first_of("\r\n");
  if (at == std::string_view::npos) return {};
  return {error, std::string(what) + ": contains " + describe_break(value[at]) + " at byte " + std::to_string(at) +
                     " (the reader would end the line there and read the rest as another line)"};
}

refusal check(const outgoing_event& e) {
  for (std::size_t i = 0; i < e.comments.size(); ++i)
    if (auto r = check_utf8("comments[" + std::to_string(i) + "]", e.comments[i]); r.error != encode_error::none)
      return r;
  if (e.type) {
    if (auto r = check_utf8("type", *e.type); r.error != encode_error::none) return r;
    if (auto r = check_single_line("type", *e.type, encode_error::type_contains_line_break);
        r.error != encode_error::none)
      return r;
  }
  if (e.id) {
    if (auto r = check_utf8("id", *e.id); r.error != encode_error::none) return r;
    if (auto r = check_single_line("id", *e.id, encode_error::id_contains_line_break); r.error != encode_error::none)
      return r;
    // "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the
    // field value. Otherwise, ignore the field." Written through, the id would be lost.
    if (const auto at = e.id->find('\0'); at != std::string::npos)
      return {encode_error::id_contains_nul, "id: contains U+0000 NULL at byte " + std::to_string(at) +
                                                 " (a reader ignores an id field that contains NULL)"};
  }
  if (e.retry && *e.retry > max_reconnection_time_ms)
    return {encode_error::retry_too_large, "retry: " + std::to_string(*e.retry) +
                                               " is above 9007199254740991 (2^53 - 1), the largest value every reader "
                                               "holds exactly"};
  if (e.data)
    if (auto r = check_utf8("data", *e.data); r.error != encode_error::none) return r;
  return {};
}

/// One line `name: value` (or `name:` for an empty value). The separator is always ": ": the
/// reader removes exactly one U+0020 after the colon ("If value starts with a U+0020 SPACE
/// character, remove it from value"), so a value that itself starts with a space keeps it
/// (`data:  x` reads back as " x").
void write_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.push_back(':');
  if (!value.empty()) {
    out.push_back(' ');
    out.append(value);
  }
  out.push_back('\n');
}

/// Calls `line` for every line of `text` split at CRLF, lone CR and LF, the three end-of-line forms
/// of §9.2.5. A text ending in a break has an empty last line; "" is one empty line.
template <typename LineFn>
void for_each_line(std::string_view text, LineFn&& line) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) {
      line(text.substr(start));
      return;
    }
    line(text.substr(start, end - start));
    start = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
  }
}

}  // namespace

encode_result encode(const outgoing_event& e) {
  encode_result result;
  if (auto r = check(e); r.error != encode_error::none) {
    result.error = r.error;
    result.message = std::move(r.message);
    return result;
  }
  std::string& out = result.bytes;
  // "If the line starts with a U+003A COLON character (:): Ignore the line." A comment is one line,
  // so a comment text with line breaks becomes one comment line per line; each reads back as the
  // text after its colon, unmodified.
  for (const auto& comment : e.comments)
    for_each_line(comment, [&](std::string_view text) {
      out.push_back(':');
      out.append(text);
      out.push_back('\n');
    });
  // "Set the event type buffer to field value." An empty type is the default: dispatch step 6 uses
  // "message" when the buffer is empty, so there is nothing to write.
  if (e.type && !e.type->empty()) write_field(out, "event", *e.type);
  // "set the last event ID buffer to the field value": "" is a value too (it resets the id).
  if (e.id) write_field(out, "id", *e.id);
  // "If the field value consists of only ASCII digits ... interpret the field value as an integer in
  // base ten": std::to_string writes exactly that form, without sign, spaces or exponent.
  if (e.retry) write_field(out, "retry", std::to_string(*e.retry));
  // "Append the field value to the data buffer, then append a single U+000A LINE FEED (LF)
  // character", and at dispatch "If the data buffer's last character is a U+000A LINE FEED (LF)
  // character, then remove the last character": one `data` line per line of the data gives back the
  // lines joined by LF. "" is one empty `data` line, which dispatches an event whose data is "".
  if (e.data) for_each_line(*e.data, [&](std::string_view line) { write_field(out, "data", line); });
  // "If the line is empty (a blank line): Dispatch the event."
  out.push_back('\n');
  return result;
}

retry_conversion retry_from_number(double value) noexcept {
  if (!std::isfinite(value) || std::trunc(value) != value) return {0, encode_error::retry_not_integer};
  if (value < 0) return {0, encode_error::retry_negative};
  if (value > static_cast<double>(max_reconnection_time_ms)) return {0, encode_error::retry_too_large};
  return {static_cast<std::uint64_t>(value), encode_error::none};
}

std::string utf8_from_utf16(std::u16string_view units) {
  std::string out;
  out.reserve(units.size());
  auto put = [&out](std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  };
  constexpr std::uint32_t replacement = 0xFFFD;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const std::uint32_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
      put(0x10000 + ((u - 0xD800) << 10) + (static_cast<std::uint32_t>(units[i + 1]) - 0xDC00));
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      put(replacement);  // a lone surrogate: no scalar value to encode
    } else {
      put(u);
    }
  }
  return out;
}

}  // namespace sse
