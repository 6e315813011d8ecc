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
  /// The default capabilities with one flag changed: what a wrapper declares instead of all.
  static sc::capabilities default_caps_with(bool sc::capabilities::*flag, bool value) {
    sc::capabilities c;
    c.*flag = value;
    return c;
  }

  std::unique_ptr<sc::implementation> inner_ = sc::make_reference_implementation();
};

/// A wrapper that changes each observation the reference reports, as it reports it.
class rewriting_wrapper : public wrapper {
public:
  sse::observation_log feed(std::string_view chunk) override {
    auto out = inner_->feed(chunk);
    for (auto& o : out) rewrite(o);
    return out;
  }

protected:
  virtual void rewrite(sse::observation& o) = 0;
};

/// A wrapper that holds observations back and reports them, with the rest, at the end.
class holding_wrapper : public wrapper {
public:
  sse::observation_log finish() override {
    auto out = std::exchange(held_, {});
    for (auto& o : inner_->finish()) out.push_back(std::move(o));
    return out;
  }

protected:
  sse::observation_log held_;
};

/// Reports what a chunk completes only when the next chunk (or the end) arrives.
class holds_until_next_chunk final : public holding_wrapper {
public:
  sse::observation_log feed(std::string_view chunk) override { return std::exchange(held_, inner_->feed(chunk)); }
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
  // Wrong content is shown as the final logs' diff, not as a latency problem of the chunk it
  // showed in.
  const auto r = sc::run_case(buggy, c, {"crlf@8", {8}}, due);
  EXPECT_EQ(r.diff,
            "the final log differs from the expected one (- expected, + observed):\n"
            "- event type=\"message\" data=\"a\\nb\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"a\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"b\" last_event_id=\"\"\n"
            "  end last_event_id=\"\"\n");
}

TEST(RunCase, WrongContentInOneChunkIsNotCalledLatency) {
  const auto c = make_case("data: a\n\n", {observation::event("message", "a", ""), observation::end("")});
  class renames final : public rewriting_wrapper {
    void rewrite(sse::observation& o) override { o.type = "renamed"; }
  } wrong;
  const auto r = sc::run_case(wrong, c, {"whole", {}}, sc::due_counts(c));
  EXPECT_EQ(r.outcome, sc::outcome::fail);
  EXPECT_EQ(r.diff.rfind("the final log differs", 0), 0u) << r.diff;
  EXPECT_EQ(r.diff.find("latency"), std::string::npos) << r.diff;
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
  // A spurious observation is a wrong log, not one "reported before the bytes that complete it".
  const auto r = sc::run_case(early, two_events, {"whole", {}}, {});
  EXPECT_EQ(r.outcome, sc::outcome::fail);
  EXPECT_NE(r.diff.find("+ end last_event_id=\"\""), std::string::npos) << r.diff;
  EXPECT_EQ(r.diff.find("reported before"), std::string::npos) << r.diff;
}

TEST(RunCase, EarlyDispatchWithTheRightLogIsReportedBefore) {
  // Reports the event of "data: a\n\n" as soon as "data: a\n" has arrived, and nothing more later.
  class eager final : public wrapper {
  public:
    void begin(std::string_view id) override {
      sent_ = false;
      wrapper::begin(id);
    }
    sse::observation_log feed(std::string_view chunk) override {
      (void)inner_->feed(chunk);
      if (sent_) return {};
      sent_ = true;
      return {observation::event("message", "a", "")};
    }

  private:
    bool sent_ = false;
  } early;
  const auto c = make_case("data: a\n\n", {observation::event("message", "a", ""), observation::end("")});
  const auto r = sc::run_case(early, c, {"split@1", {1}}, sc::due_counts(c));
  EXPECT_EQ(r.diff,
            "latency: after chunk 1 of 2 (bytes 0..0; 1 of 9 bytes delivered) expected 0 observations, got 1; "
            "reported before the bytes that complete it arrived:\n"
            "  event type=\"message\" data=\"a\" last_event_id=\"\"");
}

TEST(RunCase, CapabilitiesProjectAndSkip) {
  const auto c = make_case(":hi\nretry: 5\nid: 1\n\ndata: a\n\n",
                           {observation::comment("hi"), observation::retry(5), observation::id_commit("1"),
                            observation::event("message", "a", "1"), observation::end("1")});
  browser_like browser;
  const auto r = sc::run_case(browser, c, sc::make_chunkings(c, {}).at(1), {});
  EXPECT_EQ(r.outcome, sc::outcome::pass) << r.diff;
  EXPECT_EQ(r.observed, (sse::observation_log{observation::event("message", "a", "1"), observation::end("1")}));
  // A retry case is still checked on what the implementation reports, and says what it left out.
  auto retry_case = c;
  retry_case.rules = {"R22"};
  const auto partial = sc::run_case(browser, retry_case, {"whole", {}}, {});
  EXPECT_EQ(partial.outcome, sc::outcome::pass) << partial.diff;
  EXPECT_NE(partial.detail.find("not checked: retry observations (R22)"), std::string::npos) << partial.detail;
  // SKIP only when nothing it expects is observable.
  const auto retry_only = make_case("retry: 5\n", {observation::retry(5), observation::end("")}, {"R22"});
  class no_end final : public wrapper {
  public:
    [[nodiscard]] sc::capabilities caps() const override { return default_caps_with(&sc::capabilities::end, false); }
  } events_only;
  const auto skipped = sc::run_case(events_only, retry_only, {"whole", {}}, {});
  EXPECT_EQ(skipped.outcome, sc::outcome::skip);
  EXPECT_NE(skipped.detail.find("R22, which only retry observations show"), std::string::npos) << skipped.detail;
}

/// Writes the retry value into the last event ID (gin-contrib/sse's bug) and cannot report retry.
class retry_into_id final : public rewriting_wrapper {
public:
  [[nodiscard]] sc::capabilities caps() const override { return {}; }

private:
  void rewrite(sse::observation& o) override {
    if (o.kind == sse::observation_kind::event) o.last_event_id = "5";
  }
};

TEST(RunCase, ARetryBugShowsWithoutTheRetryCapability) {
  const auto c =
      make_case("retry: 5\ndata: a\n\n",
                {observation::retry(5), observation::event("message", "a", ""), observation::end("")}, {"R22"});
  retry_into_id buggy;
  const auto r = sc::run_case(buggy, c, {"whole", {}}, sc::due_counts(c));
  EXPECT_EQ(r.outcome, sc::outcome::fail) << r.detail;
  EXPECT_NE(r.diff.find("+ event type=\"message\" data=\"a\" last_event_id=\"5\""), std::string::npos) << r.diff;
}

TEST(RunCase, LimitsDeclaredByTheImplementation) {
  const auto c = make_case("id: 7\ndata: a\n\n", {observation::id_commit("7"), observation::event("message", "a", "7"),
                                                  observation::end("7")});
  // Events without ids: compared on type and data.
  class no_ids final : public rewriting_wrapper {
  public:
    [[nodiscard]] sc::capabilities caps() const override {
      return default_caps_with(&sc::capabilities::event_ids, false);
    }

  private:
    void rewrite(sse::observation& o) override { o.last_event_id = "whatever"; }
  } without_ids;
  const auto r = sc::run_case(without_ids, c, {"whole", {}}, sc::due_counts(c));
  EXPECT_EQ(r.outcome, sc::outcome::pass) << r.diff;
  EXPECT_NE(r.detail.find("events' last event IDs"), std::string::npos) << r.detail;

  // Cannot start from a last event ID: on a case with one, ids and end are not compared.
  auto resumed = make_case("data: a\n\n", {observation::event("message", "a", "x"), observation::end("x")});
  resumed.initial_last_event_id = "x";
  class fresh_start final : public wrapper {
  public:
    void begin(std::string_view) override { inner_->begin(""); }
    [[nodiscard]] sc::capabilities caps() const override {
      return default_caps_with(&sc::capabilities::initial_last_event_id, false);
    }
  } fresh;
  const auto f = sc::run_case(fresh, resumed, {"whole", {}}, sc::due_counts(resumed));
  EXPECT_EQ(f.outcome, sc::outcome::pass) << f.diff;
  EXPECT_NE(f.detail.find("initial last event ID"), std::string::npos) << f.detail;
  // ... and a wrong type is still a failure.
  auto typed = resumed;
  typed.expected.front().type = "other";
  EXPECT_EQ(sc::run_case(fresh, typed, {"whole", {}}, sc::due_counts(typed)).outcome, sc::outcome::fail);

  // Final log only: everything at end of body passes on its content.
  class at_end final : public holding_wrapper {
  public:
    [[nodiscard]] sc::capabilities caps() const override {
      return default_caps_with(&sc::capabilities::final_log, true);
    }
    sse::observation_log feed(std::string_view chunk) override {
      for (auto& o : inner_->feed(chunk)) held_.push_back(std::move(o));
      return {};
    }
  } whole_body;
  EXPECT_EQ(sc::run_case(whole_body, c, {"bytewise", {}}, sc::due_counts(c)).outcome, sc::outcome::pass);
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
