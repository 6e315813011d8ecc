// sse-conformance encode end to end: the reference passes the bundled encoder cases; an encoder that
// crashes, hangs, exits or answers garbage gets a verdict per case and the run goes on; a writer with
// the injection bug fails with the injection named; baselines, skips, bad hellos and the table.
#include "cli_harness.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

using namespace sse::runner::testing;  // quote, result, printed, run_executable

result run(const std::string& args) { return sse::runner::testing::run_executable(SSE_CONFORMANCE_EXE, args); }

std::string encoder(const std::string& flags = "") {
  return "--impl " + quote(quote(SSE_TEST_ENCODER_EXE) + (flags.empty() ? "" : " " + flags));
}

const std::string test_cases = "--corpus " + quote(SSE_RUNNER_TEST_ENCODER_CASES);

class Encode : public sse::runner::testing::scratch_test {};

/// case id -> the record (one per case in encode mode).
std::map<std::string, json> records(const json& report) {
  std::map<std::string, json> out;
  for (const auto& r : report.at("results")) out[r.at("case")] = r;
  return out;
}

TEST_F(Encode, ReferencePassesTheBundledEncoderCases) {
  const auto r = run("encode --json " + quote(path("r.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(printed(r, {"Gate PASSED"}));
  const auto report = json::parse(read(path("r.json")));
  EXPECT_GE(report.at("results").size(), 80u);
}

TEST_F(Encode, BrokenEncoderGetsAVerdictPerCaseAndTheRunGoesOn) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run("encode " + encoder() + " " + test_cases + " --timeout 500 --json " + quote(path("r.json")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  auto rec = records(json::parse(read(path("r.json"))));
  const std::map<std::string, std::string> want = {{"encoder-runner/plain", "PASS"},
                                                   {"encoder-runner/crash", "CRASH"},
                                                   {"encoder-runner/after-crash", "PASS"},
                                                   {"encoder-runner/hang", "TIMEOUT"},
                                                   {"encoder-runner/garbage", "PROTOCOL-ERROR"},
                                                   {"encoder-runner/bad-base64", "PROTOCOL-ERROR"},
                                                   {"encoder-runner/exit", "CRASH"},
                                                   {"encoder-runner/typed", "PASS"},
                                                   {"encoder-runner/comment", "PASS"},
                                                   {"encoder-runner/id-injection", "PASS"}};
  for (const auto& [id, verdict] : want) EXPECT_EQ(rec[id].value("verdict", ""), verdict) << id << ": " << rec[id];
  EXPECT_NE(rec["encoder-runner/crash"].value("detail", "").find("SIGABRT"), std::string::npos);
  EXPECT_NE(rec["encoder-runner/crash"].value("stderr", "").find("crashing on purpose"), std::string::npos);
  EXPECT_NE(rec["encoder-runner/exit"].value("detail", "").find("status 7"), std::string::npos);
  EXPECT_NE(rec["encoder-runner/hang"].value("detail", "").find("500 ms"), std::string::npos);
  EXPECT_NE(rec["encoder-runner/garbage"].value("offending_line", "").find("this is not the protocol"),
            std::string::npos);
  EXPECT_NE(rec["encoder-runner/bad-base64"].value("detail", "").find("not base64"), std::string::npos);
}

TEST_F(Encode, InjectingEncoderFailsNamingTheInjectionAndABaselineAcceptsIt) {
  const auto r = run("encode " + encoder("--inject") + " " + test_cases + " --filter 'encoder-runner/[pti]*' --json " +
                     quote(path("r.json")) + " --write-baseline " + quote(path("base.txt")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  auto rec = records(json::parse(read(path("r.json"))));
  const auto& injected = rec["encoder-runner/id-injection"];
  EXPECT_EQ(injected.value("verdict", ""), "FAIL") << injected;
  EXPECT_EQ(injected.value("detail", ""), "injection") << injected;
  EXPECT_NE(injected.value("diff", "").find("data: forged"), std::string::npos) << injected;
  EXPECT_EQ(rec["encoder-runner/plain"].value("verdict", ""), "PASS");
  EXPECT_EQ(read(path("base.txt")).find("encoder-runner/plain"), std::string::npos);
  EXPECT_NE(read(path("base.txt")).find("encoder-runner/id-injection"), std::string::npos);
  const auto again = run("encode " + encoder("--inject") + " " + test_cases + " --filter 'encoder-runner/[pti]*' " +
                         "--expected-failures " + quote(path("base.txt")));
  EXPECT_EQ(again.exit_code, 0) << again.output;
  // The fixed writer makes the entry stale, which fails the gate.
  const auto fixed = run("encode " + encoder() + " " + test_cases + " --filter 'encoder-runner/[pti]*' " +
                         "--expected-failures " + quote(path("base.txt")));
  EXPECT_EQ(fixed.exit_code, 1) << fixed.output;
}

TEST_F(Encode, MembersTheApiCannotTakeSkip) {
  const auto r = run("encode " + encoder("--no-comments") + " " + test_cases +
                     " --filter encoder-runner/comment --json " + quote(path("r.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto rec = records(json::parse(read(path("r.json"))));
  EXPECT_EQ(rec["encoder-runner/comment"].value("verdict", ""), "SKIP");
  EXPECT_NE(rec["encoder-runner/comment"].value("detail", "").find("comments"), std::string::npos);
}

TEST_F(Encode, AParsingAdapterOrABadCorpusIsBadUsage) {
  const auto r = run("encode " + encoder("--start parser") + " " + test_cases);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(printed(r, {"\"encode\""}));
  std::ofstream(path("bad.json"))
      << R"({"format_version":1,"area":"encoder-x","title":"t","cases":[{"id":"encoder-x/a"}]})";
  const auto bad = run("encode --corpus " + quote(path("bad.json")));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("bad.json: case 'encoder-x/a': key 'description'"), std::string::npos) << bad.output;
}

TEST_F(Encode, MarkdownTableListsEachWriterAndItsFailures) {
  const auto r = run("encode --impl reference " + encoder("--inject") + " " + test_cases +
                     " --filter 'encoder-runner/[pti]*' --markdown " + quote(path("E.md")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string md = read(path("E.md"));
  EXPECT_NE(md.find("| reference |"), std::string::npos) << md;
  EXPECT_NE(md.find("| test-encoder | inject |"), std::string::npos) << md;
  EXPECT_NE(md.find("`encoder-runner/id-injection` **injection**"), std::string::npos) << md;
}

}  // namespace
