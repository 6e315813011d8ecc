// run_test.cpp: run_case passes the reference and, just as important, FAILS implementations that
// are wrong in the ways real ones are (late dispatch, flushing at EOF, extra observations).
#include <sse/conformance/conformance.hpp>

#include <gtest/gtest.h>

namespace sc = sse::conformance;
using sse::observation;

namespace {

sc::test_case make_case(std::string bytes, sse::observation_log expected, std::vector<std::string> rules = {"R10"}) {
  sc::test_case c;
  c.id = "run/test";
  c.bytes = std::move(bytes);
  c.expected = std::move(expected);
  c.rules = std::move(rules);
  return c;
}

/// Wraps the reference and changes one behaviour.
class wrapper : public sc::implementation {
public:
  void begin(std::string_view id) override { inner_->begin(id); }
  sse::observation_log feed(std::string_view chunk) override { return inner_->feed(chunk); }
  sse::observation_log finish() override { return inner_->finish(); }
  [[nodiscard]] sc::capabilities caps() const override { return inner_->caps(); }

protected:
  std::unique_ptr<sc::implementation> inner_ = sc::make_reference_implementation();
};

/// Reports what a chunk completes only when the next chunk (or the end) arrives.
class holds_until_next_chunk final : public wrapper {
public:
  sse::observation_log feed(std::string_view chunk) override {
    auto now = std::exchange(held_, inner_->feed(chunk));
    return now;
  }
  sse::observation_log finish() override {
    auto out = std::exchange(held_, {});
    for (auto& o : inner_->finish()) out.push_back(std::move(o));
    return out;
  }

private:
  sse::observation_log held_;
};

/// Dispatches an unterminated last block at end of stream (the R35 bug).
class flushes_at_eof final : public wrapper {
public:
  sse::observation_log finish() override {
    auto out = inner_->feed("\n\n");
    for (auto& o : inner_->finish()) out.push_back(std::move(o));
    return out;
  }
};

/// Treats a CR at the end of a chunk as a complete line (and the LF that follows as another).
class cr_ends_chunk_as_line final : public wrapper {
public:
  void begin(std::string_view id) override {
    pending_cr_ = false;
    inner_->begin(id);
  }
  sse::observation_log feed(std::string_view chunk) override {
    std::string rewritten(chunk);
    if (pending_cr_ && !rewritten.empty() && rewritten.front() == '\n') rewritten.front() = '\r';
    pending_cr_ = !rewritten.empty() && rewritten.back() == '\r';
    return inner_->feed(rewritten);
  }

private:
  bool pending_cr_ = false;
};

/// Sees only events and end, like a browser.
class browser_like final : public wrapper {
public:
  [[nodiscard]] sc::capabilities caps() const override { return {}; }
};

const sc::test_case two_events =
    make_case("data: a\n\ndata: b\r\n\r\n",
              {observation::event("message", "a", ""), observation::event("message", "b", ""), observation::end("")});

std::vector<sc::chunking> every_chunking(const sc::test_case& c) { return sc::make_chunkings(c, {}); }

TEST(RunCase, ReferencePassesEveryChunking) {
  const auto reference = sc::make_reference_implementation();
  const auto due = sc::due_counts(two_events);
  for (const auto& ch : every_chunking(two_events)) {
    const auto r = sc::run_case(*reference, two_events, ch, due);
    EXPECT_EQ(r.outcome, sc::outcome::pass) << ch.name << "\n" << r.diff;
    EXPECT_EQ(r.observed, two_events.expected);
  }
}

TEST(RunCase, DueCountsGrowAtTheLastByteOfTheBlankLine) {
  const auto due = sc::due_counts(make_case("data: a\n\nx", {}));
  ASSERT_EQ(due.size(), 11u);
  EXPECT_EQ(due[8], 0u);
  EXPECT_EQ(due[9], 1u);
  EXPECT_EQ(due[10], 1u);
  // A trailing CR must not hold the event back.
  EXPECT_EQ(sc::due_counts(make_case("data: a\r\r", {})).back(), 1u);
}

TEST(RunCase, LateDispatchFailsTheLatencyCheck) {
  holds_until_next_chunk late;
  // The final log is right, so only the latency check can catch it.
  const auto r = sc::run_case(late, two_events, sc::make_chunkings(two_events, {}).at(1), sc::due_counts(two_events));
  EXPECT_EQ(r.outcome, sc::outcome::fail);
  EXPECT_EQ(r.observed, two_events.expected);
  EXPECT_EQ(r.diff,
            "latency: after chunk 9 of 20 (bytes 8..8; 9 of 20 bytes delivered) expected 1 observation, got 0; "
            "still pending although its last byte has arrived:\n"
            "  event type=\"message\" data=\"a\" last_event_id=\"\"");
  // Even whole: the events are due once the body has arrived, before the stream ends.
  EXPECT_EQ(sc::run_case(late, two_events, {"whole", {}}, {}).outcome, sc::outcome::fail);
}

TEST(RunCase, FlushingAtEofFailsTheFinalLog) {
  const auto c =
      make_case("data: a\n\ndata: b", {observation::event("message", "a", ""), observation::end("")}, {"R35"});
  flushes_at_eof flusher;
  const auto r = sc::run_case(flusher, c, {"whole", {}}, sc::due_counts(c));
  EXPECT_EQ(r.outcome, sc::outcome::fail);
  EXPECT_NE(r.diff.find("+ event type=\"message\" data=\"b\" last_event_id=\"\""), std::string::npos) << r.diff;
  EXPECT_EQ(r.diff.find("latency"), std::string::npos) << r.diff;
}

TEST(RunCase, SplitCrlfBugFailsOnlyWhenTheCutFallsBetweenCrAndLf) {
  const auto c = make_case("data: a\r\ndata: b\r\n\r\n",
                           {observation::event("message", "a\nb", ""), observation::end("")}, {"R9"});
  cr_ends_chunk_as_line buggy;
  const auto due = sc::due_counts(c);
  std::vector<std::string> failing;
  for (const auto& ch : sc::make_chunkings(c, {})) {
    if (sc::run_case(buggy, c, ch, due).outcome == sc::outcome::fail) failing.push_back(ch.name);
  }
  EXPECT_NE(std::find(failing.begin(), failing.end(), "split@8"), failing.end());
  EXPECT_EQ(std::find(failing.begin(), failing.end(), "whole"), failing.end());
  const auto r = sc::run_case(buggy, c, {"crlf@8", {8}}, due);
  EXPECT_EQ(r.diff,
            "latency: after chunk 2 of 2 (bytes 8..19; 20 of 20 bytes delivered) expected 1 observation, got 2; "
            "the observations so far differ:\n"
            "- event type=\"message\" data=\"a\\nb\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"a\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"b\" last_event_id=\"\"\n"
            "\nthe final log differs from the expected one (- expected, + observed):\n"
            "- event type=\"message\" data=\"a\\nb\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"a\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"b\" last_event_id=\"\"\n"
            "  end last_event_id=\"\"\n");
}

TEST(RunCase, EarlyEndFails) {
  class ends_in_feed final : public wrapper {
  public:
    sse::observation_log feed(std::string_view chunk) override {
      auto out = inner_->feed(chunk);
      out.push_back(observation::end(""));
      return out;
    }
  } early;
  const auto r = sc::run_case(early, two_events, {"whole", {}}, {});
  EXPECT_EQ(r.outcome, sc::outcome::fail);
  EXPECT_NE(r.diff.find("reported before"), std::string::npos) << r.diff;
}

TEST(RunCase, CapabilitiesProjectAndSkip) {
  const auto c = make_case(":hi\nretry: 5\nid: 1\n\ndata: a\n\n",
                           {observation::comment("hi"), observation::retry(5), observation::id_commit("1"),
                            observation::event("message", "a", "1"), observation::end("1")});
  browser_like browser;
  const auto r = sc::run_case(browser, c, sc::make_chunkings(c, {}).at(1), {});
  EXPECT_EQ(r.outcome, sc::outcome::pass) << r.diff;
  EXPECT_EQ(r.observed, (sse::observation_log{observation::event("message", "a", "1"), observation::end("1")}));
  auto retry_case = c;
  retry_case.rules = {"R22"};
  EXPECT_EQ(sc::run_case(browser, retry_case, {"whole", {}}, {}).outcome, sc::outcome::skip);
}

TEST(RunCase, VerdictNames) {
  EXPECT_EQ(sc::to_string(sc::outcome::pass), "PASS");
  EXPECT_EQ(sc::to_string(sc::outcome::fail), "FAIL");
  EXPECT_EQ(sc::to_string(sc::outcome::skip), "SKIP");
  EXPECT_EQ(sc::to_string(sc::outcome::protocol_error), "PROTOCOL-ERROR");
  for (const auto o : sc::all_outcomes) EXPECT_EQ(sc::outcome_from_string(sc::to_string(o)), o);
  EXPECT_FALSE(sc::outcome_from_string("pass"));
  EXPECT_EQ(sc::to_string(sc::case_class::implementation_defined), "implementation-defined");
}

}  // namespace
