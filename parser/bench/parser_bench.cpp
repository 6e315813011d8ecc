// Throughput of the reference parser: MB/s (bytes_per_second) and events/s (items_per_second), with
// the baselines the figures are judged against measured in the same run on the same bytes: a memchr
// scan for LF (the least any line splitter must do) and a memcpy (the least any parser that keeps
// the data must do). Absolute figures vary by half between runs on a shared machine; the ratios
// printed at the end ("of baseline") are what to compare. On a busy machine, run
//   sse_parser_bench --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
// so that baselines and parser runs alternate; the ratios then use the medians.
//
// Every parser benchmark also counts heap allocations in the steady state (allocs_per_event: the
// global operator new is replaced in this binary). The parser is reused across passes (reset()
// keeps its buffers), so after the first pass the count is what a long-lived stream costs per event.
#include "allocation_counter.hpp"
#include "bench_streams.hpp"

#include <sse/parser.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

struct counter : sse::parser_handler {
  std::size_t events = 0;
  std::size_t bytes = 0;
  void on_event(const sse::event_view& e) override {
    ++events;
    bytes += e.data.size();
  }
};

using sse::bench::big_lines;
using sse::bench::llm_stream;

const std::string& llm_input() {
  static const std::string input = llm_stream(8u << 20);
  return input;
}
const std::string& big_lines_input() {
  static const std::string input = big_lines(1u << 20, 16);
  return input;
}
const std::string& huge_line_input() {
  static const std::string input = big_lines(16u << 20, 1);
  return input;
}

void feed_in_chunks(benchmark::State& state, const std::string& input, std::size_t chunk) {
  counter c;
  sse::parser p(c);
  std::size_t events = 0;
  std::size_t steady_events = 0;
  std::size_t steady_allocations = 0;
  bool first_pass = true;
  for (auto _ : state) {
    const std::size_t events_before = c.events;
    const std::size_t allocations_before = sse::bench::allocations();
    p.reset({});
    for (std::size_t off = 0; off < input.size(); off += chunk) {
      p.feed(std::string_view(input).substr(off, chunk));
    }
    p.finish();
    events += c.events - events_before;
    if (!first_pass) {
      steady_events += c.events - events_before;
      steady_allocations += sse::bench::allocations() - allocations_before;
    }
    first_pass = false;
    benchmark::DoNotOptimize(c.bytes);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  if (steady_events != 0) {
    state.counters["allocs_per_event"] = static_cast<double>(steady_allocations) / static_cast<double>(steady_events);
  }
}

// Baseline: memchr for every LF of the input, the scan a line splitter cannot avoid.
void scan_with_memchr(benchmark::State& state, const std::string& input) {
  for (auto _ : state) {
    std::size_t lines = 0;
    const char* p = input.data();
    const char* end = p + input.size();
    while (const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      ++lines;
      p = static_cast<const char*>(lf) + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}

// Baseline: memcpy of the input into a buffer, chunk by chunk, the copy a parser that keeps the
// data cannot avoid.
void copy_with_memcpy(benchmark::State& state, const std::string& input, std::size_t chunk) {
  std::vector<char> copy(input.size());
  for (auto _ : state) {
    for (std::size_t off = 0; off < input.size(); off += chunk) {
      std::memcpy(copy.data() + off, input.data() + off, std::min(chunk, input.size() - off));
    }
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}

// Each parser benchmark and the baseline it is compared with (registered first, so it runs first).
const std::vector<std::pair<std::string, std::string>> baseline_of = {
    {"llm_stream_64KiB_chunks", "baseline_memchr_llm_stream"},
    {"llm_stream_1KiB_chunks", "baseline_memchr_llm_stream"},
    {"llm_stream_16B_chunks", "baseline_memchr_llm_stream"},
    {"1MiB_data_lines_64KiB_chunks", "baseline_memcpy_1MiB_data_lines"},
};

void register_benchmarks() {
  benchmark::RegisterBenchmark("baseline_memchr_llm_stream",
                               [](benchmark::State& s) { scan_with_memchr(s, llm_input()); });
  benchmark::RegisterBenchmark("baseline_memchr_1MiB_data_lines",
                               [](benchmark::State& s) { scan_with_memchr(s, big_lines_input()); });
  benchmark::RegisterBenchmark("baseline_memcpy_1MiB_data_lines",
                               [](benchmark::State& s) { copy_with_memcpy(s, big_lines_input(), 64u << 10); });
  benchmark::RegisterBenchmark("llm_stream_64KiB_chunks",
                               [](benchmark::State& s) { feed_in_chunks(s, llm_input(), 64u << 10); });
  benchmark::RegisterBenchmark("llm_stream_1KiB_chunks",
                               [](benchmark::State& s) { feed_in_chunks(s, llm_input(), 1u << 10); });
  benchmark::RegisterBenchmark("llm_stream_16B_chunks",
                               [](benchmark::State& s) { feed_in_chunks(s, llm_input(), 16); });
  benchmark::RegisterBenchmark("1MiB_data_lines_64KiB_chunks",
                               [](benchmark::State& s) { feed_in_chunks(s, big_lines_input(), 64u << 10); });
  // Linear, not quadratic: a line of any length fed one byte at a time costs one pass.
  benchmark::RegisterBenchmark("16MiB_line_1B_chunks", [](benchmark::State& s) {
    feed_in_chunks(s, huge_line_input(), 1);
  })->Unit(benchmark::kMillisecond);
}

// The console report, then each parser figure as a fraction of its baseline from the same run.
class ratio_reporter : public benchmark::ConsoleReporter {
public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      // With --benchmark_repetitions, the median of the repetitions stands for the benchmark.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      const auto it = run.counters.find("bytes_per_second");
      if (it != run.counters.end()) bytes_per_second_[run.run_name.function_name] = it->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-32s %12s  %-34s %s\n", "benchmark", "MB/s", "baseline (same run)", "of baseline");
    for (const auto& [name, baseline] : baseline_of) {
      const auto measured = bytes_per_second_.find(name);
      const auto base = bytes_per_second_.find(baseline);
      if (measured == bytes_per_second_.end() || base == bytes_per_second_.end()) continue;
      std::printf("%-32s %12.0f  %-34s %5.1f %%\n", name.c_str(), measured->second / 1e6, baseline.c_str(),
                  100.0 * measured->second / base->second);
    }
  }

private:
  std::map<std::string, double> bytes_per_second_;
};

}  // namespace

int main(int argc, char** argv) {
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
