// The browser observation model and the page server, without a browser: the judge on hand-made
// observations, and the server's HTTP protocol (priming, exact bytes, 204, verdicts) over real HTTP.
#include "browser_observation.hpp"
#include "http_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

namespace {

namespace conf = sse::conformance;
using namespace sse::runner;
using sse::observation;
using sse::observation_log;

constexpr const char* corpus_text = R"({
  "format_version": 1, "area": "browser-test", "title": "cases for the browser tests",
  "cases": [
    {"id": "browser-test/two-chunks", "description": "d", "rules": ["R8", "R9"], "class": "spec",
     "chunks": ["data: a\r", "\ndata: b\r\n\r\n"],
     "expected": [{"kind": "event", "type": "message", "data": "a\nb", "last_event_id": ""},
                  {"kind": "end", "last_event_id": ""}]},
    {"id": "browser-test/retry", "description": "d", "rules": ["R22"], "class": "spec",
     "input": "retry: 3000\nid: 7\ndata: x\n\n",
     "expected": [{"kind": "retry", "ms": 3000},
                  {"kind": "last_event_id", "value": "7"},
                  {"kind": "event", "type": "message", "data": "x", "last_event_id": "7"},
                  {"kind": "end", "last_event_id": "7"}]},
    {"id": "browser-test/huge-retry", "description": "d", "rules": ["R22"], "class": "spec",
     "input": "retry: 9007199254740991\n",
     "expected": [{"kind": "retry", "ms": 9007199254740991}, {"kind": "end", "last_event_id": ""}]},
    {"id": "browser-test/spaced-id", "description": "d", "rules": ["R20"], "class": "spec",
     "input": "id:  a\ndata: x\n\n",
     "expected": [{"kind": "last_event_id", "value": " a"},
                  {"kind": "event", "type": "message", "data": "x", "last_event_id": " a"},
                  {"kind": "end", "last_event_id": " a"}]},
    {"id": "browser-test/initial-id", "description": "d", "rules": ["R27"], "class": "spec",
     "initial_last_event_id": "5", "input": "data: x\n\n",
     "expected": [{"kind": "event", "type": "message", "data": "x", "last_event_id": "5"},
                  {"kind": "end", "last_event_id": "5"}]}
  ]
})";

const conf::corpus& test_corpus() {
  static const conf::corpus corpus = [] {
    auto loaded = conf::load_corpus_text(corpus_text, "browser-test.json");
    if (!loaded.ok()) {
      for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.to_string();
    }
    return loaded.loaded;
  }();
  return corpus;
}

const conf::test_case& get(const std::string& id) {
  for (const auto& c : test_corpus().cases)
    if (c.id == id) return c;
  throw std::runtime_error("no case " + id);
}

browser_observation seen_with(observation_log events, bool reconnected, std::string header, double delay_ms) {
  browser_observation seen;
  seen.events = std::move(events);
  seen.stream_served = true;
  seen.reconnect.seen = reconnected;
  seen.reconnect.header_present = !header.empty();
  seen.reconnect.last_event_id = std::move(header);
  seen.reconnect.delay_ms = delay_ms;
  return seen;
}

// ---- the judge ------------------------------------------------------------------------------------

TEST(BrowserJudge, EventsAndEndAreCompared) {
  const auto& c = get("browser-test/two-chunks");
  const auto chromium = profile_for(browser_engine::chromium);
  auto v = judge_browser_case(c, seen_with({observation::event("message", "a\nb", "")}, true, "", 3), chromium);
  EXPECT_EQ(v.result.outcome, conf::outcome::pass) << v.result.diff;
  v = judge_browser_case(
      c, seen_with({observation::event("message", "a", ""), observation::event("message", "b", "")}, true, "", 3),
      chromium);
  EXPECT_EQ(v.result.outcome, conf::outcome::fail);
  EXPECT_NE(v.result.diff.find("- event type=\"message\" data=\"a\\nb\""), std::string::npos) << v.result.diff;
}

TEST(BrowserJudge, MissingReconnectionIsAMissingEnd) {
  const auto& c = get("browser-test/two-chunks");
  auto v = judge_browser_case(c, seen_with({observation::event("message", "a\nb", "")}, false, "", 0),
                              profile_for(browser_engine::chromium));
  EXPECT_EQ(v.result.outcome, conf::outcome::fail);
  EXPECT_NE(v.result.diff.find("- end"), std::string::npos) << v.result.diff;
  EXPECT_NE(v.result.diff.find("no reconnection"), std::string::npos) << v.result.diff;
}

TEST(BrowserJudge, ReconnectionTimeWithinTolerance) {
  const auto& c = get("browser-test/retry");
  const auto chromium = profile_for(browser_engine::chromium);
  const observation_log events{observation::event("message", "x", "7")};
  EXPECT_EQ(judge_browser_case(c, seen_with(events, true, "7", 3020), chromium).result.outcome, conf::outcome::pass);
  auto early = judge_browser_case(c, seen_with(events, true, "7", 5), chromium);
  EXPECT_EQ(early.result.outcome, conf::outcome::fail);
  EXPECT_NE(early.result.diff.find("too early"), std::string::npos) << early.result.diff;
  auto late = judge_browser_case(c, seen_with(events, true, "7", 9000), chromium);
  EXPECT_EQ(late.result.outcome, conf::outcome::fail);
  EXPECT_NE(late.result.diff.find("too late"), std::string::npos) << late.result.diff;
}

TEST(BrowserJudge, FirefoxFloorIsNotADivergence) {
  const auto& c = get("browser-test/two-chunks");  // does not set retry: the delay is not checked
  EXPECT_EQ(expect_reconnect(c, profile_for(browser_engine::firefox)).retry_checked, false);
  const auto rx = expect_reconnect(get("browser-test/retry"), profile_for(browser_engine::firefox));
  EXPECT_EQ(rx.expected_ms, 3000u);
  EXPECT_EQ(rx.effective_ms, 3000u);
  const auto rx1 = expect_reconnect(get("browser-test/initial-id"), profile_for(browser_engine::firefox));
  EXPECT_EQ(rx1.expected_ms, priming_retry_ms);
  EXPECT_EQ(rx1.effective_ms, 500u);
}

TEST(BrowserJudge, EndUnobservablePastTheWait) {
  const auto& c = get("browser-test/huge-retry");
  const auto rx = expect_reconnect(c, profile_for(browser_engine::chromium));
  EXPECT_FALSE(rx.end_observable);
  EXPECT_EQ(rx.wait_ms, reconnect_wait_cap_ms);
  auto v = judge_browser_case(c, seen_with({}, false, "", 0), profile_for(browser_engine::chromium));
  EXPECT_EQ(v.result.outcome, conf::outcome::pass) << v.result.diff;
  EXPECT_NE(v.result.detail.find("not observable"), std::string::npos) << v.result.detail;
  // A browser that ignores the value reconnects at once: too early.
  v = judge_browser_case(c, seen_with({}, true, "", 4), profile_for(browser_engine::chromium));
  EXPECT_EQ(v.result.outcome, conf::outcome::fail);
}

TEST(BrowserJudge, HeaderCarriesNoSurroundingWhitespace) {
  EXPECT_EQ(header_value_form(" \ta b\t "), "a b");
  const auto& c = get("browser-test/spaced-id");
  auto v = judge_browser_case(c, seen_with({observation::event("message", "x", " a")}, true, "a", 3),
                              profile_for(browser_engine::chromium));
  EXPECT_EQ(v.result.outcome, conf::outcome::pass) << v.result.diff;
  EXPECT_NE(v.result.detail.find("HTTP strips"), std::string::npos) << v.result.detail;
}

TEST(BrowserJudge, StreamNeverRequestedFails) {
  browser_observation seen;
  auto v = judge_browser_case(get("browser-test/two-chunks"), seen, profile_for(browser_engine::webkit));
  EXPECT_EQ(v.result.outcome, conf::outcome::fail);
  EXPECT_NE(v.result.diff.find("never requested"), std::string::npos) << v.result.diff;
}

TEST(BrowserJudge, PrimingBody) {
  EXPECT_EQ(priming_body(""), "retry: 1\n\n");
  EXPECT_EQ(priming_body("5"), "retry: 1\nid: 5\nevent: sse-conformance-priming\ndata: priming\n\n");
  // The reference agrees that the priming commits the id and sets the reconnection time.
  const auto log = sse::observe(priming_body("5"));
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back(), observation::end("5"));
}

// ---- the server, over real HTTP ---------------------------------------------------------------------

class PageServer : public ::testing::Test {
protected:
  void SetUp() override {
    page_server_options options = default_page_server_options();
    options.port = 0;
    options.chunk_delay_ms = 1;
    server_ = std::make_unique<page_server>(test_corpus(), options);
    port_ = server_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }
  void TearDown() override { server_->stop(); }

  /// Posts the page's result for one case (one event observed), as the page does; returns the
  /// server's judgement.
  nlohmann::json post_result(const std::string& run, const std::string& case_id, const std::string& engine,
                             const std::string& data, const std::string& last_event_id) {
    const nlohmann::json result = {
        {"run", run},
        {"case", case_id},
        {"engine", engine},
        {"events", {{{"kind", "event"}, {"type", "message"}, {"data", data}, {"last_event_id", last_event_id}}}}};
    auto posted = client_->Post("/api/result", result.dump(), "application/json");
    if (!posted) {
      ADD_FAILURE() << "POST /api/result failed";
      return {};
    }
    return nlohmann::json::parse(posted->body, nullptr, false);
  }

  std::unique_ptr<page_server> server_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(PageServer, ServesPrimingThenExactBytesThen204) {
  const std::string url = "/stream?run=t&case=browser-test/two-chunks";
  auto priming = client_->Get(url);
  ASSERT_TRUE(priming);
  EXPECT_EQ(priming->status, 200);
  EXPECT_EQ(priming->body, "retry: 1\n\n");
  EXPECT_EQ(priming->get_header_value("Content-Type"), "text/event-stream");

  std::vector<std::string> chunks;
  auto stream = client_->Get(url, [&](const char* data, std::size_t n) {
    chunks.emplace_back(data, n);
    return true;
  });
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->status, 200);
  EXPECT_EQ(stream->get_header_value("Content-Type"), "text/event-stream");
  EXPECT_EQ(stream->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(stream->get_header_value("Transfer-Encoding"), "chunked");
  std::string body;
  for (const auto& c : chunks) body += c;
  EXPECT_EQ(body, get("browser-test/two-chunks").bytes);

  auto reconnect = client_->Get(url, {{"Last-Event-ID", "xyz"}});
  ASSERT_TRUE(reconnect);
  EXPECT_EQ(reconnect->status, 204);

  // The page's events plus the recorded reconnection make the observed log.
  const auto verdict = post_result("t", "browser-test/two-chunks", "chromium", "a\nb", "");
  EXPECT_EQ(verdict["outcome"], "FAIL");        // the header said "xyz", the case ends with ""
  EXPECT_EQ(verdict["status"], "new-failure");  // the server says how it counts: the page derives nothing
  EXPECT_EQ(verdict["late"], false);
  EXPECT_NE(verdict["diff"].get<std::string>().find("+ end last_event_id=\"xyz\""), std::string::npos);
  EXPECT_EQ(verdict["reconnect"]["last_event_id"], "xyz");
}

TEST_F(PageServer, PassingRunIsReportedToTheWaiter) {
  const std::string url = "/stream?run=r2&case=browser-test/initial-id";
  auto priming = client_->Get(url);
  ASSERT_TRUE(priming);
  EXPECT_NE(priming->body.find("id: 5\n"), std::string::npos);
  ASSERT_TRUE(client_->Get(url, {{"Last-Event-ID", "5"}}));
  ASSERT_TRUE(client_->Get(url, {{"Last-Event-ID", "5"}}));
  const auto verdict = post_result("r2", "browser-test/initial-id", "firefox", "x", "5");
  EXPECT_EQ(verdict["outcome"], "PASS") << verdict.dump();
  EXPECT_EQ(verdict["status"], "ok") << verdict.dump();
  ASSERT_TRUE(client_->Post("/api/done", R"({"run":"r2","engine":"firefox","user_agent":"test","elapsed_ms":12})",
                            "application/json"));
  const auto run = server_->wait_for_run("r2", std::chrono::seconds(5));
  EXPECT_TRUE(run.done);
  ASSERT_EQ(run.results.count("browser-test/initial-id"), 1u);
  EXPECT_EQ(run.results.at("browser-test/initial-id").judgement.result.outcome, conf::outcome::pass);
}

TEST_F(PageServer, CaseListAndPlayground) {
  auto cases = client_->Get("/api/cases?engine=firefox");
  ASSERT_TRUE(cases);
  const auto j = nlohmann::json::parse(cases->body);
  EXPECT_EQ(j["engine"], "firefox");
  EXPECT_EQ(j["reconnect_floor_ms"], 500);
  ASSERT_EQ(j["cases"].size(), test_corpus().cases.size());
  EXPECT_EQ(j["cases"][0]["hex"], "646174613a20610d0a646174613a20620d0a0d0a");
  EXPECT_EQ(j["cases"][0]["splits"], nlohmann::json::array({8}));

  auto play =
      client_->Post("/api/playground?initial_last_event_id=q", std::string("data: z\n\n"), "application/octet-stream");
  ASSERT_TRUE(play);
  const auto p = nlohmann::json::parse(play->body);
  ASSERT_TRUE(p.contains("token"));
  EXPECT_EQ(p["reference"][0]["data"], "z");
  EXPECT_EQ(p["reference"][0]["last_event_id"], "q");
  const std::string url = "/stream?play=" + p["token"].get<std::string>();
  ASSERT_TRUE(client_->Get(url));
  auto body = client_->Get(url);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->body, "data: z\n\n");
}

TEST_F(PageServer, PlaygroundStreamIsSentInTheGivenChunksAndSaysWhichChunkCompletedEachObservation) {
  auto play =
      client_->Post("/api/playground?splits=8,14", std::string("data: a\r\rdata: b\n\n"), "application/octet-stream");
  ASSERT_TRUE(play);
  ASSERT_EQ(play->status, 200) << play->body;
  const auto p = nlohmann::json::parse(play->body);
  ASSERT_EQ(p["reference"].size(), 3u);  // event a, event b, end
  // The second CR (the first byte of chunk 1) ends the blank line, so chunk 1 completes event a.
  EXPECT_EQ(p["chunk_of"], nlohmann::json::array({1, 2, 2}));
  const std::string url = "/stream?play=" + p["token"].get<std::string>();
  ASSERT_TRUE(client_->Get(url));  // the priming response
  std::vector<std::string> chunks;
  auto body = client_->Get(url + "&delay=5", [&](const char* data, std::size_t n) {
    chunks.emplace_back(data, n);
    return true;
  });
  ASSERT_TRUE(body);
  EXPECT_EQ(chunks, (std::vector<std::string>{"data: a\r", "\rdata:", " b\n\n"}));
}

TEST_F(PageServer, CasesCarryTheirFixtureObjectAndTheRuleTexts) {
  auto r = client_->Get("/api/cases");
  ASSERT_TRUE(r);
  const auto j = nlohmann::json::parse(r->body);
  ASSERT_TRUE(j["rules"].contains("R1"));
  EXPECT_FALSE(j["rules"]["R1"]["summary"].get<std::string>().empty());
  EXPECT_NE(j["rules"]["R1"]["link"].get<std::string>().find("html.spec.whatwg.org"), std::string::npos);
  // The test corpus is given as text, so its cases have no file to copy from.
  EXPECT_TRUE(j["cases"][0]["fixture"].is_null());
}

TEST_F(PageServer, UnknownCaseIs404) {
  auto r = client_->Get("/stream?run=t&case=no/such-case");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

}  // namespace
