#include <sse/parser.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using sse::observation;
using log_t = sse::observation_log;

// Feeds chunks and records how many observations each feed() reported.
struct run_result {
  log_t log;
  std::vector<std::size_t> after_chunk;
};

run_result run(const std::vector<std::string>& chunks) {
  sse::observation_recorder r;
  sse::parser_options o;
  o.report_comments = true;
  sse::parser p(r, o);
  run_result out;
  for (const auto& c : chunks) {
    p.feed(c);
    out.after_chunk.push_back(r.log.size());
  }
  p.finish();
  out.log = r.log;
  return out;
}

TEST(Parser, TrailingCrDispatchesInTheSameFeedCall) {
  const auto r = run({"data: a\r\r", "\nx"});
  EXPECT_EQ(r.after_chunk, (std::vector<std::size_t>{1, 1}));
  EXPECT_EQ(r.log, (log_t{observation::event("message", "a", ""), observation::end("")}));
}

TEST(Parser, CrlfSplitAcrossChunksDoesNotDispatchEarly) {
  const auto r = run({"data: a\r", "\ndata: b\r\n\r\n"});
  EXPECT_EQ(r.after_chunk, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(r.log, (log_t{observation::event("message", "a\nb", ""), observation::end("")}));
}

TEST(Parser, SplitBomAfterEmptyChunk) {
  EXPECT_EQ(run({"", "\xEF",
                 "\xBB\xBF"
                 "data: 1\n\n"})
                .log,
            (log_t{observation::event("message", "1", ""), observation::end("")}));
}

TEST(Parser, CodePointSplitAcrossChunksDecodesOnce) {
  EXPECT_EQ(run({"data: \xE2", "\x82", "\xAC\n\n"}).log,
            (log_t{observation::event("message", "\xE2\x82\xAC", ""), observation::end("")}));
}

TEST(Parser, EveryChunkingGivesTheSameLog) {
  const std::string in = "\xEF\xBB\xBF: c\r\nid: 1\rretry: 10\n\ndata: \xF0\x9F\x98\x80\xFF\r\nevent: e\r\n\r\ndata: x";
  const auto whole = sse::observe(in);
  for (std::size_t i = 0; i <= in.size(); ++i) {
    for (std::size_t j = i; j <= in.size(); ++j) {
      EXPECT_EQ(run({in.substr(0, i), in.substr(i, j - i), in.substr(j)}).log, whole) << i << "," << j;
    }
  }
}

TEST(Parser, ResetStartsANewResponseFromTheLastEventId) {
  sse::observation_recorder r;
  sse::parser p(r);
  p.feed("id: 1\ndata: a\n\nretry: 5\nid: 2\ndata: b");
  p.finish();
  EXPECT_EQ(p.last_event_id(), "1");
  EXPECT_EQ(p.reconnection_time(), 5);
  p.reset(p.last_event_id());
  p.feed("data: c\n\n");
  p.finish();
  EXPECT_EQ(r.log, (log_t{observation::id_commit("1"), observation::event("message", "a", "1"), observation::retry(5),
                          observation::end("1"), observation::event("message", "c", "1"), observation::end("1")}));
  EXPECT_EQ(p.reconnection_time(), 5);
}

TEST(Parser, FeedAfterFinishIsIgnored) {
  sse::observation_recorder r;
  sse::parser p(r);
  p.finish();
  p.feed("data: a\n\n");
  EXPECT_EQ(r.log, (log_t{observation::end("")}));
}

TEST(Parser, LimitErrorIsStickyUntilReset) {
  sse::observation_recorder r;
  sse::parser_options o;
  o.limits.max_line_bytes = 4;
  sse::parser p(r, o);
  EXPECT_EQ(p.feed("data: 12345\n\n"), sse::parse_error::line_too_long);
  EXPECT_EQ(p.feed("data: 1\n\n"), sse::parse_error::line_too_long);
  p.reset("");
  EXPECT_EQ(p.feed("da\n"), sse::parse_error::none);
}

TEST(Parser, SixteenMebibyteLineByteByByte) {
  // Linear whatever the chunking: 16 MiB fed one byte per call (the benchmark measures the speed).
  sse::observation_recorder r;
  sse::parser p(r);
  p.feed("data: ");
  const char x = 'x';
  for (std::size_t i = 0; i < (16u << 20); ++i) p.feed(std::string_view(&x, 1));
  p.feed("\n\n");
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].data.size(), 16u << 20);
}

}  // namespace
