// sse/detail/scan.hpp: the two byte scans on the hot path, 16 bytes at a time where the target has
// SSE2 (every x86-64), 8 at a time (SWAR) elsewhere, WebAssembly included.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sse::detail {

inline constexpr std::uint64_t broadcast(unsigned char b) noexcept { return 0x0101010101010101ULL * b; }

/// Bit 7 of each byte of the result is set where the byte of `v` equals the byte of `pattern`.
/// Exact (no false positives), unlike the classic "has zero byte" trick.
inline std::uint64_t swar_eq(std::uint64_t v, std::uint64_t pattern) noexcept {
  const std::uint64_t x = v ^ pattern;  // zero bytes where equal
  const std::uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
  return ~(((x & low7) + low7) | x | low7);
}

inline std::uint64_t load64(const unsigned char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// First byte in [p, end) that is >= 0x80, or end.
inline const unsigned char* find_non_ascii(const unsigned char* p, const unsigned char* end) noexcept {
#if defined(__SSE2__)
  while (end - p >= 32) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    if (_mm_movemask_epi8(_mm_or_si128(a, b)) != 0) break;
    p += 32;
  }
  while (end - p >= 16) {
    const int m = _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    if (m != 0) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    const std::uint64_t m = load64(p) & broadcast(0x80);
    if (m != 0) {
      if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) return p + (__builtin_ctzll(m) >> 3);
      break;
    }
    p += 8;
  }
  while (p != end && *p < 0x80) ++p;
  return p;
}

/// First CR or LF in [p, end), or end.
inline const unsigned char* find_line_end(const unsigned char* p, const unsigned char* end) noexcept {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const auto line_ends = [&](const unsigned char* at) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    return _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf));
  };
  while (end - p >= 32) {  // 32 bytes per test while no line ends
    if (_mm_movemask_epi8(_mm_or_si128(line_ends(p), line_ends(p + 16))) != 0) break;
    p += 32;
  }
  while (end - p >= 16) {
    const int m = _mm_movemask_epi8(line_ends(p));
    if (m != 0) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  // 8 bytes at a time: the whole scan without SSE2, the tail of up to 15 bytes with it (short
  // chunks and the end of every line are mostly tail).
  while (end - p >= 8) {
    const std::uint64_t v = load64(p);
    const std::uint64_t m = swar_eq(v, broadcast('\r')) | swar_eq(v, broadcast('\n'));
    if (m != 0) {
      if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) return p + (__builtin_ctzll(m) >> 3);
      break;
    }
    p += 8;
  }
  while (p != end && *p != '\r' && *p != '\n') ++p;
  return p;
}

}  // namespace sse::detail
