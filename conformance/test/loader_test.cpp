// loader_test.cpp: malformed fixtures give diagnostics that name the file, the case and the key, and
// say what was expected. Documents are built in memory (load_corpus_text).
#include <sse/conformance/conformance.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace sc = sse::conformance;

namespace {

/// A valid fixture file; the named placeholders are replaced by the tests.
std::string fixture(const std::string& case_json = "", const std::string& top_extra = "") {
  const std::string one_case = case_json.empty() ? R"({
      "id": "line-endings/lf",
      "description": "LF ends a line.",
      "rules": ["R8"],
      "class": "spec",
      "input": "data: a\n\n",
      "expected": [
        {"kind": "event", "type": "message", "data": "a", "last_event_id": ""},
        {"kind": "end", "last_event_id": ""}
      ]
    })"
                                                 : case_json;
  return R"({"format_version": 1, "area": "line-endings", "title": "Line terminators",)" + top_extra +
         R"( "cases": [)" + one_case + "]}";
}

/// A case with `body` as its keys other than id/description/rules/class.
std::string case_with(const std::string& body, const std::string& id = "line-endings/x") {
  return R"({"id": ")" + id + R"(", "description": "d", "rules": ["R8"], "class": "spec", )" + body + "}";
}

const std::string good_expected = R"("expected": [{"kind": "end", "last_event_id": ""}])";

std::string all(const sc::load_result& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += "  " + d.to_string() + "\n";
  return out;
}

/// Expects a diagnostic for exactly this file, case and key whose message contains every fragment.
void expect_diagnostic(const sc::load_result& r, const std::string& case_id, const std::string& key,
                       std::initializer_list<std::string> fragments, const std::string& file = "t.json") {
  bool found = false;
  for (const auto& d : r.diagnostics) {
    if (d.file != file || d.case_id != case_id || d.key != key) continue;
    bool all_fragments = true;
    for (const auto& f : fragments) all_fragments = all_fragments && d.message.find(f) != std::string::npos;
    found = found || all_fragments;
  }
  EXPECT_TRUE(found) << "no diagnostic for file '" << file << "', case '" << case_id << "', key '" << key
                     << "' with the expected words; got:\n"
                     << all(r);
  EXPECT_TRUE(r.loaded.cases.empty() || !case_id.empty()) << "a file with a file-level problem loaded cases";
}

TEST(Loader, ValidFileLoads) {
  const auto r = sc::load_corpus_text(fixture(), "t.json");
  ASSERT_TRUE(r.ok()) << all(r);
  ASSERT_EQ(r.loaded.cases.size(), 1u);
  const sc::test_case& c = r.loaded.cases[0];
  EXPECT_EQ(c.id, "line-endings/lf");
  EXPECT_EQ(c.file, "t.json");
  EXPECT_EQ(c.area, "line-endings");
  EXPECT_EQ(c.bytes, "data: a\n\n");
  EXPECT_FALSE(c.has_pinned_chunks);
  ASSERT_EQ(c.expected.size(), 2u);
  EXPECT_EQ(c.expected[0], sse::observation::event("message", "a", ""));
  EXPECT_EQ(r.loaded.files, std::vector<std::string>{"t.json"});
}

TEST(Loader, DuplicateJsonKey) {
  // case_with() already sets "class": a second one must be reported, not silently resolved.
  const auto r = sc::load_corpus_text(
      fixture(case_with(R"("class": "implementation-defined", "input": "", )" + good_expected)), "t.json");
  expect_diagnostic(r, "line-endings/x", "class", {"appears twice"});
  EXPECT_TRUE(r.loaded.cases.empty());
}

TEST(Loader, ByteStringsAndPinnedChunks) {
  const auto ok = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "description": "d", "rules": ["R7", "R8"], "class": "implementation-defined",
                  "gap": "G4", "tags": ["utf-8", "chunking"], "evidence": ["whatwg/html#1"], "guards": "g",
                  "initial_last_event_id": "x",
                  "chunks": ["", ["data: ", {"hex": "e2 82"}], [{"hex": "AC0a"}, "\n"]],
                  "expected": [{"kind": "event", "type": "message", "data": "€", "last_event_id": "x"},
                               {"kind": "retry", "ms": 9007199254740991},
                               {"kind": "end", "last_event_id": "x"}]})"),
      "t.json");
  ASSERT_TRUE(ok.ok()) << all(ok);
  const sc::test_case& c = ok.loaded.cases.at(0);
  EXPECT_EQ(c.bytes, "data: \xE2\x82\xAC\n\n");
  EXPECT_TRUE(c.has_pinned_chunks);
  EXPECT_EQ(c.pinned_splits, (std::vector<std::size_t>{0, 8}));  // an empty first chunk is kept
  EXPECT_EQ(c.klass, sc::case_class::implementation_defined);
  EXPECT_EQ(c.gap, "G4");
  EXPECT_EQ(c.initial_last_event_id, "x");
  EXPECT_EQ(c.expected.at(1), sse::observation::retry(9007199254740991ULL));
}

TEST(Loader, MissingKey) {
  const auto r = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "rules": ["R8"], "class": "spec", "input": "", )" + good_expected + "}"),
      "t.json");
  expect_diagnostic(r, "line-endings/x", "description", {"missing required key"});
  EXPECT_TRUE(r.loaded.cases.empty());
}

TEST(Loader, WrongType) {
  const auto r = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "description": "d", "rules": "R8", "class": "spec", "input": 5, )" +
              good_expected + "}"),
      "t.json");
  expect_diagnostic(r, "line-endings/x", "rules",
                    {"expected a non-empty array of rule ids", "found the string \"R8\""});
  expect_diagnostic(r, "line-endings/x", "input", {"expected a byte string", "found the number 5"});
}

TEST(Loader, BadHex) {
  const auto r =
      sc::load_corpus_text(fixture(case_with(R"("input": ["data: ", {"hex": "E2 8G"}], )" + good_expected)), "t.json");
  expect_diagnostic(r, "line-endings/x", "input[1].hex", {"expected pairs of hex digits", "'G' at position 4"});
  const auto odd =
      sc::load_corpus_text(fixture(case_with(R"("input": [{"hex": "E 28"}], )" + good_expected)), "t.json");
  expect_diagnostic(odd, "line-endings/x", "input[0].hex", {"without its pair"});
  const auto extra =
      sc::load_corpus_text(fixture(case_with(R"("input": [{"hex": "E2", "bytes": 1}], )" + good_expected)), "t.json");
  expect_diagnostic(extra, "line-endings/x", "input[0].bytes", {"unknown key"});
}

TEST(Loader, RepeatParts) {
  const auto ok = sc::load_corpus_text(
      fixture(case_with(R"("chunks": [["x: ", {"repeat": "ab", "times": 3}], [{"repeat": "\n", "times": 2}]], )" +
                        good_expected)),
      "t.json");
  ASSERT_TRUE(ok.ok()) << all(ok);
  EXPECT_EQ(ok.loaded.cases.at(0).bytes, "x: ababab\n\n");
  EXPECT_EQ(ok.loaded.cases.at(0).pinned_splits, (std::vector<std::size_t>{9}));
  const auto zero =
      sc::load_corpus_text(fixture(case_with(R"("input": [{"repeat": "a", "times": 0}], )" + good_expected)), "t.json");
  expect_diagnostic(zero, "line-endings/x", "input[0].times", {"expected a positive integer", "0"});
  const auto empty =
      sc::load_corpus_text(fixture(case_with(R"("input": [{"repeat": "", "times": 2}], )" + good_expected)), "t.json");
  expect_diagnostic(empty, "line-endings/x", "input[0].repeat", {"non-empty string"});
  const auto huge = sc::load_corpus_text(
      fixture(case_with(R"("input": [{"repeat": "abcd", "times": 100000000}], )" + good_expected)), "t.json");
  expect_diagnostic(huge, "line-endings/x", "input[0]", {"at most 67108864 bytes"});
  const auto extra = sc::load_corpus_text(
      fixture(case_with(R"("input": [{"repeat": "a", "times": 2, "hex": "00"}], )" + good_expected)), "t.json");
  expect_diagnostic(extra, "line-endings/x", "input[0].hex", {"unknown key"});
}

TEST(Loader, LoneSurrogate) {
  // nlohmann/json refuses the whole document; the loader still says which case and key.
  const auto r =
      sc::load_corpus_text(fixture(case_with(R"("input": ["data: ", "\ud800"], )" + good_expected)), "t.json");
  expect_diagnostic(r, "line-endings/x", "input[1]", {"lone surrogate", "line 1"});
  // ... even before the case's id has been read: then the case is named by its index.
  const auto early = sc::load_corpus_text(
      fixture(
          R"({"expected": [{"kind": "comment", "text": "\udc00"}, {"kind": "end", "last_event_id": ""}], "id": "line-endings/x"})"),
      "t.json");
  expect_diagnostic(early, "#0", "expected[0].text", {"lone surrogate"});
}

TEST(Loader, InvalidUtf8InFile) {
  const auto r = sc::load_corpus_text(fixture(case_with("\"input\": \"data: \xFF\", " + good_expected)), "t.json");
  expect_diagnostic(r, "line-endings/x", "input", {"not valid UTF-8", "hex"});
}

TEST(Loader, DuplicateIdInOneFile) {
  const std::string c = case_with(R"("input": "", )" + good_expected);
  const auto r = sc::load_corpus_text(fixture(c + ", " + c), "t.json");
  expect_diagnostic(r, "line-endings/x", "id", {"duplicate id", "earlier in this file"});
  EXPECT_EQ(r.loaded.cases.size(), 1u);
}

TEST(Loader, DuplicateIdAcrossFiles) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sse-loader-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  const std::string c = case_with(R"("input": "", )" + good_expected);
  std::ofstream(dir / "a.json") << fixture(c);
  std::ofstream(dir / "b.json") << fixture(c);
  std::ofstream(dir / "schema.json") << "not a fixture";
  const auto r = sc::load_corpus({dir});
  std::filesystem::remove_all(dir);
  expect_diagnostic(r, "line-endings/x", "id", {"duplicate id", (dir / "a.json").string()}, (dir / "b.json").string());
  EXPECT_EQ(r.loaded.files.size(), 2u) << "schema.json is not a fixture file";
  EXPECT_EQ(r.loaded.cases.size(), 1u);
}

TEST(Loader, MissingFile) {
  const auto r = sc::load_corpus({"/nonexistent/sse-fixture.json"});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].to_string().find("/nonexistent/sse-fixture.json: cannot open"), std::string::npos);
}

TEST(Loader, UnknownRuleId) {
  const auto r = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "description": "d", "rules": ["R8", "R73"], "class": "spec", "input": "", )" +
              good_expected + "}"),
      "t.json");
  expect_diagnostic(r, "line-endings/x", "rules[1]", {"rule ids listed in fixtures/rules.json", "\"R73\""});
}

TEST(Loader, BadClass) {
  const auto r = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "description": "d", "rules": ["R8"], "class": "Spec", "input": "", )" +
              good_expected + "}"),
      "t.json");
  expect_diagnostic(r, "line-endings/x", "class",
                    {"\"spec\" or \"implementation-defined\"", "found the string \"Spec\""});
}

TEST(Loader, GapRules) {
  const auto missing = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "description": "d", "rules": ["R24"], "class": "implementation-defined",
                  "input": "", )" +
              good_expected + "}"),
      "t.json");
  expect_diagnostic(missing, "line-endings/x", "gap", {"implementation-defined case names the gap"});
  const auto bad = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "description": "d", "rules": ["R24"], "class": "implementation-defined",
                  "gap": "G10", "input": "", )" +
              good_expected + "}"),
      "t.json");
  expect_diagnostic(bad, "line-endings/x", "gap", {"gap id listed in fixtures/rules.json", "\"G10\""});
  const auto on_spec = sc::load_corpus_text(
      fixture(R"({"id": "line-endings/x", "description": "d", "rules": ["R24"], "class": "spec", "gap": "G4",
                  "input": "", )" +
              good_expected + "}"),
      "t.json");
  expect_diagnostic(on_spec, "line-endings/x", "gap", {"a spec case has no gap"});
}

TEST(Loader, ExpectedMustEndWithOneEnd) {
  const auto no_end = sc::load_corpus_text(
      fixture(case_with(
          R"("input": "", "expected": [{"kind": "event", "type": "message", "data": "", "last_event_id": ""}])")),
      "t.json");
  expect_diagnostic(no_end, "line-endings/x", "expected", {"last observation must be an end", "found event"});
  const auto two = sc::load_corpus_text(
      fixture(case_with(
          R"("input": "", "expected": [{"kind": "end", "last_event_id": ""}, {"kind": "end", "last_event_id": ""}])")),
      "t.json");
  expect_diagnostic(two, "line-endings/x", "expected[0]", {"only be the last entry"});
  const auto empty = sc::load_corpus_text(fixture(case_with(R"("input": "", "expected": [])")), "t.json");
  expect_diagnostic(empty, "line-endings/x", "expected", {"empty"});
}

TEST(Loader, UnknownObservationKind) {
  const auto r = sc::load_corpus_text(
      fixture(case_with(
          R"("input": "", "expected": [{"kind": "message", "data": "a"}, {"kind": "end", "last_event_id": ""}])")),
      "t.json");
  expect_diagnostic(r, "line-endings/x", "expected[0].kind",
                    {"expected one of \"event\"", "found the string \"message\""});
}

TEST(Loader, ObservationKeys) {
  const auto r = sc::load_corpus_text(fixture(case_with(R"("input": "", "expected": [
          {"kind": "event", "type": "message", "data": "a"},
          {"kind": "retry", "ms": 5, "value": 5},
          {"kind": "retry", "ms": -1},
          {"kind": "retry", "ms": 1.5},
          {"kind": "retry", "ms": 9007199254740992},
          {"kind": "event", "type": "", "data": "a\rb", "last_event_id": ""},
          {"kind": "end", "last_event_id": 3}])")),
                                      "t.json");
  expect_diagnostic(r, "line-endings/x", "expected[0]", {"missing key 'last_event_id'"});
  expect_diagnostic(r, "line-endings/x", "expected[1].value", {"unknown key for a retry observation"});
  expect_diagnostic(r, "line-endings/x", "expected[2].ms", {"integer from 0 to 9007199254740991", "-1"});
  expect_diagnostic(r, "line-endings/x", "expected[3].ms", {"integer", "1.5"});
  expect_diagnostic(r, "line-endings/x", "expected[4].ms", {"integer", "9007199254740992"});
  expect_diagnostic(r, "line-endings/x", "expected[5].type", {"never empty"});
  expect_diagnostic(r, "line-endings/x", "expected[5].data", {"a\\rb", "CR"});
  expect_diagnostic(r, "line-endings/x", "expected[6].last_event_id", {"expected a string", "found the number 3"});
}

TEST(Loader, ExtraKey) {
  const auto r = sc::load_corpus_text(fixture(case_with(R"("input": "", "inputs": "", )" + good_expected)), "t.json");
  expect_diagnostic(r, "line-endings/x", "inputs", {"unknown key in a case"});
  const auto top = sc::load_corpus_text(fixture("", R"( "version": 1,)"), "t.json");
  expect_diagnostic(top, "", "version", {"unknown key in a fixture file"});
  EXPECT_TRUE(top.loaded.cases.empty()) << "a file with a file-level problem loads no case";
}

TEST(Loader, InputOrChunks) {
  const auto both =
      sc::load_corpus_text(fixture(case_with(R"("input": "", "chunks": [""], )" + good_expected)), "t.json");
  expect_diagnostic(both, "line-endings/x", "chunks", {"not both"});
  const auto none = sc::load_corpus_text(fixture(case_with(good_expected)), "t.json");
  expect_diagnostic(none, "line-endings/x", "input", {"\"input\"", "\"chunks\""});
  const auto empty = sc::load_corpus_text(fixture(case_with(R"("chunks": [], )" + good_expected)), "t.json");
  expect_diagnostic(empty, "line-endings/x", "chunks", {"non-empty array"});
}

TEST(Loader, BadIdIsNamedByIndex) {
  const auto r =
      sc::load_corpus_text(fixture(case_with(R"("input": "", )" + good_expected, "Line_Endings/x")), "t.json");
  expect_diagnostic(r, "#0", "id", {"<area>/<name>", "Line_Endings/x"});
  const auto other_area =
      sc::load_corpus_text(fixture(case_with(R"("input": "", )" + good_expected, "data/x")), "t.json");
  expect_diagnostic(other_area, "data/x", "id", {"file's area \"line-endings/\""});
}

TEST(Loader, FileLevelProblems) {
  const auto syntax = sc::load_corpus_text("{\"format_version\": 1,\n \"area\": }", "t.json");
  expect_diagnostic(syntax, "", "area", {"invalid JSON", "line 2"});
  const auto version = sc::load_corpus_text(
      std::string(fixture()).replace(fixture().find("\"format_version\": 1"), 19, "\"format_version\": 2"), "t.json");
  expect_diagnostic(version, "", "format_version", {"the integer 1", "refusing"});
  EXPECT_TRUE(version.loaded.cases.empty());
  const auto not_object = sc::load_corpus_text("[]", "t.json");
  expect_diagnostic(not_object, "", "", {"expected a JSON object", "found an empty array"});
}

TEST(Loader, DiagnosticToString) {
  const sc::diagnostic d{"f.json", "a/b", "expected[2].kind", "expected one of ..."};
  EXPECT_EQ(d.to_string(), "f.json: case 'a/b': key 'expected[2].kind': expected one of ...");
  EXPECT_EQ((sc::diagnostic{"f.json", "", "", "bad"}).to_string(), "f.json: bad");
}

}  // namespace

namespace {

// Never throws, never crashes, always explains: every truncation and many one-byte corruptions of a
// valid file (run under ASan/UBSan in CI).
TEST(Loader, CorruptedFilesAlwaysGiveDiagnostics) {
  const std::string valid = fixture(R"({"id": "line-endings/x", "description": "d", "rules": ["R8"], "class": "spec",
      "chunks": ["data: ", ["a", {"hex": "E2 82 AC"}], "\n\n"],
      "expected": [{"kind": "event", "type": "message", "data": "a€", "last_event_id": ""},
                   {"kind": "retry", "ms": 5}, {"kind": "end", "last_event_id": ""}]})");
  ASSERT_TRUE(sc::load_corpus_text(valid, "t.json").ok());
  for (std::size_t n = 0; n < valid.size(); ++n) {
    const auto r = sc::load_corpus_text(valid.substr(0, n), "t.json");
    ASSERT_FALSE(r.ok()) << "truncated at " << n;
    ASSERT_TRUE(r.loaded.cases.empty()) << "truncated at " << n;
    for (const auto& d : r.diagnostics) ASSERT_EQ(d.file, "t.json");
  }
  for (std::size_t i = 0; i < valid.size(); ++i) {
    for (char replacement : {'"', '}', '\\', '\xFF', '\0'}) {
      std::string corrupted = valid;
      corrupted[i] = replacement;
      const auto r = sc::load_corpus_text(corrupted, "t.json");
      for (const auto& d : r.diagnostics) {
        ASSERT_FALSE(d.message.empty());
        ASSERT_EQ(d.file, "t.json");
      }
    }
  }
}

}  // namespace
