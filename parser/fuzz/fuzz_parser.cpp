// libFuzzer target: the streaming parser, cut into chunks chosen by the input itself, must produce
// exactly the naive model's log (parser/test/naive_model.hpp), and must never crash or over-read.
// Build with the `fuzz` preset (clang), run: build/fuzz/parser/fuzz/sse_fuzz_parser -max_total_time=60
#include "../test/naive_model.hpp"

#include <sse/parser.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t chunk_seed = data[0];
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);

  sse::observation_recorder r;
  sse::parser_options o;
  o.report_comments = true;
  sse::parser p(r, o);
  std::size_t off = 0, step = 0;
  while (off < body.size()) {
    // Chunk lengths 0..7 derived from the seed byte, so the fuzzer explores chunkings too.
    const std::size_t len = std::min<std::size_t>((chunk_seed >> (step++ % 6)) & 7u, body.size() - off);
    auto buf = std::make_unique<char[]>(len == 0 ? 1 : len);  // exact-size copy: ASan sees over-reads
    std::memcpy(buf.get(), body.data() + off, len);
    p.feed(std::string_view(buf.get(), len));
    off += len;
    if (len == 0 && (chunk_seed & 7u) == 0) {  // avoid an endless loop of empty chunks
      p.feed(std::string_view(body).substr(off));
      off = body.size();
    }
  }
  p.finish();
  if (r.log != naive::observe(body)) std::abort();
  return 0;
}
