// Hostile input (issue 9) for the conformance library: fixture text and folders written to break
// the loader, and a case long enough to make the boundaries plan quadratic. Each test failed before
// its fix (a stack overflow, minutes of CPU, megabytes of diagnostics, a silently shorter corpus).
#include <sse/conformance/conformance.hpp>
#include <sse/conformance/json_limits.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

namespace conf = sse::conformance;
namespace fs = std::filesystem;

TEST(JsonDepth, CountsNestingOutsideStringsOnly) {
  EXPECT_FALSE(conf::check_json_depth(R"({"a":[1,{"b":[]}]})"));
  EXPECT_FALSE(conf::check_json_depth("\"" + std::string(1000, '[') + "\""));  // inside a string
  EXPECT_FALSE(conf::check_json_depth(R"(["\"[[[[[[[[[[[[[[[[[[[["])", 2));    // an escaped quote
  EXPECT_FALSE(conf::check_json_depth(std::string(64, '[') + std::string(64, ']')));
  const auto refused = conf::check_json_depth(std::string(65, '['));
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->find("deeper than 64 levels (at byte 64)"), std::string::npos) << *refused;
  EXPECT_TRUE(conf::check_json_depth("[{[{", 3));
  EXPECT_FALSE(conf::check_json_depth("[]]]]]]][", 1));  // stray closers never go below zero
}

double seconds_to_load(std::string_view text, conf::load_result& out) {
  const auto start = std::chrono::steady_clock::now();
  out = conf::load_corpus_text(text, "hostile.json");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(HostileLoader, Item05DeepArraysAndObjectsAreOneDiagnostic) {
  // 60,000 levels: was a stack overflow (SIGSEGV) in the recursive parser; 1 MB of unclosed '[': 334 s.
  for (const std::string& text :
       {std::string(60000, '[') + std::string(60000, ']'), std::string(1u << 20, '['),
        R"({"cases":)" + std::string(60000, '[') + std::string(60000, ']') + "}", std::string(30000, '{')}) {
    conf::load_result r;
    EXPECT_LT(seconds_to_load(text, r), 2.0);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_NE(r.diagnostics[0].message.find("nested deeper than 64"), std::string::npos) << r.diagnostics[0].message;
  }
  std::string objects;
  for (int i = 0; i < 60000; ++i) objects += R"({"a":)";
  conf::load_result r;
  EXPECT_LT(seconds_to_load(objects, r), 2.0);
  EXPECT_EQ(r.diagnostics.size(), 1u);
}

TEST(HostileLoader, Item05DiagnosticsAreCappedPerFile) {
  std::string text = R"({"format_version":1,"area":"x","title":"t","cases":[{"id":"x/a")";
  for (int i = 0; i < 20000; ++i) text += R"(,"id":"x/a")";
  text += "}]}";
  conf::load_result r;
  EXPECT_LT(seconds_to_load(text, r), 2.0);
  ASSERT_EQ(r.diagnostics.size(), 51u);  // was: every one of 20,000 (82 MB at depth 2,000)
  EXPECT_NE(r.diagnostics.back().message.find("more problems in this file"), std::string::npos);
}

TEST(HostileLoader, Item03UnreadableFixtureFilesInAFolderAreReported) {
  const fs::path dir = fs::temp_directory_path() / ("sse-hostile-loader-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a.json")
      << R"({"format_version":1,"area":"x","title":"t","cases":[{"id":"x/a","description":"d",)"
         R"("rules":["R1"],"class":"spec","input":"","expected":[{"kind":"end","last_event_id":""}]}]})";
  fs::create_symlink("missing.json", dir / "dangling.json");
  fs::create_symlink("loop.json", dir / "loop.json");
  const auto r = conf::load_corpus({dir});
  fs::remove_all(dir);
  EXPECT_EQ(r.loaded.cases.size(), 1u);
  ASSERT_EQ(r.diagnostics.size(), 2u);  // was: none ("OK: 1 file")
  for (const auto& d : r.diagnostics)
    EXPECT_NE(d.message.find("not a readable fixture file"), std::string::npos) << d.to_string();
}

TEST(HostileChunking, Item19BoundariesOfALongBodyAreSampled) {
  conf::test_case c;
  c.id = "x/long";
  for (int i = 0; i < 40000; ++i) c.bytes += "\xE2\x82\xAC";  // 40,000 three-byte sequences: a cut at every offset
  conf::chunking_options options;
  options.plans = {conf::plan::boundaries};
  const auto chunkings = conf::make_chunkings(c, options);
  ASSERT_EQ(chunkings.size(), options.boundary_cut_limit + 1);                                      // was: 120,000
  EXPECT_EQ(chunkings.front().splits, std::vector<std::size_t>{1});                                 // the first cut
  EXPECT_EQ(chunkings[chunkings.size() - 2].splits, std::vector<std::size_t>{c.bytes.size() - 1});  // the last
  EXPECT_EQ(chunkings.back().name, "boundaries");
  EXPECT_EQ(chunkings.back().splits.size(), c.bytes.size() - 1);  // the combined chunking still cuts everywhere
  options.boundary_cut_limit = 0;
  EXPECT_EQ(conf::make_chunkings(c, options).size(), c.bytes.size());
}

}  // namespace
