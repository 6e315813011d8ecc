// libFuzzer target: the reader of the bodies the comparison page posts (runner/src/request_body.cpp).
// Any web page the user visits can post to the local server, so no body may crash it, throw, or
// be accepted with a key of the wrong type. The first byte chooses the route.
// Build with the `fuzz` preset (clang), run (seeds in parser/fuzz/corpus/request_body):
//   build/fuzz/parser/fuzz/sse_fuzz_request_body -max_total_time=60 parser/fuzz/corpus/request_body
#include "request_body.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string error;
  if (data[0] % 2 == 0) {
    const auto r = sse::runner::read_result_post(body, error);
    if (r ? (r->run.empty() || r->run.size() > sse::runner::max_request_id_bytes || r->attempt < 1 ||
             r->attempt > sse::runner::max_request_attempt || r->error.size() > sse::runner::max_request_text_bytes ||
             (!r->events && r->events_error.empty()))
          : error.empty())
      std::abort();
  } else {
    const auto d = sse::runner::read_done_post(body, error);
    if (d ? (d->run.empty() || d->user_agent.size() > sse::runner::max_request_text_bytes) : error.empty())
      std::abort();
  }
  return 0;
}
