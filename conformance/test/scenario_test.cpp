// scenario_test.cpp: the reference connection model (sse::connection) reproduces every connection
// scenario of fixtures/connection, one GoogleTest per scenario; and broken scenario files give
// diagnostics that name the file, the scenario and the key.
#include <sse/conformance/scenario.hpp>

#include "gtest_name.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace sc = sse::conformance;

namespace {

const sc::scenario_load_result& bundled() {
  static const sc::scenario_load_result loaded = sc::load_scenarios({sc::bundled_scenarios_dir()});
  return loaded;
}

std::string all(const sc::scenario_load_result& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += "  " + d.to_string() + "\n";
  return out;
}

TEST(Scenarios, LoadWithoutDiagnostics) {
  const auto& r = bundled();
  EXPECT_TRUE(r.ok()) << r.diagnostics.size() << " problem(s) in " << sc::bundled_scenarios_dir() << ":\n" << all(r);
  EXPECT_GE(r.scenarios.size(), 150u);
}

TEST(Scenarios, EveryRuleAClientCanShowHasThreeScenarios) {
  // R43 and R45-R66, except R47 (the initiator type is visible to neither the page nor the server).
  std::map<std::string, std::size_t> count;
  for (const auto& s : bundled().scenarios) {
    for (const auto& r : s.rules) ++count[r];
  }
  for (int n = 43; n <= 66; ++n) {
    if (n == 44 || n == 47) continue;
    const std::string rule = "R" + std::to_string(n);
    EXPECT_GE(count[rule], 3u) << rule << " is cited by fewer than three scenarios";
  }
}

class Scenario : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Scenario, ReferenceReproducesTheLog) {
  const sc::scenario& s = bundled().scenarios.at(GetParam());
  const sc::scenario_result r = sc::run_scenario(s);
  EXPECT_TRUE(r.passed) << s.id << " (" << s.file << ", " << sc::to_string(s.klass)
                        << (s.gap.empty() ? "" : " " + s.gap) << ")\n  " << s.description << "\n"
                        << r.diff;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Scenario, ::testing::Range<std::size_t>(0, bundled().scenarios.size()),
                         [](const ::testing::TestParamInfo<std::size_t>& p) {
                           return sse::conformance::test::gtest_name(bundled().scenarios.at(p.param).id);
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Scenario);

// ---------------------------------------------------------------------------------------------
// A scenario that cannot fail would prove nothing: a changed expectation must be caught.

const sc::scenario& find(const std::string& id) {
  for (const auto& s : bundled().scenarios) {
    if (s.id == id) return s;
  }
  throw std::runtime_error("no scenario " + id);
}

TEST(ScenarioRun, WrongExpectedEntryFailsWithADiff) {
  sc::scenario s = find("basics/connecting-then-open-then-message");
  s.expected.back().data = "goodbye";
  const auto r = sc::run_scenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.diff.find("~ message type=\"message\" data=\"goodbye\""), std::string::npos) << r.diff;
  EXPECT_NE(r.diff.find("data: expected \"goodbye\", observed \"hello\""), std::string::npos) << r.diff;
}

TEST(ScenarioRun, WrongRequestHeaderIsNamed) {
  sc::scenario s = find("reconnection/last-event-id-sent");
  s.exchanges.at(1).request.last_event_id = "2";
  const auto r = sc::run_scenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.diff.find("request #1 (exchanges[1].request): header Last-Event-ID: expected \"2\", sent \"1\""),
            std::string::npos)
      << r.diff;
}

TEST(ScenarioRun, UnexpectedExtraRequestIsReported) {
  sc::scenario s = find("reconnection/retry-sets-the-wait");
  s.exchanges.pop_back();  // the client will still reconnect
  const auto r = sc::run_scenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.diff.find("request #1"), std::string::npos) << r.diff;
  EXPECT_NE(r.diff.find("has only 1 exchanges"), std::string::npos) << r.diff;
}

TEST(ScenarioRun, OriginsAreSubstituted) {
  sc::scenario_run_options o;
  o.origin = "https://a.test";
  o.other_origin = "https://b.test:8443";
  EXPECT_EQ(sc::substitute_origins("{origin}/x {other_origin}/y {nope}", o),
            "https://a.test/x https://b.test:8443/y {nope}");
  // The run does not depend on the concrete origins.
  EXPECT_TRUE(sc::run_scenario(find("cors/allow-origin-exact"), o).passed);
}

// ---------------------------------------------------------------------------------------------
// Broken files: every diagnostic names file, scenario and key.

std::string file_with(const std::string& scenario_json) {
  return R"({"format_version": 1, "area": "status", "title": "t", "scenarios": [)" + scenario_json + "]}";
}

std::string valid_scenario(const std::string& replace_key = "", const std::string& with = "") {
  std::string s = R"({"id": "status/x", "description": "d", "rules": ["R51"], "class": "spec",
    "client": {"url": "{origin}/s", "with_credentials": false},
    "exchanges": [{"request": {"url": "{origin}/s", "method": "GET", "accept": "text/event-stream",
                               "cache_control": "no-cache", "last_event_id": null},
                   "response": {"status": 404, "headers": [["Content-Type", "text/event-stream"]], "body": [], "end": "close"}}],
    "expected": [{"kind": "construct", "ready_state": 0}, {"kind": "request", "exchange": 0, "min_delay_ms": 0},
                 {"kind": "error", "ready_state": 2}]})";
  if (!replace_key.empty()) {
    const auto at = s.find(replace_key);
    if (at == std::string::npos) throw std::runtime_error("no " + replace_key);
    s.replace(at, replace_key.size(), with);
  }
  return s;
}

void expect_diagnostic(const sc::scenario_load_result& r, const std::string& id, const std::string& key,
                       const std::string& words) {
  bool found = false;
  for (const auto& d : r.diagnostics) {
    found =
        found || (d.file == "t.json" && d.case_id == id && d.key == key && d.message.find(words) != std::string::npos);
  }
  EXPECT_TRUE(found) << "no diagnostic for scenario '" << id << "', key '" << key << "' saying '" << words
                     << "'; got:\n"
                     << all(r);
}

TEST(ScenarioLoader, ValidFileLoadsAndRuns) {
  const auto r = sc::load_scenarios_text(file_with(valid_scenario()), "t.json");
  ASSERT_TRUE(r.ok()) << all(r);
  ASSERT_EQ(r.scenarios.size(), 1u);
  EXPECT_TRUE(sc::run_scenario(r.scenarios[0]).passed) << sc::run_scenario(r.scenarios[0]).diff;
}

/// One edit of the valid scenario, and the diagnostic it must give.
struct broken_scenario {
  const char* what;
  const char* replace;
  const char* with;
  const char* id;
  const char* key;
  const char* words;
};

const broken_scenario broken_scenarios[] = {
    {"bad hex in a header value", "\"text/event-stream\"]]", "[\"text/\", {\"hex\": \"4G\"}]]]", "status/x",
     "exchanges[0].response.headers[0][1][1].hex", "pairs of hex digits"},
    {"unknown response end", "\"end\": \"close\"", "\"end\": \"finish\"", "status/x", "exchanges[0].response.end",
     "\"close\", \"reset\", \"hold\""},
    {"missing last_event_id", "\"cache_control\": \"no-cache\", \"last_event_id\": null",
     "\"cache_control\": \"no-cache\"", "status/x", "exchanges[0].request.last_event_id", "missing required key"},
    {"request entries fewer than exchanges", "{\"kind\": \"request\", \"exchange\": 0, \"min_delay_ms\": 0},", "",
     "status/x", "expected", "0 request entries but the scenario has 1 exchanges"},
    {"readyState out of range", "{\"kind\": \"error\", \"ready_state\": 2}",
     "{\"kind\": \"error\", \"ready_state\": 3}", "status/x", "expected[2].ready_state", "from 0 to 2"},
    {"id outside the file's area", "status/x", "close/x", "close/x", "id",
     "must start with the file's area \"status/\""},
    {"may_not_arrive not a boolean", "\"min_delay_ms\": 0}", "\"min_delay_ms\": 0, \"may_not_arrive\": 1}", "status/x",
     "expected[1].may_not_arrive", "true or false"},
    {"implementation-defined without a gap", "\"class\": \"spec\"", "\"class\": \"implementation-defined\"", "status/x",
     "gap", "names the gap"},
};

TEST(ScenarioLoader, EachBrokenKeyIsNamed) {
  for (const auto& b : broken_scenarios) {
    SCOPED_TRACE(b.what);
    const auto r = sc::load_scenarios_text(file_with(valid_scenario(b.replace, b.with)), "t.json");
    expect_diagnostic(r, b.id, b.key, b.words);
    EXPECT_TRUE(r.scenarios.empty());
  }
}

TEST(ScenarioLoader, OnlyTheLastRequestMayNotArrive) {
  const std::string two_exchanges =
      valid_scenario("\"exchanges\": [{",
                     "\"exchanges\": [{\"request\": {\"url\": \"{origin}/s\", \"method\": \"GET\", "
                     "\"accept\": \"text/event-stream\", \"cache_control\": \"no-cache\", \"last_event_id\": null}, "
                     "\"response\": {\"status\": 204, \"headers\": [], \"body\": [], \"end\": \"close\"}}, {");
  std::string text = two_exchanges;
  text.replace(
      text.find("\"min_delay_ms\": 0}"), 18,
      "\"min_delay_ms\": 0, \"may_not_arrive\": true}, {\"kind\": \"request\", \"exchange\": 1, \"min_delay_ms\": 0}");
  const auto r = sc::load_scenarios_text(file_with(text), "t.json");
  expect_diagnostic(r, "status/x", "expected[1].may_not_arrive", "only the last request");
}

TEST(ScenarioRun, TheReferenceDecidesWhichRequestMayNotArrive) {
  // The 404 arrives before anything aborts the fetch, so the request is certain to reach the server.
  const auto claimed = sc::load_scenarios_text(
      file_with(valid_scenario("\"min_delay_ms\": 0}", "\"min_delay_ms\": 0, \"may_not_arrive\": true}")), "t.json");
  ASSERT_TRUE(claimed.ok()) << all(claimed);
  const auto r = sc::run_scenario(claimed.scenarios[0]);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(
      r.diff.find("~ request exchange=0 min_delay_ms=0 may_not_arrive: may_not_arrive: expected true, observed false"),
      std::string::npos)
      << r.diff;
  // close() right after the constructor aborts the fetch before any response: it may never leave.
  const sc::scenario& before = find("close/before-response");
  const auto& log = sc::run_scenario(before).observed;
  ASSERT_GE(log.size(), 2u);
  EXPECT_TRUE(log[1].may_not_arrive);
}

TEST(ScenarioRun, TheDiffListsEveryDifferingEntry) {
  sc::log_entry construct;
  sc::log_entry open;
  open.kind = sc::log_kind::open;
  open.state = sse::ready_state::open;
  sc::log_entry a;
  a.kind = sc::log_kind::message;
  a.state = sse::ready_state::open;
  a.type = "message";
  a.data = "a";
  a.origin = "{origin}";
  sc::log_entry b = a;
  b.data = "b";
  sc::log_entry error;
  error.kind = sc::log_kind::error;
  sc::log_entry a_url = a;
  a_url.origin = "http://127.0.0.1:1/s";
  sc::log_entry b_url = b;
  b_url.origin = "http://127.0.0.1:1/s";
  const std::string diff = sc::diff_logs({construct, open, a, b, error}, {construct, open, a_url, b_url});
  EXPECT_NE(diff.find("differs in 3 entries"), std::string::npos) << diff;
  EXPECT_NE(diff.find("  ~ message type=\"message\" data=\"a\" last_event_id=\"\" origin=\"{origin}\" ready_state=1: "
                      "origin: expected \"{origin}\", observed \"http://127.0.0.1:1/s\"\n"),
            std::string::npos)
      << diff;
  EXPECT_NE(diff.find("  ~ message type=\"message\" data=\"b\""), std::string::npos) << diff;
  EXPECT_NE(diff.find("  - error ready_state=0\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("    open ready_state=1\n"), std::string::npos) << diff;
}

TEST(ScenarioLoader, DuplicateIdsAcrossScenarios) {
  const auto r = sc::load_scenarios_text(file_with(valid_scenario() + "," + valid_scenario()), "t.json");
  expect_diagnostic(r, "status/x", "id", "duplicate id");
  EXPECT_EQ(r.scenarios.size(), 1u);
}

TEST(ScenarioLoader, DuplicateKeyIsRefused) {
  const auto r = sc::load_scenarios_text(
      file_with(valid_scenario("\"method\": \"GET\"", "\"method\": \"GET\", \"method\": \"POST\"")), "t.json");
  expect_diagnostic(r, "status/x", "exchanges[0].request.method", "appears twice");
  EXPECT_TRUE(r.scenarios.empty());
}

TEST(ScenarioLoader, SyntaxErrorNamesTheFile) {
  const auto r = sc::load_scenarios_text("{\"format_version\": 1,", "t.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics[0].file, "t.json");
  EXPECT_NE(r.diagnostics[0].message.find("invalid JSON"), std::string::npos);
}

}  // namespace
