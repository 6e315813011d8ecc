// Streams per second of the fuzz loop against the in-process reference (one core): generation alone,
// judging alone, and the whole loop. items_per_second is streams per second.
#include <sse/conformance/fuzz.hpp>

#include <benchmark/benchmark.h>

namespace {

using namespace sse::conformance;

void generate(benchmark::State& state) {
  std::uint64_t index = 0;
  for (auto _ : state) benchmark::DoNotOptimize(generate_stream(1, index++, false));
  state.SetItemsProcessed(static_cast<std::int64_t>(index));
}
BENCHMARK(generate);

void judge(benchmark::State& state) {
  std::vector<fuzz_stream> streams;
  for (std::uint64_t i = 0; i < 4096; ++i) streams.push_back(generate_stream(1, i, false));
  auto impl = make_reference_implementation();
  std::size_t i = 0;
  for (auto _ : state) {
    const fuzz_stream& s = streams[i++ % streams.size()];
    benchmark::DoNotOptimize(run_case(*impl, s.test, s.chunks, {}));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}
BENCHMARK(judge);

void generate_and_judge(benchmark::State& state) {
  auto impl = make_reference_implementation();
  std::uint64_t index = 0;
  for (auto _ : state) {
    const fuzz_stream s = generate_stream(1, index++, true);
    benchmark::DoNotOptimize(run_case(*impl, s.test, s.chunks, {}));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(index));
}
BENCHMARK(generate_and_judge);

}  // namespace

BENCHMARK_MAIN();
