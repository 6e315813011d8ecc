// bench_streams.hpp: the streams the throughput figures are measured on, shared by sse_parser_bench
// and `sse-conformance bench` so that both measure the same bytes.
#pragma once

#include <cstddef>
#include <string>

namespace sse::bench {

/// An LLM-token stream: ~120-byte JSON `data` lines (a chat completion chunk each), every event with
/// an `id`, up to at least `target_bytes`.
inline std::string llm_stream(std::size_t target_bytes) {
  std::string s;
  for (std::size_t i = 0; s.size() < target_bytes; ++i) {
    s += "id: " + std::to_string(i) + "\n";
    s += R"(data: {"id":"chatcmpl-9x","object":"chat.completion.chunk","choices":[{"delta":{"content":" token)" +
         std::to_string(i % 1000) + R"("}}]})" + "\n\n";
  }
  return s;
}

/// `count` events of one `data` line of `line_bytes` letters each.
inline std::string big_lines(std::size_t line_bytes, std::size_t count) {
  std::string s;
  for (std::size_t i = 0; i < count; ++i) {
    s += "data: ";
    s.append(line_bytes, static_cast<char>('a' + i % 26));
    s += "\n\n";
  }
  return s;
}

}  // namespace sse::bench
