// Property test: on tens of thousands of seeded random streams built from the tokens that matter
// (field names, colons, spaces, every line terminator, NUL, BOMs, valid and broken UTF-8), the
// streaming parser under a random chunking produces exactly the naive model's log. Deterministic
// seeds: a failure names the seed and prints the input.
#include "chunked_parse.hpp"
#include "naive_model.hpp"

#include <sse/parser.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace {

const std::vector<std::string> tokens = {"data",
                                         "data",
                                         "event",
                                         "id",
                                         "retry",
                                         "Data",
                                         "dat",
                                         ":",
                                         ":",
                                         " ",
                                         " ",
                                         "  ",
                                         "\t",
                                         "\n",
                                         "\n",
                                         "\r",
                                         "\r\n",
                                         "\n\n",
                                         "\r\r",
                                         "x",
                                         "msg",
                                         "0",
                                         "42",
                                         "007",
                                         "99999999999999999999",
                                         "-1",
                                         "\0",
                                         "\xEF\xBB\xBF",
                                         "\xEF\xBB",
                                         "\xE2\x82\xAC",
                                         "\xE2\x82",
                                         "\xF0\x9F\x98\x80",
                                         "\xF0\x9F",
                                         "\xFF",
                                         "\xC0\xAF",
                                         "\xED\xA0\x80",
                                         "\xE2\x80\xA8",
                                         "\xC2\x85",
                                         "\xFE\xFF"};

std::string random_stream(std::mt19937_64& rng) {
  std::string s;
  const auto n = std::uniform_int_distribution<int>(0, 40)(rng);
  std::uniform_int_distribution<std::size_t> pick(0, tokens.size() - 1);
  for (int i = 0; i < n; ++i) {
    const auto& t = tokens[pick(rng)];
    s += t == std::string("\0") ? std::string(1, '\0') : t;
  }
  return s;
}

/// Parses `in` in random chunks of 0 to 6 bytes.
sse::observation_log feed_chunked(const std::string& in, std::mt19937_64& rng, const std::string& initial_id) {
  std::vector<std::size_t> splits;
  for (std::size_t off = std::uniform_int_distribution<std::size_t>(0, 6)(rng); off < in.size();
       off += std::uniform_int_distribution<std::size_t>(0, 6)(rng))
    splits.push_back(off);
  return sse::testing::parse_chunks(in, splits, initial_id);
}

std::string show(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '\\')
      out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

TEST(Property, StreamingParserAgreesWithTheNaiveModel) {
  for (std::uint64_t seed = 1; seed <= 30000; ++seed) {
    std::mt19937_64 rng(seed);
    const std::string in = random_stream(rng);
    const std::string initial_id = seed % 7 == 0 ? "prev" : "";
    const auto want = naive::observe(in, initial_id);
    ASSERT_EQ(feed_chunked(in, rng, initial_id), want) << "seed " << seed << " input \"" << show(in) << '"';
    ASSERT_EQ(sse::observe(in, initial_id), want) << "seed " << seed << " (whole) input \"" << show(in) << '"';
  }
}

}  // namespace
