// The scenario server and judge without a real client: a tiny HTTP client (a socket, one request,
// read until the server closes or resets) plays the client's part, and the page log is given by
// hand, so every check of the judge (request contents, delays too short, a request that never came,
// an extra one) can be made to fail on purpose.
#include "scenario_judge.hpp"
#include "scenario_server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;
using namespace std::chrono_literals;

// Two connections: id 1 then a reconnection after retry: 200 that must carry Last-Event-ID: 1.
constexpr const char* two_connections = R"({"format_version": 1, "area": "t", "title": "t", "scenarios": [{
  "id": "t/retry-then-last-event-id", "description": "d", "rules": ["R58"], "class": "spec",
  "client": {"url": "{origin}/stream", "with_credentials": false},
  "exchanges": [
    {"request": {"url": "{origin}/stream", "method": "GET", "accept": "text/event-stream",
                 "cache_control": "no-cache", "last_event_id": null},
     "response": {"status": 200, "headers": [["Content-Type", "text/event-stream"]],
                  "body": ["retry: 200\nid: 1\n", {"bytes": "data: a\n\n", "delay_ms": 30}], "end": "close"}},
    {"request": {"url": "{origin}/stream", "method": "GET", "accept": "text/event-stream",
                 "cache_control": "no-cache", "last_event_id": "1"},
     "response": {"status": 204, "headers": [], "end": "close"}}],
  "expected": [
    {"kind": "construct", "ready_state": 0},
    {"kind": "request", "exchange": 0, "min_delay_ms": 0},
    {"kind": "open", "ready_state": 1},
    {"kind": "message", "type": "message", "data": "a", "last_event_id": "1", "origin": "{origin}", "ready_state": 1},
    {"kind": "error", "ready_state": 0},
    {"kind": "request", "exchange": 1, "min_delay_ms": 200},
    {"kind": "error", "ready_state": 2}]}]})";

struct http_reply {
  std::string bytes;
  bool reset = false;
};

/// GET `target` from 127.0.0.1:port with the given extra header lines; reads until close or reset.
http_reply http_get(const std::string& origin, const std::string& target, const std::string& headers) {
  const int port = std::stoi(origin.substr(origin.rfind(':') + 1));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  http_reply reply;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got > 0) {
      reply.bytes.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    reply.reset = got < 0 && errno == ECONNRESET;
    break;
  }
  ::close(fd);
  return reply;
}

const std::string eventsource_headers = "Accept: text/event-stream\r\nCache-Control: no-cache\r\n";

conf::scenario load(const char* text) {
  auto loaded = conf::load_scenarios_text(text, "test.json");
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].to_string());
  return loaded.scenarios.at(0);
}

scenario_observation observe(scenario_server& server, const conf::scenario& s) {
  scenario_observation seen;
  seen.page = page_entries(s);  // the fake client saw exactly what was expected
  seen.served = server.log();
  return seen;
}

TEST(ScenarioServer, PlaysTheExchangesAndTheJudgePassesAConformingClient) {
  const conf::scenario s = load(two_connections);
  scenario_server server;
  server.play(s);
  const http_reply first = http_get(server.origin(), "/stream", eventsource_headers);
  EXPECT_EQ(
      first.bytes,
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\nretry: 200\nid: 1\ndata: a\n\n");
  std::this_thread::sleep_for(220ms);
  const http_reply second = http_get(server.origin(), "/stream", eventsource_headers + "Last-Event-ID: 1\r\n");
  EXPECT_EQ(second.bytes, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  const auto result = judge_scenario(s, server.run_options(), observe(server, s), {});
  EXPECT_EQ(result.outcome, conf::outcome::pass) << result.diff;
  const served_log log = server.log();
  ASSERT_EQ(log.requests.size(), 2u);
  EXPECT_EQ(log.requests[1].request.url, server.origin() + "/stream");
  EXPECT_EQ(*get_header(log.requests[1].request.headers, "Last-Event-ID"), "1");
}

TEST(ScenarioServer, AReconnectionSoonerThanRetryAndAWrongHeaderFail) {
  const conf::scenario s = load(two_connections);
  scenario_server server;
  server.play(s);
  (void)http_get(server.origin(), "/stream", eventsource_headers);
  (void)http_get(server.origin(), "/stream", eventsource_headers + "Last-Event-ID: 2\r\n");  // at once
  const auto result = judge_scenario(s, server.run_options(), observe(server, s), {});
  EXPECT_EQ(result.outcome, conf::outcome::fail);
  EXPECT_NE(result.diff.find("the standard requires a wait of at least 200 ms"), std::string::npos) << result.diff;
  EXPECT_NE(result.diff.find("header Last-Event-ID: expected \"1\", sent \"2\""), std::string::npos) << result.diff;
}

TEST(ScenarioServer, AMissingReconnectionIsDidNotReconnectAndAnExtraRequestFails) {
  const conf::scenario s = load(two_connections);
  {
    scenario_server server;
    server.play(s);
    (void)http_get(server.origin(), "/stream", eventsource_headers);
    const auto result = judge_scenario(s, server.run_options(), observe(server, s), {});
    EXPECT_EQ(result.outcome, conf::outcome::fail);
    EXPECT_NE(result.diff.find("did not reconnect: request #1"), std::string::npos) << result.diff;
  }
  scenario_server server;
  server.play(s);
  (void)http_get(server.origin(), "/stream", eventsource_headers);
  std::this_thread::sleep_for(210ms);
  (void)http_get(server.origin(), "/stream", eventsource_headers + "Last-Event-ID: 1\r\n");
  const http_reply extra = http_get(server.other_origin(), "/again", eventsource_headers);
  EXPECT_EQ(extra.bytes, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  const auto result = judge_scenario(s, server.run_options(), observe(server, s), {});
  EXPECT_EQ(result.outcome, conf::outcome::fail);
  EXPECT_NE(result.diff.find("request #2 to \"" + server.other_origin() + "/again\""), std::string::npos)
      << result.diff;
}

TEST(ScenarioServer, APageLogThatDiffersIsShownSideBySide) {
  const conf::scenario s = load(two_connections);
  scenario_server server;
  server.play(s);
  scenario_observation seen = observe(server, s);
  seen.page.pop_back();  // the client never reported the final error
  const auto result = judge_scenario(s, server.run_options(), seen, {});
  EXPECT_EQ(result.outcome, conf::outcome::fail);
  EXPECT_NE(result.diff.find("  - error ready_state=2"), std::string::npos) << result.diff;
}

TEST(ScenarioServer, ARequestThatMayNotArriveIsNotRequiredButCheckedWhenItComes) {
  const auto bundled = conf::load_scenarios({conf::bundled_scenarios_dir()});
  const auto found = std::find_if(bundled.scenarios.begin(), bundled.scenarios.end(),
                                  [](const conf::scenario& c) { return c.id == "close/before-failing-response"; });
  ASSERT_NE(found, bundled.scenarios.end());
  const conf::scenario& s = *found;
  EXPECT_EQ(required_requests(s), 0u);
  {
    scenario_server server;
    server.play(s);  // the client aborted before its request left: the server sees nothing
    const auto result = judge_scenario(s, server.run_options(), observe(server, s), {});
    EXPECT_EQ(result.outcome, conf::outcome::pass) << result.diff;
  }
  scenario_server server;
  server.play(s);
  (void)http_get(server.origin(), "/stream", "Accept: text/event-stream\r\n");  // it came, without Cache-Control
  server.stop();
  const auto result = judge_scenario(s, server.run_options(), observe(server, s), {});
  EXPECT_EQ(result.outcome, conf::outcome::fail);
  EXPECT_NE(result.diff.find("header Cache-Control: expected \"no-cache\", sent absent"), std::string::npos)
      << result.diff;
}

TEST(ScenarioServer, ResetsAreTcpResetsAndHeldBodiesEndWhenTheServerStops) {
  const conf::scenario s = load(R"({"format_version": 1, "area": "t", "title": "t", "scenarios": [{
    "id": "t/reset-then-hold", "description": "d", "rules": ["R57"], "class": "implementation-defined", "gap": "P1",
    "client": {"url": "{origin}/stream", "with_credentials": false},
    "exchanges": [
      {"request": {"url": "{origin}/stream", "method": "GET", "accept": "text/event-stream",
                   "cache_control": "no-cache", "last_event_id": null},
       "response": {"network_error": "reset"}},
      {"request": {"url": "{origin}/stream", "method": "GET", "accept": "text/event-stream",
                   "cache_control": "no-cache", "last_event_id": null},
       "response": {"status": 200, "headers": [["Content-Type", "text/event-stream"]], "body": ["data: x\n\n"],
                    "end": "hold"}}],
    "expected": [
      {"kind": "construct", "ready_state": 0},
      {"kind": "request", "exchange": 0, "min_delay_ms": 0},
      {"kind": "error", "ready_state": 0},
      {"kind": "request", "exchange": 1, "min_delay_ms": null},
      {"kind": "open", "ready_state": 1},
      {"kind": "message", "type": "message", "data": "x", "last_event_id": "", "origin": "{origin}", "ready_state": 1}]}]})");
  scenario_server server;
  server.play(s);
  const http_reply reset = http_get(server.origin(), "/stream", eventsource_headers);
  EXPECT_TRUE(reset.reset);
  EXPECT_EQ(reset.bytes, "");
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    server.stop();
  });
  const auto start = clock_type::now();
  const http_reply held = http_get(server.origin(), "/stream", eventsource_headers);
  stopper.join();
  EXPECT_GE(clock_type::now() - start, 90ms);
  EXPECT_NE(held.bytes.find("\r\n\r\ndata: x\n\n"), std::string::npos);
  const served_log log = server.log();
  ASSERT_EQ(log.response_ends.size(), 2u);
  EXPECT_TRUE(log.response_ends[0].has_value());
  EXPECT_FALSE(log.response_ends[1].has_value());  // held: it never ended
}

}  // namespace
}  // namespace sse::runner
