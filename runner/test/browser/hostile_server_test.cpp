// Hostile requests (issue 9) against the page server, over real HTTP on 127.0.0.1: what any web page
// the user visits, or a local process, can send. Each test names the item it guards and failed
// before its fix (a SIGSEGV, a 500 with the exception text, a second server on the same port,
// unbounded state, a server made unresponsive, writes from other origins, the whole wasm/ folder).
#include "http_server.hpp"
#include "request_body.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace conf = sse::conformance;
using namespace sse::runner;
using namespace std::chrono_literals;
using json = nlohmann::json;

const conf::corpus& one_case() {
  static const conf::corpus corpus =
      conf::load_corpus_text(R"({"format_version":1,"area":"h","title":"t","cases":[{"id":"h/one","description":"d",)"
                             R"("rules":["R1"],"class":"spec","input":"data: x\n\n","expected":[{"kind":"event",)"
                             R"("type":"message","data":"x","last_event_id":""},{"kind":"end","last_event_id":""}]}]})",
                             "hostile.json")
          .loaded;
  return corpus;
}

class HostileServer : public ::testing::Test {
protected:
  void start(page_server_options options = default_page_server_options()) {
    options.port = 0;
    options.chunk_delay_ms = 1;
    server_ = std::make_unique<page_server>(one_case(), options);
    port_ = server_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(5, 0);
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  httplib::Result post(const std::string& route, const std::string& body, const httplib::Headers& headers = {}) {
    return client_->Post(route.c_str(), headers, body, "text/plain");
  }
  std::unique_ptr<page_server> server_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

std::string nested(std::size_t depth, char open, char close, const std::string& inner = "") {
  return std::string(depth, open) + inner + std::string(depth, close);
}

TEST_F(HostileServer, Item01DeeplyNestedEventsAreA400AndTheServerLives) {
  start();
  std::string objects;
  for (int i = 0; i < 60000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(60000, '}');
  for (const std::string& events : {nested(60000, '[', ']'), objects}) {
    const auto res = post("/api/result", R"({"run":"r","case":"h/one","events":)" + events + "}");
    ASSERT_TRUE(res) << "the server died (was: SIGSEGV)";
    EXPECT_EQ(res->status, 400);
    EXPECT_NE(res->body.find("nested deeper than 64"), std::string::npos) << res->body;
  }
  const auto alive = client_->Get("/api/cases");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
}

TEST_F(HostileServer, PlaygroundSplitsOutsideTheBodyOrOutOfOrderAreA400) {
  start();
  const std::string huge = std::string(40, '9');
  for (const std::string& splits :
       std::vector<std::string>{"0", "9", "3,3", "4,2", "1,,2", "a", "-1", "2,", huge, "1 2"}) {
    const auto res = client_->Post(("/api/playground?splits=" + httplib::detail::encode_query_param(splits)).c_str(),
                                   std::string("data: x\n"), "text/plain");
    ASSERT_TRUE(res) << splits;
    EXPECT_EQ(res->status, 400) << splits;
    EXPECT_LT(res->body.size(), 200u);
  }
  std::string many;
  for (int i = 1; i <= 1100; ++i) many += (many.empty() ? "" : ",") + std::to_string(i);
  const auto res = client_->Post(("/api/playground?splits=" + many).c_str(), std::string(2000, 'x'), "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  const auto fine = client_->Post("/api/playground?splits=1,2", std::string("data: x\n"), "text/plain");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
}

TEST_F(HostileServer, Item11WrongTypesAreA400WithoutInternals) {
  start();
  for (const char* body :
       {R"({"run":5})", R"({"run":"r","case":["h/one"]})", R"({"run":"r","case":"h/one","attempt":"2"})",
        R"({"run":"r","case":"h/one","timed_out":"yes"})", R"({"run":"r","case":"h/one","elapsed_ms":{}})", R"([1,2])",
        "not json"}) {
    const auto res = post("/api/result", body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << body;  // was: 500
    EXPECT_FALSE(res->has_header("EXCEPTION_WHAT")) << body;
    EXPECT_EQ(res->body.find("json.exception"), std::string::npos) << res->body;
    EXPECT_LT(res->body.size(), 200u);
  }
  const auto done = post("/api/done", R"({"run":"r","engine":7})");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 400);
  EXPECT_FALSE(done->has_header("EXCEPTION_WHAT"));
}

TEST_F(HostileServer, Item12PortInUseAndOutOfRangeAreRefused) {
  start();
  page_server_options options = default_page_server_options();
  options.port = port_;
  page_server second(one_case(), options);
  EXPECT_THROW((void)second.start(), std::runtime_error);  // was: bound too (SO_REUSEPORT)
  options.port = 70000;
  page_server third(one_case(), options);
  EXPECT_THROW((void)third.start(), std::runtime_error);  // was: bound port 70000 % 65536
}

TEST_F(HostileServer, Item13KeptRunsAreBounded) {
  page_server_options options = default_page_server_options();
  options.max_kept_runs = 8;
  start(options);
  for (int i = 0; i < 50; ++i) {
    const auto res = post("/api/done", R"({"run":"run-)" + std::to_string(i) + R"(","engine":"chromium"})");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    (void)client_->Get(("/stream?run=s-" + std::to_string(i) + "&case=h/one&attempt=1").c_str());
  }
  EXPECT_EQ(server_->kept_runs(), 8u);  // was: every one, forever
  EXPECT_TRUE(server_->wait_for_run("run-49", 10ms).done);
  EXPECT_FALSE(server_->wait_for_run("run-0", 10ms).done);  // dropped
}

/// Opens a TCP connection to 127.0.0.1:port; -1 on failure.
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST_F(HostileServer, Item14SlowHeadersDoNotMakeItUnresponsive) {
  page_server_options options = default_page_server_options();
  options.read_timeout = 200ms;
  start(options);
  // 70 connections that send their request line one byte at a time, slower than the read timeout
  // (the server has 64 threads; was: no deadline, so none was ever freed).
  std::vector<int> slow;
  for (int i = 0; i < 70; ++i) {
    const int fd = connect_to(port_);
    ASSERT_GE(fd, 0);
    slow.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    const std::string request = "GET /api/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (std::size_t i = 0; i < request.size() && !stop; ++i) {
      for (const int fd : slow) (void)::send(fd, &request[i], 1, MSG_NOSIGNAL);
      for (int k = 0; k < 10 && !stop; ++k) std::this_thread::sleep_for(50ms);  // 500 ms per byte
    }
  });
  std::this_thread::sleep_for(300ms);
  const auto start_time = std::chrono::steady_clock::now();
  httplib::Client probe("127.0.0.1", port_);
  probe.set_connection_timeout(3, 0);
  probe.set_read_timeout(3, 0);
  const auto res = probe.Get("/api/cases");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  stop = true;
  trickle.join();
  for (const int fd : slow) ::close(fd);
  ASSERT_TRUE(res) << "no answer while 70 slow clients were connected";
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(seconds, 2.0);
}

TEST_F(HostileServer, Item15OnlyTheOwnOriginAndHostMayWrite) {
  start();
  const std::string own = "http://127.0.0.1:" + std::to_string(port_);
  const std::string body = R"({"run":"r","case":"h/one","events":[]})";
  auto res = post("/api/result", body, {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);  // was: 200, the result recorded
  res = post("/api/done", R"({"run":"r"})", {{"Origin", "null"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = post("/api/result", body, {{"Origin", own}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // DNS rebinding: the right address, another name.
  res = client_->Get("/api/cases", {{"Host", "evil.example:" + std::to_string(port_)}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = client_->Get("/api/cases", {{"Host", "localhost:" + std::to_string(port_)}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(HostileServerAddress, Item16NonLoopbackHostsAreWarnedAbout) {
  const auto wildcard = network_exposure_warning("0.0.0.0");
  ASSERT_TRUE(wildcard);  // was: no warning
  EXPECT_NE(wildcard->find("reachable from the network"), std::string::npos) << *wildcard;
  EXPECT_NE(wildcard->find("0.0.0.0"), std::string::npos) << *wildcard;
  EXPECT_TRUE(network_exposure_warning("192.168.1.20"));
  EXPECT_TRUE(network_exposure_warning("::"));
  for (const char* loopback : {"127.0.0.1", "127.1.2.3", "::1", "localhost"})
    EXPECT_FALSE(network_exposure_warning(loopback)) << loopback;
}

TEST_F(HostileServer, Item16TheRealAddressIsPrinted) {
  start();
  EXPECT_EQ(server_->listen_address(), "127.0.0.1:" + std::to_string(port_));
}

TEST_F(HostileServer, Item17OnlyThePackageFilesAndNoNul) {
  start();
  for (const char* refused : {"/wasm/package-lock.json", "/wasm/CMakeLists.txt", "/wasm/src/bindings.cpp",
                              "/wasm/node_modules/.package-lock.json", "/wasm/test/", "/wasm/../README.md"}) {
    const auto res = client_->Get(refused);
    ASSERT_TRUE(res);
    EXPECT_NE(res->status, 200) << refused;  // was: served
  }
  const auto index = client_->Get("/wasm/index.js");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  const auto nul = client_->Get("/index.html%00.txt");
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->status, 400);  // was: served
}

TEST(HostileRequestBody, ReaderChecksEveryKey) {
  std::string error;
  const auto ok = read_result_post(
      R"({"run":"r","case":"h/one","attempt":2,"engine":"firefox","events":[],"timed_out":true,"error":"e","elapsed_ms":3})",
      error);
  ASSERT_TRUE(ok) << error;
  EXPECT_EQ(ok->attempt, 2);
  EXPECT_TRUE(ok->timed_out);
  ASSERT_TRUE(ok->events);
  EXPECT_FALSE(read_result_post(R"({"run":"r","attempt":1000})", error));
  EXPECT_FALSE(read_result_post(R"({"run":")" + std::string(300, 'x') + R"("})", error));
  const auto bad_log = read_result_post(R"({"run":"r","events":[{"kind":"nope"}]})", error);
  ASSERT_TRUE(bad_log);  // a broken page is judged (its log is invalid), not refused
  EXPECT_FALSE(bad_log->events);
  EXPECT_FALSE(bad_log->events_error.empty());
  EXPECT_FALSE(read_done_post(R"({"engine":"x"})", error));
  EXPECT_TRUE(read_done_post(R"({"run":"r","user_agent":")" + std::string(10000, 'u') + R"("})", error));
}

}  // namespace
