// Unit tests of the runner's building blocks: text helpers, baselines, the gate's judgement, and the
// subprocess layer (timeouts, exit statuses, stderr, process groups).
#include "adapter_answer.hpp"
#include "baseline.hpp"
#include "child_process.hpp"
#include "gate.hpp"
#include "text_util.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;
using namespace std::chrono_literals;

TEST(TextUtil, Base64MatchesRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xFF\x00\r", 3)), "/wAN");
}

TEST(TextUtil, XmlEscapeKeepsFilesParseable) {
  EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(xml_escape(std::string("\x01x\x00", 3)), "\\x01x\\x00");
  EXPECT_EQ(xml_escape("\xFF"), "\\xFF");        // invalid UTF-8
  EXPECT_EQ(xml_escape("é\t\n"), "é\t\n");       // valid UTF-8 and allowed controls kept
  EXPECT_EQ(printable_utf8("a\xC3"), "a\\xC3");  // truncated sequence
}

TEST(TextUtil, GlobMatchesWholeIds) {
  EXPECT_TRUE(glob_match("line-endings/*", "line-endings/cr-only"));
  EXPECT_FALSE(glob_match("line-endings/*", "data/line-endings"));
  EXPECT_TRUE(glob_match("*cr*", "line-endings/cr-only"));
}

TEST(Baseline, ParsesIdsChunkingsAndComments) {
  std::string error;
  const auto b = parse_baseline("# comment\n\na/b\nc/d bytewise\r\n  e/f   random#2  \n", "base.txt", &error);
  ASSERT_TRUE(b) << error;
  ASSERT_EQ(b->entries.size(), 3u);
  EXPECT_EQ(b->entries[0].to_string(), "a/b");
  EXPECT_EQ(b->entries[1].chunking, "bytewise");
  EXPECT_EQ(b->entries[2].chunking, "random#2");
  EXPECT_EQ(b->entries[2].line, 5u);
}

TEST(Baseline, RejectsThirdWordsAndDuplicatesNamingTheLine) {
  std::string error;
  EXPECT_FALSE(parse_baseline("a/b whole extra\n", "base.txt", &error));
  EXPECT_NE(error.find("base.txt:1"), std::string::npos) << error;
  EXPECT_FALSE(parse_baseline("a/b\nx/y\na/b\n", "base.txt", &error));
  EXPECT_NE(error.find("base.txt:3"), std::string::npos) << error;
  EXPECT_NE(error.find("line 1"), std::string::npos) << error;
}

TEST(Baseline, IntermittentEntries) {
  std::string error;
  const auto b = parse_baseline("a/b intermittent\nc/d connection intermittent\ne/f\n", "base.txt", &error);
  ASSERT_TRUE(b) << error;
  ASSERT_EQ(b->entries.size(), 3u);
  EXPECT_TRUE(b->entries[0].intermittent);
  EXPECT_EQ(b->entries[0].chunking, "");
  EXPECT_TRUE(b->entries[1].intermittent);
  EXPECT_EQ(b->entries[1].chunking, "connection");
  EXPECT_EQ(b->entries[1].to_string(), "c/d connection intermittent");
  EXPECT_FALSE(b->entries[2].intermittent);
  EXPECT_FALSE(parse_baseline("a/b whole intermittent extra\n", "base.txt", &error));
  EXPECT_FALSE(parse_baseline("a/b whole sometimes\n", "base.txt", &error));
  EXPECT_NE(error.find("'sometimes'"), std::string::npos) << error;
  // Listed once plainly and once as intermittent is listed twice.
  EXPECT_FALSE(parse_baseline("a/b\na/b intermittent\n", "base.txt", &error));
  EXPECT_NE(error.find("base.txt:2"), std::string::npos) << error;
}

conf::test_case make_case(std::string id, conf::case_class klass = conf::case_class::spec) {
  conf::test_case c;
  c.id = std::move(id);
  c.area = "area";
  c.rules = {"R11"};
  c.klass = klass;
  c.bytes = "data: a\n\n";
  c.expected = {observation::event("message", "a", ""), observation::end("")};
  return c;
}

run_record record(const conf::test_case& c, std::string chunking, outcome result) {
  run_record r;
  r.test = &c;
  r.chunking = std::move(chunking);
  r.outcome = result;
  return r;
}

TEST(Gate, NewFailureFailsKnownFailureDoesNot) {
  const auto a = make_case("t/a");
  const auto b = make_case("t/b");
  std::vector<run_record> records{record(a, "whole", outcome::pass), record(b, "whole", outcome::fail)};
  auto g = evaluate_gate(records, nullptr, {"t/a", "t/b"});
  EXPECT_FALSE(g.passed);
  EXPECT_EQ(g.exit_code(), 1);
  EXPECT_EQ(records[1].status, gate_status::new_failure);

  baseline listed{"base", {{"t/b", "", 1}}};
  g = evaluate_gate(records, &listed, {"t/a", "t/b"});
  EXPECT_TRUE(g.passed);
  EXPECT_EQ(g.known_failures, 1u);
  EXPECT_EQ(records[1].status, gate_status::known_failure);
}

TEST(Gate, ListedCaseThatPassesIsStale) {
  const auto a = make_case("t/a");
  std::vector<run_record> records{record(a, "whole", outcome::pass), record(a, "bytewise", outcome::pass)};
  baseline listed{"base", {{"t/a", "", 1}}};
  auto g = evaluate_gate(records, &listed, {"t/a"});
  EXPECT_FALSE(g.passed);
  ASSERT_EQ(g.stale.size(), 1u);
  EXPECT_EQ(g.stale[0].entry.case_id, "t/a");
}

TEST(Gate, AnIntermittentEntryMayPassButMustExist) {
  const auto a = make_case("t/a");
  std::vector<run_record> passes{record(a, "connection", outcome::pass)};
  std::vector<run_record> fails{record(a, "connection", outcome::fail)};
  baseline listed{"base", {{"t/a", "", 1, true}}};
  EXPECT_TRUE(evaluate_gate(passes, &listed, {"t/a"}).passed);
  const auto g = evaluate_gate(fails, &listed, {"t/a"});
  EXPECT_TRUE(g.passed);
  EXPECT_EQ(g.known_failures, 1u);
  baseline gone{"base", {{"t/gone", "", 1, true}}};
  EXPECT_FALSE(evaluate_gate(passes, &gone, {"t/a"}).passed);  // no such case: stale
}

TEST(Gate, ChunkingEntriesAreJudgedPerChunking) {
  const auto a = make_case("t/a");
  std::vector<run_record> records{record(a, "whole", outcome::pass), record(a, "bytewise", outcome::fail)};
  baseline bytewise{"base", {{"t/a", "bytewise", 1}}};
  EXPECT_TRUE(evaluate_gate(records, &bytewise, {"t/a"}).passed);
  baseline whole{"base", {{"t/a", "whole", 1}}};
  const auto g = evaluate_gate(records, &whole, {"t/a"});
  EXPECT_FALSE(g.passed);  // bytewise is a new failure, and the whole entry is stale
  EXPECT_EQ(g.new_failures, 1u);
  EXPECT_EQ(g.stale.size(), 1u);
}

TEST(Gate, UnknownIdsAreStaleFilteredOutIdsAreNotRun) {
  const auto a = make_case("t/a");
  std::vector<run_record> records{record(a, "whole", outcome::pass)};
  baseline listed{"base", {{"t/gone", "", 1}, {"t/filtered", "", 2}, {"t/a", "every-split", 3}}};
  const auto g = evaluate_gate(records, &listed, {"t/a", "t/filtered"});
  ASSERT_EQ(g.stale.size(), 1u);
  EXPECT_EQ(g.stale[0].entry.case_id, "t/gone");
  EXPECT_EQ(g.not_run.size(), 2u);
}

TEST(Gate, ImplementationDefinedDifferencesNeverFailButFaultsDo) {
  const auto i = make_case("t/i", conf::case_class::implementation_defined);
  std::vector<run_record> records{record(i, "whole", outcome::fail)};
  auto g = evaluate_gate(records, nullptr, {"t/i"});
  EXPECT_TRUE(g.passed);
  EXPECT_EQ(records[0].status, gate_status::implementation_defined);
  records = {record(i, "whole", outcome::crash)};
  EXPECT_FALSE(evaluate_gate(records, nullptr, {"t/i"}).passed);
}

TEST(Gate, SkipsNeitherPassNorFail) {
  const auto a = make_case("t/a");
  std::vector<run_record> records{record(a, "whole", outcome::skip)};
  EXPECT_TRUE(evaluate_gate(records, nullptr, {"t/a"}).passed);
  EXPECT_EQ(records[0].status, gate_status::skipped);
}

TEST(Gate, WriteBaselineListsWholeCasesOrChunkings) {
  const auto a = make_case("t/a");
  const auto b = make_case("t/b");
  const auto i = make_case("t/i", conf::case_class::implementation_defined);
  std::vector<run_record> records{record(a, "whole", outcome::fail), record(a, "bytewise", outcome::timeout),
                                  record(b, "whole", outcome::pass), record(b, "bytewise", outcome::fail),
                                  record(i, "whole", outcome::fail)};
  const std::string text = format_baseline(records, implementation_info{"impl", "1", "", {}});
  std::string error;
  const auto parsed = parse_baseline(text, "written", &error);
  ASSERT_TRUE(parsed) << error;
  ASSERT_EQ(parsed->entries.size(), 2u) << text;
  EXPECT_EQ(parsed->entries[0].to_string(), "t/a");
  EXPECT_EQ(parsed->entries[1].to_string(), "t/b bytewise");
  EXPECT_TRUE(evaluate_gate(records, &*parsed, {"t/a", "t/b", "t/i"}).passed);
}

TEST(Gate, ToRecordKeepsTheJudgementAndGateStatusOfIsTheOneRule) {
  auto c = make_case("t/a");
  const auto r = to_record(c, "pinned", 3, {outcome::fail, "- a\n+ b\n", "a note", {observation::end("")}}, 12.5);
  EXPECT_EQ(r.test, &c);
  EXPECT_EQ(r.chunking, "pinned");
  EXPECT_EQ(r.chunks, 3u);
  EXPECT_EQ(r.outcome, outcome::fail);
  EXPECT_EQ(r.diff, "- a\n+ b\n");
  EXPECT_EQ(r.detail, "a note");
  EXPECT_EQ(r.observed, (observation_log{observation::end("")}));
  EXPECT_EQ(r.milliseconds, 12.5);
  EXPECT_EQ(gate_status_of(r, false), gate_status::new_failure);
  EXPECT_EQ(gate_status_of(r, true), gate_status::known_failure);
  auto i = make_case("t/i");
  i.klass = conf::case_class::implementation_defined;
  EXPECT_EQ(gate_status_of(to_record(i, "whole", 1, {outcome::fail, {}, {}, {}}, 0), false),
            gate_status::implementation_defined);
  // A process fault is not a decision about the standard: it counts even on an i-d case.
  EXPECT_EQ(gate_status_of(to_record(i, "whole", 1, {outcome::crash, {}, {}, {}}, 0), false), gate_status::new_failure);
  EXPECT_EQ(gate_status_of(to_record(c, "whole", 1, {outcome::skip, {}, {}, {}}, 0), true), gate_status::skipped);
  EXPECT_EQ(gate_status_of(to_record(c, "whole", 1, {}, 0), true), gate_status::ok);
}

TEST(ChildProcess, ReadsLinesAndReportsExitStatus) {
  child_process p("printf 'one\\ntwo\\n'; echo oops >&2; exit 3", 1024);
  std::string line;
  ASSERT_EQ(p.read_line(line, clock_type::now() + 5s), io_failure::none);
  EXPECT_EQ(line, "one");
  ASSERT_EQ(p.read_line(line, clock_type::now() + 5s), io_failure::none);
  EXPECT_EQ(line, "two");
  EXPECT_EQ(p.read_line(line, clock_type::now() + 5s), io_failure::closed);
  const auto how = p.wait_exit(clock_type::now() + 5s);
  ASSERT_TRUE(how);
  EXPECT_EQ(*how, "exited with status 3");
  EXPECT_EQ(p.stderr_tail(), "oops\n");
}

/// Processes of process group `group` that are not zombies, from /proc.
int live_members(pid_t group) {
  int live = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    if (!in || !std::getline(in, stat)) continue;
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    char state = 0;
    long ppid = 0;
    long pgrp = 0;
    fields >> state >> ppid >> pgrp;
    if (pgrp == group && state != 'Z' && state != 'X') ++live;
  }
  return live;
}

TEST(ChildProcess, TimesOutAndKillsTheWholeGroup) {
  const auto start = clock_type::now();
  child_process p("sleep 30 & sleep 30; echo never", 1024);
  std::string line;
  EXPECT_EQ(p.read_line(line, clock_type::now() + 200ms), io_failure::timed_out);
  const pid_t group = p.pid();
  EXPECT_NE(p.terminate().find("signal 9"), std::string::npos);
  // Nothing of the group survives (the background sleep included).
  // (Killed grandchildren may linger as zombies until init reaps them: they count as gone.)
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = live_members(group) == 0;
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
  EXPECT_LT(clock_type::now() - start, 5s);
}

TEST(ChildProcess, LimitsLineLength) {
  child_process p("yes xxxxxxxx | tr -d '\\n'", 100000);
  std::string line;
  EXPECT_EQ(p.read_line(line, clock_type::now() + 5s), io_failure::line_too_long);
}

TEST(ChildProcess, KeepsOnlyTheStderrTail) {
  child_process p("head -c 100000 /dev/zero | tr '\\0' e >&2; echo done", 1024, 4096);
  std::string line;
  ASSERT_EQ(p.read_line(line, clock_type::now() + 5s), io_failure::none);
  p.wait_exit(clock_type::now() + 5s);
  EXPECT_EQ(p.stderr_tail().size(), 4096u);
}

}  // namespace
}  // namespace sse::runner

namespace sse::runner {
namespace {

TEST(AdapterAnswer, RetryOutsideTheModelIsAWrongLogNotAProtocolError) {
  // A library that neither clamps nor validates reports what it computed: -1, 1e30, Infinity. That
  // is compared as ms = 2^64-1 (no expected log holds it) and noted, so the case FAILs with a diff.
  for (const char* ms : {"-1", "1e30", "\"Infinity\"", "9007199254740992", "1.5"}) {
    const auto answer = parse_observed(std::string(R"({"type":"observed","observations":[{"kind":"retry","ms":)") + ms +
                                           R"(},{"kind":"event","type":"message","data":"a","last_event_id":""}]})",
                                       "a test");
    ASSERT_EQ(answer.log.size(), 2u) << ms;
    EXPECT_EQ(answer.log[0].ms, std::numeric_limits<std::uint64_t>::max()) << ms;
    EXPECT_EQ(answer.log[1], observation::event("message", "a", "")) << ms;
    ASSERT_EQ(answer.notes.size(), 1u) << ms;
    EXPECT_NE(answer.notes[0].find("outside the observation model"), std::string::npos) << answer.notes[0];
  }
  const auto in_model = parse_observed(R"({"type":"observed","observations":[{"kind":"retry","ms":0}]})", "a test");
  EXPECT_EQ(in_model.log, (observation_log{observation::retry(0)}));
  EXPECT_TRUE(in_model.notes.empty());
}

}  // namespace
}  // namespace sse::runner
