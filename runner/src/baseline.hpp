// baseline.hpp: the expected-failures file (--expected-failures, --write-baseline).
//
// Plain text, one entry per line: a case id, optionally followed by whitespace and a chunking name.
//   # comment lines start with '#'
//   line-endings/cr-only              every chunking of this case is expected to fail
//   data/split-utf8 bytewise           only this chunking is expected to fail
//   close/before-response intermittent  may fail or pass: its outcome depends on a race the case
//                                       cannot force (a connection scenario whose aborted request
//                                       may or may not reach the server)
// An entry is stale (and fails the gate) when its case passes, unless it is intermittent, or when its
// case no longer exists in the corpus.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sse::runner {

struct run_record;
struct implementation_info;

struct baseline_entry {
  std::string case_id;
  std::string chunking;       ///< Empty: every chunking of the case.
  std::size_t line = 0;       ///< 1-based line in the file (0 when built in memory).
  bool intermittent = false;  ///< A pass does not make the entry stale.
  [[nodiscard]] std::string to_string() const {
    return (chunking.empty() ? case_id : case_id + " " + chunking) + (intermittent ? " intermittent" : "");
  }
};

struct baseline {
  std::string file;
  std::vector<baseline_entry> entries;
};

/// Reads a baseline. Returns nullopt with `error` naming the file and line when it is malformed.
[[nodiscard]] std::optional<baseline> read_baseline(const std::filesystem::path& path, std::string* error);
[[nodiscard]] std::optional<baseline> parse_baseline(const std::string& text, const std::string& file,
                                                     std::string* error);

/// The baseline of a run: every case with failures that count for the gate (implementation-defined
/// differences excluded). A case whose every run chunking failed is written bare; otherwise one line
/// per failing chunking.
[[nodiscard]] std::string format_baseline(const std::vector<run_record>& records, const implementation_info& info);

}  // namespace sse::runner
