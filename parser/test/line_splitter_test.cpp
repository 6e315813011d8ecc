#include <sse/line_splitter.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

struct collector {
  std::vector<std::string> lines;
  std::string current;
  std::vector<std::size_t> lines_after_chunk;
  void on_fragment(std::string_view f) {
    EXPECT_FALSE(f.empty());
    current.append(f);
  }
  void on_line_end(std::string_view last_fragment) {
    current.append(last_fragment);
    lines.push_back(current);
    current.clear();
  }
  void on_text_end() { ++texts; }
  std::size_t texts = 0;
};

collector split(const std::vector<std::string>& chunks) {
  sse::line_splitter s;
  collector c;
  for (const auto& chunk : chunks) {
    s.split(chunk, c);
    c.lines_after_chunk.push_back(c.lines.size());
  }
  return c;
}

using lines = std::vector<std::string>;

TEST(LineSplitter, AllThreeTerminatorsMixed) {
  EXPECT_EQ(split({"a\r\nb\nc\rd\n"}).lines, (lines{"a", "b", "c", "d"}));
}

TEST(LineSplitter, CrThenLfLaterAreTwoTerminators) {
  EXPECT_EQ(split({"a\rb\n"}).lines, (lines{"a", "b"}));
  EXPECT_EQ(split({"\r\r\n\n"}).lines, (lines{"", "", ""}));
}

TEST(LineSplitter, CrlfSplitAcrossChunksIsOneTerminator) {
  const auto c = split({"a\r", "\nb\r", "\n"});
  EXPECT_EQ(c.lines, (lines{"a", "b"}));
  // The CR ends the line at once: nothing waits for the next chunk.
  EXPECT_EQ(c.lines_after_chunk, (std::vector<std::size_t>{1, 2, 2}));
}

TEST(LineSplitter, EmptyChunkBetweenCrAndLfDoesNotForgetTheCr) {
  EXPECT_EQ(split({"a\r", "", "\n", "b\n"}).lines, (lines{"a", "b"}));
}

TEST(LineSplitter, UnicodeLineSeparatorsAreNotLineEnds) {
  EXPECT_EQ(split({"a\xE2\x80\xA8"
                   "b\xC2\x85"
                   "c\n"})
                .lines,
            (lines{"a\xE2\x80\xA8"
                   "b\xC2\x85"
                   "c"}));
}

TEST(LineSplitter, PartialLineStaysPending) {
  const auto c = split({"abc", "def"});
  EXPECT_TRUE(c.lines.empty());
  EXPECT_EQ(c.current, "abcdef");
}

TEST(LineSplitter, LongLineSpanningChunks) {
  std::string big(100000, 'x');
  const auto c = split({big.substr(0, 33333), big.substr(33333), "\n"});
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0], big);
}

}  // namespace
