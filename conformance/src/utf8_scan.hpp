// utf8_scan.hpp (internal): one definition of "a well-formed UTF-8 sequence" (Unicode Table 3-7),
// shared by escaping, fixture validation and the boundaries chunking plan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sse::conformance::detail {

/// The well-formed UTF-8 sequence starting at a position: its length (1..4) and code point, or
/// length 0 when the byte there does not start one (invalid lead, bad or missing continuation).
struct utf8_sequence {
  std::size_t length = 0;
  char32_t code_point = 0;
};

[[nodiscard]] inline utf8_sequence scan_utf8(std::string_view bytes, std::size_t at) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {1, lead};
  std::size_t length = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0Fu;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07u;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return {};
  }
  if (bytes.size() - at < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char b = byte(at + i);
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return {};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {length, cp};
}

/// True when `bytes` is entirely well-formed UTF-8 (hence holds no surrogate code points).
[[nodiscard]] inline bool is_valid_utf8(std::string_view bytes) noexcept {
  for (std::size_t i = 0; i < bytes.size();) {
    const utf8_sequence s = scan_utf8(bytes, i);
    if (s.length == 0) return false;
    i += s.length;
  }
  return true;
}

}  // namespace sse::conformance::detail
