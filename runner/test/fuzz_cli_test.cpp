// sse-conformance fuzz end to end: nothing against the reference; the planted bug of the test
// adapter (a CR ending one chunk and an LF starting the next read as two line ends) found, grouped,
// shrunk to a few bytes, and written as a fixture case that lints, passes the reference and fails
// the adapter.
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct result {
  int exit_code = -1;
  std::string output;
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

result run(const std::string& args) {
  result r;
  FILE* pipe = ::popen((quote(SSE_CONFORMANCE_EXE) + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  for (std::size_t n = 0; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

/// A fixture byte string (a string, or parts: strings and {"hex": "BF 0D"}) as bytes.
std::string bytes_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string out;
  for (const auto& part : v) {
    if (part.is_string()) {
      out += part.get<std::string>();
      continue;
    }
    std::istringstream hex(part.at("hex").get<std::string>());
    for (unsigned byte = 0; hex >> std::hex >> byte;) out += static_cast<char>(byte);
  }
  return out;
}

const std::string buggy_adapter = "--impl " + quote(quote(SSE_TEST_ADAPTER_EXE) + " --bug split-crlf");

class Fuzz : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("sse-fuzz-test-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir / name).string(); }
  fs::path dir;
};

TEST_F(Fuzz, TheReferenceHasNoDifference) {
  const auto r = run("fuzz --impl reference --seed 11 --count 20000 --json " + quote(path("f.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0 difference classes"), std::string::npos) << r.output;
  const json j = read_json(path("f.json"));
  EXPECT_EQ(j.at("streams"), 20000);
  EXPECT_TRUE(j.at("classes").empty());
  EXPECT_EQ(j.at("new_classes"), 0);
}

TEST_F(Fuzz, TimeLimitStopsTheRun) {
  const auto r = run("fuzz --impl reference --count 0 --time 0.5 --json " + quote(path("f.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const json j = read_json(path("f.json"));
  EXPECT_GT(j.at("streams").get<std::uint64_t>(), 100u);
  EXPECT_LT(j.at("fuzz_seconds").get<double>(), 2.0);
}

TEST_F(Fuzz, FindsGroupsAndShrinksThePlantedBug) {
  // The corpus check on the line-endings cases only (they include the split-CRLF ones), to stay quick.
  const auto r = run("fuzz " + buggy_adapter + " --seed 3 --count 400 --no-scale --filter 'line-endings/*' --json " +
                     quote(path("f.json")) + " --write-cases " + quote(path("cases.json")) + " --date 2026-01-02");
  ASSERT_EQ(r.exit_code, 1) << r.output;
  const json j = read_json(path("f.json"));
  const json& classes = j.at("classes");
  ASSERT_FALSE(classes.empty()) << r.output;
  EXPECT_LT(classes.size(), 10u) << r.output;  // grouped: a few classes, not one per stream
  std::uint64_t failing = 0;
  std::size_t smallest = SIZE_MAX;
  std::size_t explained = 0;
  for (const auto& c : classes) {
    if (!c.at("new").get<bool>()) ++explained;
    failing += c.at("streams").get<std::uint64_t>();
    const json& chunks = c.at("reproducer").at("chunks");
    std::string bytes;
    for (const auto& chunk : chunks) bytes += bytes_of(chunk);
    EXPECT_LE(bytes.size(), 16u) << c.dump();
    smallest = std::min(smallest, bytes.size());
    // The bug needs a CR at the end of one chunk and an LF at the start of the next.
    bool cut_in_crlf = false;
    for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
      const std::string a = bytes_of(chunks[i]);
      const std::string b = bytes_of(chunks[i + 1]);
      cut_in_crlf = cut_in_crlf || (!a.empty() && a.back() == '\r' && !b.empty() && b.front() == '\n');
    }
    EXPECT_TRUE(cut_in_crlf) << c.dump();
  }
  EXPECT_GT(failing, classes.size());
  EXPECT_LE(smallest, 6u) << r.output;   // "data\r" | "\n"
  EXPECT_GE(explained, 1u) << r.output;  // line-endings/crlf-split-across-chunks fails the same way
  EXPECT_NE(r.output.find("reproducer ("), std::string::npos);

  // Explained classes (a failing corpus case has the signature) are not written as cases.
  const json cases = read_json(path("cases.json"));
  EXPECT_EQ(cases.at("cases").size(), j.at("new_classes").get<std::size_t>());
  if (!cases.at("cases").empty()) {
    const json& first = cases.at("cases").at(0);
    EXPECT_NE(first.at("guards").get<std::string>().find("2026-01-02"), std::string::npos);
    EXPECT_EQ(run("lint " + quote(path("cases.json"))).exit_code, 0);
    EXPECT_EQ(run("run --impl reference --corpus " + quote(path("cases.json"))).exit_code, 0);
    EXPECT_EQ(run("run " + buggy_adapter + " --corpus " + quote(path("cases.json"))).exit_code, 1);
  }
}

TEST_F(Fuzz, EveryClassIsNewWithoutTheCorpusCheck) {
  const auto r = run("fuzz " + buggy_adapter + " --seed 3 --count 200 --no-scale --no-corpus-check --write-cases " +
                     quote(path("cases.json")));
  ASSERT_EQ(r.exit_code, 1) << r.output;
  const json cases = read_json(path("cases.json"));
  ASSERT_FALSE(cases.at("cases").empty());
  EXPECT_EQ(run("lint " + quote(path("cases.json"))).exit_code, 0);
  EXPECT_EQ(run("run --impl reference --corpus " + quote(path("cases.json"))).exit_code, 0);
  EXPECT_EQ(run("run " + buggy_adapter + " --corpus " + quote(path("cases.json"))).exit_code, 1);
  const json& c = cases.at("cases").at(0);
  EXPECT_EQ(c.at("id").get<std::string>().rfind("fuzz-found/test-adapter-", 0), 0u) << c.dump();
  EXPECT_TRUE(c.contains("chunks"));
  EXPECT_NE(std::find(c.at("rules").begin(), c.at("rules").end(), "R9"), c.at("rules").end()) << c.dump();
}

}  // namespace
