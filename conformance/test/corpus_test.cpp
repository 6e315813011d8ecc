// corpus_test.cpp: the reference implementation against every case of the bundled corpus
// (fixtures/), one GoogleTest per case, under every chunking plan.
//
// Each case checks three things:
//  1. the latency oracle itself: for every prefix of the body, the log of that prefix alone
//     (sse::observe, a fresh parser) is exactly the first due[o] observations of the full expected
//     log. This ties due_counts() (one parser fed byte by byte) to the fixture, so the latency check
//     below is not the reference checking itself;
//  2. for every chunking: after every chunk, exactly the due observations have been reported;
//  3. for every chunking: the final log (with `end`) equals the expected log.
#include <sse/conformance/conformance.hpp>
#include <sse/parser.hpp>

#include "gtest_name.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace sc = sse::conformance;

namespace {

const sc::load_result& bundled_corpus() {
  static const sc::load_result loaded = sc::load_corpus({sc::bundled_fixtures_dir()});
  return loaded;
}

std::string describe_splits(const sc::chunking& ch, std::size_t size) {
  if (ch.splits.empty()) return "one chunk";
  if (ch.splits.size() + 1 == size && size > 2) return "one chunk per byte";
  std::string out = "cut at";
  for (std::size_t i = 0; i < ch.splits.size() && i < 40; ++i) out += " " + std::to_string(ch.splits[i]);
  if (ch.splits.size() > 40) out += " ...";
  return out;
}

std::string describe_case(const sc::test_case& c) {
  return c.id + " (" + c.file + ", " + std::string(sc::to_string(c.klass)) + (c.gap.empty() ? "" : " " + c.gap) +
         ")\n  " + c.description + "\n  body: \"" + sc::escape_bytes(c.bytes) + "\"\n";
}

TEST(Corpus, LoadsWithoutDiagnostics) {
  const sc::load_result& r = bundled_corpus();
  std::string problems;
  for (const auto& d : r.diagnostics) problems += "  " + d.to_string() + "\n";
  EXPECT_TRUE(r.ok()) << r.diagnostics.size() << " problem(s) in the corpus at " << sc::bundled_fixtures_dir()
                      << " (cases with problems are not run):\n"
                      << problems;
  EXPECT_FALSE(r.loaded.cases.empty()) << "no valid cases in " << sc::bundled_fixtures_dir();
}

class CorpusCase : public ::testing::TestWithParam<std::size_t> {};

TEST_P(CorpusCase, ConformsUnderEveryChunking) {
  const sc::test_case& c = bundled_corpus().loaded.cases.at(GetParam());
  const std::vector<std::size_t> due = sc::due_counts(c);

  sc::chunking_options options;
  options.random_variants = 8;

  // 1. The latency oracle, from independent prefix runs: at every offset that every-split cuts at
  // (all of them, except in long runs of ordinary bytes of a long body), and at 0 and the end.
  std::vector<std::size_t> prefixes{0, c.bytes.size()};
  sc::chunking_options every_split = options;
  every_split.plans = {sc::plan::every_split};
  for (const auto& ch : sc::make_chunkings(c, every_split)) prefixes.push_back(ch.splits.at(0));
  std::sort(prefixes.begin(), prefixes.end());
  const sse::observation_log& expected = c.expected;
  for (std::size_t o : prefixes) {
    sse::observation_log prefix_log = sse::observe(std::string_view(c.bytes).substr(0, o), c.initial_last_event_id);
    ASSERT_FALSE(prefix_log.empty());
    prefix_log.pop_back();  // its end
    const std::size_t n = std::min(due[o], expected.size());
    const sse::observation_log due_prefix(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(n));
    const sc::comparison cmp = sc::compare_logs(due_prefix, prefix_log);
    if (!cmp.equal || due[o] != prefix_log.size()) {
      ADD_FAILURE() << describe_case(c) << "the log of the first " << o << " bytes (\""
                    << sc::escape_bytes(std::string_view(c.bytes).substr(0, o)) << "\") alone is not the first "
                    << due[o] << " observations of the expected log (- first due of expected, + prefix log):\n"
                    << cmp.diff;
      break;  // later prefixes usually fail the same way
    }
  }

  // 2 and 3. Every chunking.
  const std::vector<sc::chunking> chunkings = sc::make_chunkings(c, options);
  ASSERT_FALSE(chunkings.empty());
  const auto reference = sc::make_reference_implementation();
  std::size_t failures = 0;
  for (const auto& ch : chunkings) {
    const sc::case_result r = sc::run_case(*reference, c, ch, due);
    if (r.outcome == sc::outcome::pass) continue;
    if (++failures <= 3) {
      ADD_FAILURE() << describe_case(c) << "chunking " << ch.name << " (" << describe_splits(ch, c.bytes.size())
                    << "): " << sc::to_string(r.outcome) << "\n"
                    << r.diff;
    }
  }
  EXPECT_EQ(failures, 0u) << "chunkings failed: " << failures << " of " << chunkings.size()
                          << " (the first 3 are shown above)";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CorpusCase, ::testing::Range<std::size_t>(0, bundled_corpus().loaded.cases.size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return sse::conformance::test::gtest_name(bundled_corpus().loaded.cases.at(param.param).id);
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CorpusCase);

}  // namespace
