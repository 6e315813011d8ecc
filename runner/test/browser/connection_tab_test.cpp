// The Connection tab's endpoints of the page server (GET /api/scenarios, POST and GET
// /api/connection), over real HTTP on 127.0.0.1 and without a browser: hostile and malformed
// requests are a 4xx and never a crash; sessions are bounded; a scenario whose document never
// loads still gets a verdict (TIMEOUT) and its server ends. runner/test/browser/page_test.mjs
// runs scenarios through the tab in real browsers.
#include "http_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace conf = sse::conformance;
using namespace sse::runner;
using namespace std::chrono_literals;
using json = nlohmann::json;

class ConnectionTab : public ::testing::Test {
protected:
  void SetUp() override {
    page_server_options options = default_page_server_options();
    options.port = 0;
    // A session that no document joins ends after these (instead of `connect`'s 10 s and 20 s).
    options.scenario_reconnect_budget = 150ms;
    options.scenario_stop_timeout = 150ms;
    server_ = std::make_unique<page_server>(conf::corpus{}, options);
    port_ = server_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(5, 0);
  }
  void TearDown() override { server_->stop(); }
  httplib::Result start_session(const std::string& query, const httplib::Headers& headers = {}) {
    return client_->Post(("/api/connection" + query).c_str(), headers, "", "text/plain");
  }
  /// Polls a session until it is judged (or 5 s pass).
  json wait_for_verdict(const std::string& session) {
    json answer;
    for (int i = 0; i < 100; ++i) {
      const auto res = client_->Get(("/api/connection?session=" + session).c_str());
      if (!res || res->status != 200) return json();
      answer = json::parse(res->body);
      if (answer["state"] == "done") break;
      std::this_thread::sleep_for(50ms);
    }
    return answer;
  }
  std::unique_ptr<page_server> server_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ConnectionTab, ListsTheBundledScenariosWithTheirExpectedLogs) {
  const auto res = client_->Get("/api/scenarios");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json list = json::parse(res->body);
  EXPECT_TRUE(list["error"].is_null()) << list["error"];
  ASSERT_GE(list["scenarios"].size(), 150u);
  EXPECT_EQ(list["scenarios"].size(), server_->scenario_count());
  const json& first = list["scenarios"][0];
  for (const char* key : {"id", "description", "file", "rules", "class", "url", "exchanges", "expected"})
    EXPECT_TRUE(first.contains(key)) << key;
  EXPECT_NE(first["file"].get<std::string>().find("fixtures/connection/"), std::string::npos) << first["file"];
  EXPECT_EQ(first["expected"][0]["kind"], "construct");
  EXPECT_TRUE(first["expected"][0]["ready_state"].is_number_integer());
}

TEST_F(ConnectionTab, MalformedOrUnknownRequestsAreA4xx) {
  for (const std::string& query : {std::string(), std::string("?scenario="), "?scenario=" + std::string(300, 'x')}) {
    const auto res = start_session(query);
    ASSERT_TRUE(res) << "the server died on " << query.substr(0, 40);
    EXPECT_EQ(res->status, 400) << query.substr(0, 40);
    EXPECT_NE(res->body.find("\"error\""), std::string::npos);
  }
  const auto unknown = start_session("?scenario=no/such-scenario");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  for (const char* query :
       {"", "?session=", "?session=abc", "?session=1%00", "?session=123456789012345678901234567890123"}) {
    const auto res = client_->Get((std::string("/api/connection") + query).c_str());
    ASSERT_TRUE(res) << query;
    EXPECT_EQ(res->status, 400) << query;
  }
  const auto forgotten = client_->Get("/api/connection?session=12345");
  ASSERT_TRUE(forgotten);
  EXPECT_EQ(forgotten->status, 404);
}

TEST_F(ConnectionTab, OnlyThePagesOwnOriginMayStartASession) {
  const auto id = json::parse(client_->Get("/api/scenarios")->body)["scenarios"][0]["id"].get<std::string>();
  auto res = start_session("?scenario=" + id, {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = client_->Get("/api/scenarios", {{"Host", "evil.example:" + std::to_string(port_)}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
}

TEST_F(ConnectionTab, ADocumentThatNeverLoadsIsATimeoutAndSessionsAreBounded) {
  const auto id = json::parse(client_->Get("/api/scenarios")->body)["scenarios"][0]["id"].get<std::string>();
  std::vector<std::string> sessions;
  for (int i = 0; i < 4; ++i) {
    const auto res = start_session("?scenario=" + id, {{"Origin", "http://127.0.0.1:" + std::to_string(port_)}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const json started = json::parse(res->body);
    EXPECT_EQ(started["frame_url"], started["origin"].get<std::string>() + "/");
    EXPECT_NE(started["origin"], started["other_origin"]);
    sessions.push_back(started["session"]);
  }
  const auto fifth = start_session("?scenario=" + id);
  ASSERT_TRUE(fifth);
  EXPECT_EQ(fifth->status, 429);  // at most 4 at once
  for (const auto& session : sessions) {
    const json verdict = wait_for_verdict(session);
    ASSERT_EQ(verdict.value("state", ""), "done") << verdict;
    EXPECT_EQ(verdict["outcome"], "TIMEOUT") << verdict;
    EXPECT_EQ(verdict["scenario"], id);
    EXPECT_TRUE(verdict["requests"].empty());
    EXPECT_FALSE(verdict["expected"].empty());
  }
  const auto again = start_session("?scenario=" + id);  // the judged sessions no longer count
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(ConnectionTabScenarios, InvalidScenariosAreReportedNotFatal) {
  const auto dir = std::filesystem::temp_directory_path() / ("sse-connection-tab-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "bad.json") << R"({"format_version":1,"cases":[{"id":"x"}]})"; }
  page_server_options options = default_page_server_options();
  options.port = 0;
  options.scenario_paths = {dir / "bad.json"};
  page_server server(conf::corpus{}, options);
  const int port = server.start();
  httplib::Client client("127.0.0.1", port);
  const auto res = client.Get("/api/scenarios");
  server.stop();
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json list = json::parse(res->body);
  EXPECT_TRUE(list["scenarios"].empty());
  EXPECT_NE(list["error"].get<std::string>().find("bad.json"), std::string::npos) << list["error"];
}

}  // namespace
