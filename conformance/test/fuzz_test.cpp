// The fuzz library: generated streams are deterministic and judged by run_case; signatures group
// differences by observation and edit; shrinking keeps the difference and finds a minimal reproducer; reach is traced.
#include <sse/conformance/fuzz.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using namespace sse::conformance;
using sse::observation_log;

TEST(FuzzGenerator, SameSeedAndIndexGiveTheSameStream) {
  for (std::uint64_t i = 0; i < 200; ++i) {
    const fuzz_stream a = generate_stream(7, i);
    const fuzz_stream b = generate_stream(7, i);
    EXPECT_EQ(a.test.bytes, b.test.bytes);
    EXPECT_EQ(a.chunks.splits, b.chunks.splits);
  }
  EXPECT_NE(generate_stream(7, 0).test.bytes + generate_stream(7, 1).test.bytes,
            generate_stream(8, 0).test.bytes + generate_stream(8, 1).test.bytes);
}

TEST(FuzzGenerator, StreamsAreValidCasesThatTheReferencePasses) {
  auto impl = make_reference_implementation();
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const fuzz_stream s = generate_stream(42, i, false);
    ASSERT_TRUE(std::is_sorted(s.chunks.splits.begin(), s.chunks.splits.end()));
    ASSERT_TRUE(s.chunks.splits.empty() || s.chunks.splits.back() <= s.test.bytes.size());
    const case_result r = run_case(*impl, s.test, s.chunks, {});
    ASSERT_EQ(r.outcome, outcome::pass) << escape_bytes(s.test.bytes) << "\n" << r.diff;
  }
}

TEST(FuzzGenerator, ReachesTheRulesThatMatter) {
  std::vector<std::string> reached;
  for (std::uint64_t i = 0; i < 3000; ++i) {
    const fuzz_stream s = generate_stream(3, i, false);
    for (auto& id : rules_reached(s.test.bytes, s.chunks)) reached.push_back(id);
  }
  for (const char* id : {"R2",  "R3",  "R4",  "R5",  "R6",  "R7",  "R9",  "R12", "R14", "R15", "R16",
                         "R21", "R22", "R23", "R24", "R25", "R26", "R28", "R35", "R36", "G4",  "G7"})
    EXPECT_NE(std::find(reached.begin(), reached.end(), id), reached.end()) << id;
}

/// A parser that drops every U+2028 from event data: a wrong log for the signature and shrink tests.
class drops_line_separator final : public implementation {
public:
  void begin(std::string_view id) override { inner_->begin(id); }
  observation_log feed(std::string_view chunk) override { return fix(inner_->feed(chunk)); }
  observation_log finish() override { return fix(inner_->finish()); }
  [[nodiscard]] capabilities caps() const override { return capabilities::all(); }

private:
  static observation_log fix(observation_log log) {
    for (auto& o : log)
      for (std::size_t at; (at = o.data.find("\xE2\x80\xA8")) != std::string::npos;) o.data.erase(at, 3);
    return log;
  }
  std::unique_ptr<implementation> inner_ = make_reference_implementation();
};

TEST(FuzzSignature, NamesTheObservationAndTheEdit) {
  drops_line_separator impl;
  const fuzz_stream s = make_fuzz_stream("data: a\xE2\x80\xA8z\n\n", {});
  const case_result r = run_case(impl, s.test, s.chunks, {});
  ASSERT_EQ(r.outcome, outcome::fail);
  EXPECT_EQ(difference_signature(s.test, r, impl.caps()), "event.data: differs");
  auto reference = make_reference_implementation();
  EXPECT_EQ(difference_signature(s.test, run_case(*reference, s.test, s.chunks, {}), reference->caps()), "");
}

TEST(FuzzShrink, FindsAMinimalReproducerThatStillFails) {
  drops_line_separator impl;
  const fuzz_stream big = make_fuzz_stream(
      "\xEF\xBB\xBF: comment\r\nevent: x\nid: 7\r\ndata: one\n\ndata: two \xE2\x80\xA8 three\r\nretry: 10\n\n",
      {5, 9, 30, 44});
  const std::string wanted = difference_signature(big.test, run_case(impl, big.test, big.chunks, {}), impl.caps());
  ASSERT_FALSE(wanted.empty());
  std::size_t tries = 0;
  const fuzz_stream small = shrink_stream(big, [&](const fuzz_stream& c) {
    ++tries;
    return difference_signature(c.test, run_case(impl, c.test, c.chunks, {}), impl.caps()) == wanted;
  });
  // The signature needs a character after the U+2028 (observed there instead of it), so one stays.
  EXPECT_EQ(small.test.bytes, "data:\xE2\x80\xA8 \n\n") << escape_bytes(small.test.bytes);
  EXPECT_TRUE(small.chunks.splits.empty());
  EXPECT_GT(tries, 0u);
  EXPECT_EQ(difference_signature(small.test, run_case(impl, small.test, small.chunks, {}), impl.caps()), wanted);
}

TEST(FuzzReach, TracesTheReferenceStages) {
  const auto ids = [](std::string bytes, std::vector<std::size_t> splits) {
    const fuzz_stream s = make_fuzz_stream(std::move(bytes), std::move(splits));
    return rules_reached(s.test.bytes, s.chunks);
  };
  const auto has = [](const std::vector<std::string>& v, const char* id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  const auto crlf_split = ids("data: a\r\n\r\n", {8});
  EXPECT_TRUE(has(crlf_split, "R9"));
  EXPECT_TRUE(has(crlf_split, "R19"));
  EXPECT_TRUE(has(crlf_split, "R14"));
  EXPECT_FALSE(has(ids("data: a\r\n\r\n", {}), "R9"));
  EXPECT_TRUE(has(ids("data: a\n\ndata: b\n\n", {9}), "R10"));  // dispatched before the last chunk
  EXPECT_FALSE(has(ids("data: a\n\n", {}), "R10"));
  const auto bom_split =
      ids("\xEF\xBB\xBF"
          "id: 1\n\nretry\n",
          {1});
  EXPECT_TRUE(has(bom_split, "R3"));
  EXPECT_TRUE(has(bom_split, "R5"));
  EXPECT_TRUE(has(bom_split, "R26"));
  EXPECT_TRUE(has(bom_split, "R28"));
  EXPECT_TRUE(has(bom_split, "R24"));
  EXPECT_TRUE(has(bom_split, "G4"));
  EXPECT_TRUE(has(bom_split, "R35"));
  EXPECT_TRUE(has(ids("id: a\0b\n", {}), "R21") == false);  // a C string: the NUL ends it
  EXPECT_TRUE(has(ids(std::string("id: a\0b\n\n", 9), {}), "R21"));
}

std::size_t count_kind(const scenario_log& log, log_kind kind) {
  return static_cast<std::size_t>(
      std::count_if(log.begin(), log.end(), [kind](const log_entry& e) { return e.kind == kind; }));
}

TEST(FuzzScenario, PlaysTheStreamBetweenAPrimingResponseAndTheReconnection) {
  const fuzz_stream stream = make_fuzz_stream("id: 7\nevent: x\ndata: a\n\ndata: b\nretry: 5\n\ndata: c", {3, 3, 20});
  const scenario s = fuzz_scenario(stream, {.chunk_delay_ms = 4});
  ASSERT_EQ(s.exchanges.size(), 3u);
  EXPECT_EQ(s.exchanges[0].response.body.at(0).bytes, "retry: 1\n\n");
  // The empty chunk is dropped; every chunk after the first waits the chunk delay.
  ASSERT_EQ(s.exchanges[1].response.body.size(), 3u);
  EXPECT_EQ(s.exchanges[1].response.body[0].bytes, "id:");
  EXPECT_EQ(s.exchanges[1].response.body[0].delay_ms, 0u);
  EXPECT_EQ(s.exchanges[1].response.body[2].delay_ms, 4u);
  EXPECT_EQ(s.exchanges[2].request.last_event_id, "7");
  EXPECT_EQ(s.exchanges[2].response.status, 204);
  const scenario_result reference = run_scenario(s);
  EXPECT_TRUE(reference.passed) << reference.diff;
  EXPECT_EQ(reference.observed, s.expected);
  // Two messages (the unterminated third is discarded), of types x and message, each with id 7.
  std::vector<std::string> messages;
  for (const auto& e : s.expected)
    if (e.kind == log_kind::message) messages.push_back(e.type + "/" + e.data + "/" + e.last_event_id);
  EXPECT_EQ(messages, (std::vector<std::string>{"x/a/7", "message/b/7"}));
  // The reconnection waits the stream's retry (5 ms), after the primed 1 ms; the last error is CLOSED.
  std::vector<std::optional<std::uint64_t>> delays;
  for (const auto& e : s.expected)
    if (e.kind == log_kind::request) delays.push_back(e.min_delay_ms);
  ASSERT_EQ(delays.size(), 3u);
  EXPECT_EQ(delays[1], 1u);
  EXPECT_EQ(delays[2], 5u);
  EXPECT_EQ(s.expected.back().kind, log_kind::error);
  EXPECT_EQ(s.expected.back().state, sse::ready_state::closed);
}

TEST(FuzzScenario, AStreamEndingInCrKeepsItsBodyOpenAWhile) {
  EXPECT_EQ(fuzz_scenario(make_fuzz_stream("data: a\n\r", {}), {}).exchanges[1].response.end_delay_ms, 300u);
  EXPECT_EQ(fuzz_scenario(make_fuzz_stream("data: a\n\n", {}), {}).exchanges[1].response.end_delay_ms, 0u);
}

TEST(FuzzScenario, ALongRetryIsNotWaitedForThePageClosesInstead) {
  const fuzz_stream stream = make_fuzz_stream("data: a\nretry: 60000\n\n", {});
  const scenario s = fuzz_scenario(stream, {.chunk_delay_ms = 10, .longest_retry_wait_ms = 1000});
  ASSERT_EQ(s.exchanges.size(), 2u);
  EXPECT_EQ(s.exchanges[1].response.end, response_end::hold);
  ASSERT_EQ(s.actions.size(), 1u);
  EXPECT_EQ(s.actions[0].after_observation, 4u);  // open, error, open, message
  EXPECT_TRUE(run_scenario(s).passed);
  EXPECT_EQ(s.expected.back().kind, log_kind::close);
  EXPECT_EQ(count_kind(s.expected, log_kind::message), 1u);
}

TEST(FuzzScenario, EveryGeneratedStreamIsAScenarioTheReferencePasses) {
  for (std::uint64_t i = 0; i < 1500; ++i) {
    const fuzz_stream stream = generate_stream(5, i, false);
    const scenario s = fuzz_scenario(stream, {.chunk_delay_ms = 1});
    const scenario_result r = run_scenario(s);
    ASSERT_TRUE(r.passed) << i << ": " << escape_bytes(stream.test.bytes) << "\n" << r.diff;
    // Every event the parser dispatches with data is a message.
    std::size_t events = 0;
    for (const auto& o : stream.test.expected) events += o.kind == sse::observation_kind::event ? 1 : 0;
    ASSERT_EQ(count_kind(s.expected, log_kind::message), events) << i << ": " << escape_bytes(stream.test.bytes);
  }
}

TEST(FuzzScenario, LogDifferencesAreNamedByKindAndEdit) {
  const scenario s = fuzz_scenario(make_fuzz_stream("data: ab\n\ndata: c\n\n", {}), {});
  scenario_log page;
  for (const auto& e : s.expected)
    if (e.kind != log_kind::request) page.push_back(e);
  EXPECT_EQ(scenario_log_difference(page, page), "");
  scenario_log changed = page;
  const auto first_message =
      std::find_if(changed.begin(), changed.end(), [](const log_entry& e) { return e.kind == log_kind::message; });
  first_message->origin = "http://elsewhere";  // origins are not judged here
  EXPECT_EQ(scenario_log_difference(page, changed), "");
  first_message->data = "a";
  EXPECT_EQ(scenario_log_difference(page, changed), "message.data: cut before ascii");
  changed = page;
  changed.erase(
      std::find_if(changed.begin(), changed.end(), [](const log_entry& e) { return e.kind == log_kind::message; }));
  EXPECT_EQ(scenario_log_difference(page, changed), "missing message");
  changed = page;
  changed.back().state = sse::ready_state::connecting;
  EXPECT_EQ(scenario_log_difference(page, changed), "error.ready_state: 0, expected 2");
}

}  // namespace
