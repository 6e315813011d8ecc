// The replaced global allocation functions of the benchmark binary. In a translation unit of their
// own, so no caller sees malloc and free inlined under operator new and delete.
#include "allocation_counter.hpp"

#include <cstdlib>
#include <new>

namespace {
std::size_t allocation_count = 0;  // the benchmarks are single-threaded
}  // namespace

namespace sse::bench {
std::size_t allocations() noexcept { return allocation_count; }
}  // namespace sse::bench

void* operator new(std::size_t size) {
  ++allocation_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
