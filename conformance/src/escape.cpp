// escape.cpp: bytes shown to people, with every invisible difference made visible.
#include <sse/utf8.hpp>

#include <sse/conformance/conformance.hpp>

#include <string>
#include <string_view>

namespace sse::conformance {
namespace {

constexpr std::string_view hex_digits = "0123456789ABCDEF";

void append_hex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out += hex_digits[(value >> static_cast<unsigned>(shift)) & 0xFu];
  }
}

/// Code points that print nothing, print like a space, or look like something else: a person cannot
/// tell them apart from their neighbours, so they are shown as \uHHHH.
bool is_invisible(char32_t c) noexcept {
  return (c >= 0x80 && c <= 0xA0)         // C1 controls (U+0085 NEL among them), NBSP
         || c == 0xAD                     // soft hyphen
         || c == 0x34F || c == 0x61C      // combining grapheme joiner, Arabic letter mark
         || (c >= 0x115F && c <= 0x1160)  // Hangul fillers
         || (c >= 0x17B4 && c <= 0x17B5) || (c >= 0x180B && c <= 0x180F) ||
         (c >= 0x2000 && c <= 0x200F)     // spaces, zero-width characters, LRM/RLM
         || (c >= 0x2028 && c <= 0x202F)  // line/paragraph separators, bidi embeddings, NNBSP
         || (c >= 0x205F && c <= 0x206F)  // word joiner, invisible operators, bidi isolates
         || c == 0x3000 || c == 0x3164 || c == 0xFFA0 ||
         (c >= 0xD800 && c <= 0xF8FF)     // (surrogates cannot occur) private use
         || (c >= 0xFDD0 && c <= 0xFDEF)  // noncharacters
         || (c >= 0xFE00 && c <= 0xFE0F)  // variation selectors
         || c == 0xFEFF                   // BOM / zero-width no-break space
         || (c >= 0xFFF0 && c <= 0xFFFF)  // specials: U+FFFD replacement character, noncharacters
         || (c & 0xFFFEu) == 0xFFFEu      // noncharacters of every plane
         || (c >= 0x1BCA0 && c <= 0x1BCA3) || (c >= 0x1D173 && c <= 0x1D17A) ||
         (c >= 0xE0000 && c <= 0xE0FFF)  // tags, variation selectors supplement
         || c >= 0xF0000;                // supplementary private use
}

}  // namespace

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (std::size_t i = 0; i < bytes.size();) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    const utf8::code_point_at s = utf8::scan(bytes, i);
    if (s.length == 0) {  // not part of a well-formed sequence: each such byte on its own
      out += "\\x";
      append_hex(out, byte, 2);
      ++i;
      continue;
    }
    if (s.length == 1) {
      switch (byte) {
        case '\r': out += "\\r"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\0': out += "\\0"; break;
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        default:
          if (byte < 0x20 || byte == 0x7F) {
            out += "\\x";
            append_hex(out, byte, 2);
          } else {
            out += static_cast<char>(byte);
          }
      }
    } else if (is_invisible(s.code_point)) {
      if (s.code_point > 0xFFFF) {
        out += "\\U";
        append_hex(out, s.code_point, 8);
      } else {
        out += "\\u";
        append_hex(out, s.code_point, 4);
      }
    } else {
      out.append(bytes.substr(i, s.length));
    }
    i += s.length;
  }
  return out;
}

std::string format_observation(const observation& o) {
  const auto quoted = [](std::string_view s) { return "\"" + escape_bytes(s) + "\""; };
  switch (o.kind) {
    case observation_kind::event:
      return "event type=" + quoted(o.type) + " data=" + quoted(o.data) + " last_event_id=" + quoted(o.last_event_id);
    case observation_kind::retry: return "retry ms=" + std::to_string(o.ms);
    case observation_kind::last_event_id: return "last_event_id value=" + quoted(o.last_event_id);
    case observation_kind::comment: return "comment text=" + quoted(o.text);
    case observation_kind::end: return "end last_event_id=" + quoted(o.last_event_id);
  }
  return "unknown observation kind " + std::to_string(static_cast<int>(o.kind));
}

}  // namespace sse::conformance
