#include <sse/event_interpreter.hpp>
#include <sse/observation.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using sse::observation;
using log_t = sse::observation_log;

log_t interpret(const std::vector<std::string>& lines, sse::parser_options options = {}) {
  sse::observation_recorder r;
  options.report_comments = true;
  sse::event_interpreter in(r, options);
  for (const auto& l : lines) in.process_line(l);
  in.finish();
  return r.log;
}

TEST(EventInterpreter, DataLinesJoinWithLfAndOneTrailingLfIsRemoved) {
  EXPECT_EQ(interpret({"data: a", "data:b", "data", ""}),
            (log_t{observation::event("message", "a\nb\n", ""), observation::end("")}));
}

TEST(EventInterpreter, ExactlyOneLeadingSpaceIsRemoved) {
  EXPECT_EQ(interpret({"data:  2", ""}), (log_t{observation::event("message", " 2", ""), observation::end("")}));
  EXPECT_EQ(interpret({"data:\tx ", ""}), (log_t{observation::event("message", "\tx ", ""), observation::end("")}));
}

TEST(EventInterpreter, EmptyDataFieldStillDispatches) {
  EXPECT_EQ(interpret({"data:", ""}), (log_t{observation::event("message", "", ""), observation::end("")}));
}

TEST(EventInterpreter, BlockWithoutDataFiresNothingAndClearsType) {
  EXPECT_EQ(interpret({"event: x", "", "data: y", ""}),
            (log_t{observation::event("message", "y", ""), observation::end("")}));
}

TEST(EventInterpreter, IdOnlyBlockCommitsTheId) {
  EXPECT_EQ(interpret({"id: 7", "", "data: y", ""}),
            (log_t{observation::id_commit("7"), observation::event("message", "y", "7"), observation::end("7")}));
}

TEST(EventInterpreter, IdWithNulIsIgnoredWhole) {
  EXPECT_EQ(interpret({"id: 1", "data: a", "", std::string("id: 2\0x", 7), "data: b", ""}),
            (log_t{observation::id_commit("1"), observation::event("message", "a", "1"),
                   observation::event("message", "b", "1"), observation::end("1")}));
}

TEST(EventInterpreter, EmptyIdResetsTheId) {
  EXPECT_EQ(interpret({"id: 1", "", "id", ""}),
            (log_t{observation::id_commit("1"), observation::id_commit(""), observation::end("")}));
}

TEST(EventInterpreter, RetryDigitsOnlyAppliedAtOnce) {
  EXPECT_EQ(interpret({"retry: 03000", "retry: 1000x", "retry: -1", "retry:  5", "retry", "retry:", "retry: "}),
            (log_t{observation::retry(3000), observation::end("")}));
}

TEST(EventInterpreter, HugeRetryIsClampedAndLeadingZerosDoNotOverflow) {
  EXPECT_EQ(interpret({"retry: 99999999999999999999999999", "retry: 0000000000000000000000000000042"}),
            (log_t{observation::retry(sse::max_reconnection_time_ms), observation::retry(42), observation::end("")}));
}

TEST(EventInterpreter, FieldNamesAreCaseSensitiveAndLiteral) {
  EXPECT_EQ(interpret({"Data: a", " data: b", "data\xEF\xBB\xBF: c", "dat: d", "datas: e", ""}),
            (log_t{observation::end("")}));
}

TEST(EventInterpreter, LaterColonsBelongToTheValue) {
  EXPECT_EQ(interpret({"data: a:b: c", ""}),
            (log_t{observation::event("message", "a:b: c", ""), observation::end("")}));
}

TEST(EventInterpreter, CommentsAreIgnoredButReported) {
  EXPECT_EQ(interpret({":data: x", ": hi", ""}),
            (log_t{observation::comment("data: x"), observation::comment(" hi"), observation::end("")}));
}

TEST(EventInterpreter, PendingBlockIsDiscardedAtEndOfStream) {
  EXPECT_EQ(interpret({"data: a", "", "id: 9", "data: b"}),
            (log_t{observation::event("message", "a", ""), observation::end("")}));
}

TEST(EventInterpreter, FragmentsOfOneLineAreOneLine) {
  sse::observation_recorder r;
  sse::event_interpreter in(r, {});
  for (std::string_view f : {"d", "a", "t", "a", ":", " ", "x", "y"}) in.on_fragment(f);
  in.on_line_end();
  for (std::string_view f : {"i", "d:", " 4"}) in.on_fragment(f);
  in.on_line_end();
  in.on_line_end();
  in.finish();
  EXPECT_EQ(r.log,
            (log_t{observation::id_commit("4"), observation::event("message", "xy", "4"), observation::end("4")}));
}

TEST(EventInterpreter, InitialLastEventIdCarriesOver) {
  sse::parser_options o;
  o.initial_last_event_id = "5";
  EXPECT_EQ(interpret({"data: a", "", "id: 6", "data: b"}, o),
            (log_t{observation::event("message", "a", "5"), observation::end("5")}));
}

/// Records the observations and the errors the interpreter reports.
struct error_recorder : sse::observation_recorder {
  std::vector<sse::parse_error> errors;
  void on_error(sse::parse_error e) override { errors.push_back(e); }
};

/// Feeds `lines` to an interpreter with `limits`, recording into `r`; returns its error at the end.
sse::parse_error interpret_limited(error_recorder& r, sse::parser_limits limits,
                                   std::initializer_list<std::string_view> lines) {
  sse::parser_options o;
  o.limits = limits;
  sse::event_interpreter in(r, o);
  for (const auto line : lines) in.process_line(line);
  return in.error();
}

TEST(EventInterpreter, LineLimitIsAnErrorNotATruncation) {
  error_recorder r;
  EXPECT_EQ(interpret_limited(r, {.max_line_bytes = 8}, {"data: ok", "data: too long", ""}),
            sse::parse_error::line_too_long);
  EXPECT_EQ(r.errors, (std::vector<sse::parse_error>{sse::parse_error::line_too_long}));
  EXPECT_TRUE(r.log.empty());  // nothing dispatched after the error
}

TEST(EventInterpreter, EventLimit) {
  error_recorder r;
  // "abc\n" = 4 bytes: fits; "abcd\n" does not.
  EXPECT_EQ(interpret_limited(r, {.max_event_bytes = 4}, {"data: abc", "", "data: abcd"}),
            sse::parse_error::event_too_large);
  EXPECT_EQ(r.errors, (std::vector<sse::parse_error>{sse::parse_error::event_too_large}));
  EXPECT_EQ(r.log, (log_t{observation::event("message", "abc", "")}));
}

}  // namespace
