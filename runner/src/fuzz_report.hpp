// fuzz_report.hpp: what `sse-conformance fuzz` found, for people (summary), programs (JSON) and the
// corpus (new classes as fixture cases, for a person to review and move into fixtures/).
#pragma once

#include "gate.hpp"

#include <sse/conformance/fuzz.hpp>

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace sse::runner {

/// One difference class: failing streams grouped by signature, each group shrunk, and the groups
/// whose minimal reproducers share a signature merged into one class.
struct fuzz_class {
  std::string signature;                                      ///< The minimal reproducer's.
  std::vector<std::string> variants;                          ///< The signatures of the streams before shrinking.
  std::uint64_t streams = 0;                                  ///< Generated streams that failed with this signature.
  std::uint64_t first_index = 0;                              ///< The lowest stream index among them (its example).
  conformance::fuzz_stream example;                           ///< That stream, as generated.
  conformance::fuzz_stream reproducer;                        ///< The example shrunk while the signature remained.
  conformance::outcome outcome = conformance::outcome::fail;  ///< The reproducer's outcome.
  std::string diff;                                           ///< The reproducer's diff (or fault detail).
  observation_log observed;                                   ///< What the implementation reported for the reproducer.
  /// Corpus cases that fail with the same signature (the class is then explained, not new).
  std::vector<std::string> explained_by;
};

struct fuzz_run {
  implementation_info implementation;
  std::uint64_t seed = 0;
  std::uint64_t streams = 0;
  double fuzz_seconds = 0;  ///< Generating, running and comparing (without shrinking and the corpus).
  double seconds = 0;       ///< The whole command.
  std::string date;         ///< YYYY-MM-DD, for `guards`.
  std::vector<fuzz_class> classes;
  std::map<std::string, std::uint64_t> reach;  ///< Rule or gap id -> streams that reached it (--reach).
};

[[nodiscard]] std::size_t count_new_classes(const fuzz_run& run);
/// Streams, rate and time; each class with its reproducer (escaped bytes, chunks), diff and whether
/// the corpus explains it; the reach table when there is one; the verdict.
void write_fuzz_summary(std::ostream& out, const fuzz_run& run, bool corpus_checked);
[[nodiscard]] std::string fuzz_to_json(const fuzz_run& run);
/// A fixture file (fixtures/schema.json) with one case per new class: the reproducer's bytes as
/// pinned chunks, the reference's log as expected, the rule ids the reference's stages reached,
/// implementation-defined with the gap when one is reached, and `guards` naming the implementation
/// and the date.
[[nodiscard]] std::string fuzz_cases_to_fixture(const fuzz_run& run);

}  // namespace sse::runner
