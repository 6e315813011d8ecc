// splitmix64.hpp: the conformance library's one pseudo-random generator (random chunkings, fuzz
// streams), so a seed means the same numbers in both and on every platform.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sse::conformance::detail {

/// splitmix64 (Steele, Lea, Flood 2014): tiny, splittable, and the same on every platform.
class splitmix64 {
public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound) (bound > 0); the modulo bias is irrelevant for test inputs.
  std::size_t below(std::size_t bound) noexcept { return static_cast<std::size_t>(next() % bound); }

private:
  std::uint64_t state_;
};

}  // namespace sse::conformance::detail
