// allocation_counter.hpp: counts heap allocations in the binary that links allocation_counter.cpp
// (it replaces the global operator new), so a benchmark can report allocations per event.
#pragma once

#include <cstddef>

namespace sse::bench {

/// Allocations through operator new since the program started.
[[nodiscard]] std::size_t allocations() noexcept;

}  // namespace sse::bench
