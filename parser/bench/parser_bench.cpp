// Throughput of the reference parser: MB/s (bytes_per_second) and events/s (items_per_second).
#include <sse/parser.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

struct counter : sse::parser_handler {
  std::size_t events = 0;
  std::size_t bytes = 0;
  void on_event(const sse::event_view& e) override {
    ++events;
    bytes += e.data.size();
  }
};

// An LLM-token stream: ~120-byte JSON events, each with an id.
std::string llm_stream(std::size_t target_bytes) {
  std::string s;
  for (std::size_t i = 0; s.size() < target_bytes; ++i) {
    s += "id: " + std::to_string(i) + "\n";
    s += R"(data: {"id":"chatcmpl-9x","object":"chat.completion.chunk","choices":[{"delta":{"content":" token)" +
         std::to_string(i % 1000) + R"("}}]})" + "\n\n";
  }
  return s;
}

std::string big_lines(std::size_t line_bytes, std::size_t count) {
  std::string s;
  for (std::size_t i = 0; i < count; ++i) {
    s += "data: ";
    s.append(line_bytes, static_cast<char>('a' + i % 26));
    s += "\n\n";
  }
  return s;
}

void feed_in_chunks(benchmark::State& state, const std::string& input, std::size_t chunk) {
  std::size_t events = 0;
  for (auto _ : state) {
    counter c;
    sse::parser p(c);
    for (std::size_t off = 0; off < input.size(); off += chunk) {
      p.feed(std::string_view(input).substr(off, chunk));
    }
    p.finish();
    events += c.events;
    benchmark::DoNotOptimize(c.bytes);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

void BM_llm_stream_64KiB_chunks(benchmark::State& state) {
  static const std::string input = llm_stream(8u << 20);
  feed_in_chunks(state, input, 64u << 10);
}
BENCHMARK(BM_llm_stream_64KiB_chunks);

void BM_llm_stream_16B_chunks(benchmark::State& state) {
  static const std::string input = llm_stream(8u << 20);
  feed_in_chunks(state, input, 16);
}
BENCHMARK(BM_llm_stream_16B_chunks);

void BM_1MiB_data_lines_64KiB_chunks(benchmark::State& state) {
  static const std::string input = big_lines(1u << 20, 16);
  feed_in_chunks(state, input, 64u << 10);
}
BENCHMARK(BM_1MiB_data_lines_64KiB_chunks);

void BM_16MiB_line_1B_chunks(benchmark::State& state) {
  static const std::string input = big_lines(16u << 20, 1);
  feed_in_chunks(state, input, 1);
}
BENCHMARK(BM_16MiB_line_1B_chunks)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
