// libFuzzer target: the fixture loader (sse::conformance::load_corpus_text) on any text. A fixture
// file is input the runner's users write and exchange, so the loader must never crash, recurse
// without bound or take more than linear time, whatever the text; every problem is a diagnostic,
// listed up to a per-file cap.
// Build with the `fuzz` preset (clang), run (seeds in parser/fuzz/corpus/fixture_loader):
//   build/fuzz/parser/fuzz/sse_fuzz_fixture_loader -max_total_time=60 parser/fuzz/corpus/fixture_loader
#include <sse/conformance/conformance.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = sse::conformance::load_corpus_text(text, "fuzz.json");
  // The loader's promises: a case it accepts ends with exactly one `end`, and the diagnostics of one
  // file are capped (50 listed, then one line with the count).
  for (const auto& c : result.loaded.cases)
    if (c.id.empty() || c.expected.empty() || c.expected.back().kind != sse::observation_kind::end) std::abort();
  if (result.diagnostics.size() > 51) std::abort();
  for (const auto& d : result.diagnostics) (void)d.to_string();
  return 0;
}
