// libFuzzer target: the reader of adapter output lines (runner/src/adapter_answer.cpp). An adapter
// is someone else's program; whatever line it prints, the runner must answer with a verdict
// (adapter_fault), never crash. The first byte chooses the line the runner was waiting for.
// Build with the `fuzz` preset (clang), run (seeds in parser/fuzz/corpus/adapter_answer):
//   build/fuzz/parser/fuzz/sse_fuzz_adapter_answer -max_total_time=60 parser/fuzz/corpus/adapter_answer
#include "adapter_answer.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string line(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 3) {
      case 0: (void)sse::runner::parse_hello(line); break;
      case 1: sse::runner::parse_ready(line); break;
      default: {
        const auto answer = sse::runner::parse_observed(line, "the observations of a chunk");
        // What was accepted can be printed again (reports and diffs print it).
        (void)sse::conformance::log_to_json(answer.log);
        for (const auto& o : answer.log) (void)sse::conformance::format_observation(o);
        break;
      }
    }
  } catch (const sse::runner::adapter_fault& f) {
    if (f.kind != sse::runner::outcome::protocol_error) std::abort();
  }
  return 0;
}
