// sse-native-logs: the native reference's observation logs for every case of a corpus under every
// chunking plan, one line per (case, chunking), for the WASM-vs-native identity test
// (wasm/test/identity.test.mjs).
//
// Usage: sse-native-logs <fixture file or folder>...
// Output: tab-separated lines. Per case, one case line, then one line per chunking:
//   case      C <tab> case id <tab> body (hex) <tab> initial last event ID (hex)
//   chunking  K <tab> chunking name <tab> split offsets (comma-separated, empty for one chunk) <tab>
//             the logs: a JSON array holding, per chunk and then for finish(), the log_to_json() of
//             the observations reported by that call.
// The bytes are given in hex so the JS side needs no fixture reader of its own: the cases are the
// ones the conformance library loaded, cut by the conformance library's chunking plans.
#include <sse/conformance/conformance.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace sc = sse::conformance;

namespace {

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: sse-native-logs <fixture file or folder>...\n";
    return 2;
  }
  std::vector<std::filesystem::path> paths(argv + 1, argv + argc);
  const sc::load_result loaded = sc::load_corpus(paths);
  for (const auto& d : loaded.diagnostics) std::cerr << "sse-native-logs: " << d.to_string() << '\n';

  const auto reference = sc::make_reference_implementation();
  const sc::chunking_options options;
  std::size_t lines = 0;
  std::string out;
  for (const sc::test_case& c : loaded.loaded.cases) {
    const std::string case_line = "C\t" + c.id + '\t' + hex(c.bytes) + '\t' + hex(c.initial_last_event_id) + '\n';
    std::fwrite(case_line.data(), 1, case_line.size(), stdout);
    for (const sc::chunking& ch : sc::make_chunkings(c, options)) {
      out.clear();
      out += "K\t";
      out += ch.name;
      out += '\t';
      for (std::size_t i = 0; i < ch.splits.size(); ++i) {
        if (i != 0) out += ',';
        out += std::to_string(ch.splits[i]);
      }
      out += "\t[";
      reference->begin(c.initial_last_event_id);
      for (const sc::owned_chunk& chunk : sc::cut(c.bytes, ch)) {
        out += sc::log_to_json(reference->feed(chunk.view()));
        out += ',';
      }
      out += sc::log_to_json(reference->finish());
      out += "]\n";
      std::fwrite(out.data(), 1, out.size(), stdout);
      ++lines;
    }
  }
  std::cerr << "sse-native-logs: " << loaded.loaded.cases.size() << " cases from " << loaded.loaded.files.size()
            << " files, " << lines << " chunkings, " << loaded.diagnostics.size() << " diagnostics\n";
  return loaded.loaded.cases.empty() ? 1 : 0;
}
