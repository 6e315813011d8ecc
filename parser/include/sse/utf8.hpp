// sse/utf8.hpp: the project's one definition of a well-formed UTF-8 sequence.
//
// The WHATWG Encoding standard's "UTF-8 decoder" (https://encoding.spec.whatwg.org/#utf-8-decoder):
// the lead byte sets "bytes needed" and the lower and upper boundaries of the next byte, which rules
// out overlong forms, surrogates and code points above U+10FFFF (Unicode Table 3-7). The parser's
// utf8_decoder, the conformance library's escaper and validation, the boundaries chunking plan and
// the runner's report text all classify bytes with these functions, so they cannot disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sse::utf8 {

/// The classification of the sequence that starts at a byte.
struct sequence {
  enum class status : std::uint8_t { valid, invalid, incomplete } result;
  /// valid: bytes in the sequence; invalid: bytes one U+FFFD replaces (the maximal subpart: the bad
  /// byte itself is not consumed); incomplete: bytes seen, all a valid prefix.
  std::size_t length;
};

/// Classifies the sequence at [p, end) (p < end). `incomplete` means every byte up to `end` is a
/// valid prefix of a sequence.
[[nodiscard]] constexpr sequence examine(const unsigned char* p, const unsigned char* end) noexcept {
  // "UTF-8 decoder" steps: the lead byte sets bytes needed and the boundaries of the next byte.
  const unsigned char lead = p[0];
  if (lead < 0x80) return {sequence::status::valid, 1};
  std::size_t need = 0;
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    if (lead == 0xE0) lower = 0xA0;
    if (lead == 0xED) upper = 0x9F;
    need = 2;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    if (lead == 0xF0) lower = 0x90;
    if (lead == 0xF4) upper = 0x8F;
    need = 3;
  } else {
    return {sequence::status::invalid, 1};  // 0x80..0xC1, 0xF5..0xFF: "return error"
  }
  for (std::size_t i = 1; i <= need; ++i) {
    if (p + i == end) return {sequence::status::incomplete, i};
    const unsigned char b = p[i];
    // "If byte is not in the range lower UTF-8 boundary to upper UTF-8 boundary ... prepend byte to
    // stream, return error": the bad byte is not consumed.
    if (b < lower || b > upper) return {sequence::status::invalid, i};
    lower = 0x80;
    upper = 0xBF;
  }
  return {sequence::status::valid, need + 1};
}

/// A well-formed sequence found in a string: its length (1..4) and code point; length 0 when the
/// byte at that position does not start one (invalid, or cut off by the end of the string).
struct code_point_at {
  std::size_t length = 0;
  char32_t code_point = 0;
};

[[nodiscard]] inline code_point_at scan(std::string_view bytes, std::size_t at) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + at;
  const sequence s = examine(p, reinterpret_cast<const unsigned char*>(bytes.data()) + bytes.size());
  if (s.result != sequence::status::valid) return {};
  // The lead byte's payload: 7, 5, 4 or 3 bits for sequences of 1, 2, 3 or 4 bytes.
  const unsigned lead_mask = s.length == 1 ? 0x7Fu : s.length == 2 ? 0x1Fu : s.length == 3 ? 0x0Fu : 0x07u;
  char32_t cp = p[0] & lead_mask;
  for (std::size_t i = 1; i < s.length; ++i) cp = (cp << 6) | (p[i] & 0x3Fu);
  return {s.length, cp};
}

/// The offset of the first byte where `bytes` stops being well-formed UTF-8, or npos.
[[nodiscard]] inline std::size_t first_invalid(std::string_view bytes) noexcept {
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = begin + bytes.size();
  for (const auto* p = begin; p < end;) {
    const sequence s = examine(p, end);
    if (s.result != sequence::status::valid) return static_cast<std::size_t>(p - begin);
    p += s.length;
  }
  return std::string_view::npos;
}

/// True when `bytes` is entirely well-formed UTF-8 (so it holds no surrogate code points).
[[nodiscard]] inline bool is_valid(std::string_view bytes) noexcept {
  return first_invalid(bytes) == std::string_view::npos;
}

}  // namespace sse::utf8
