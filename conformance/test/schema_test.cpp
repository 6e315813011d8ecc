// schema_test.cpp: fixtures/schema.json and the loader say the same thing. The schema is the one
// statement of the fixture format's structure that other languages validate against (valijson here,
// Ajv in wasm/test/schema.test.mjs); the loader reads cases with messages that name the case and the
// key. Both run over the same broken documents: what one rejects, the other must too, except the few
// things a draft-07 schema cannot say, which only the loader checks. That every bundled file satisfies
// the schema is checked by Ajv (wasm/test/schema.test.mjs): valijson matches `pattern` with
// libstdc++'s std::regex, which recurses once per character and overflows the stack on the corpus's
// 100 KB lines, so it is given only these small documents.
#include "schema_check.hpp"

#include <sse/conformance/conformance.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

namespace {

namespace sc = sse::conformance;
namespace sd = sse::conformance::detail;
using json = nlohmann::json;

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const sd::schema_check& fixture_schema() {
  static const sd::schema_check check(read_file(sc::bundled_fixtures_dir() / "schema.json"), "fixtures/schema.json");
  return check;
}

bool schema_accepts(const json& document, std::string* why = nullptr) {
  sd::problem_list problems;
  const bool ok = fixture_schema().validate(document, problems);
  if (why != nullptr)
    for (const auto& p : problems) *why += "  " + p.key + ": " + p.message + "\n";
  return ok;
}

bool loader_accepts(const json& document) { return sc::load_corpus_text(document.dump(), "t.json").ok(); }

json good() {
  return json::parse(R"({"format_version": 1, "area": "demo", "title": "demo", "cases": [{
    "id": "demo/one", "description": "d", "rules": ["R19"], "class": "spec", "input": "data: a\n\n",
    "tags": ["nul"], "evidence": ["whatwg/html#1"],
    "expected": [{"kind": "event", "type": "message", "data": "a", "last_event_id": ""},
                 {"kind": "end", "last_event_id": ""}]}]})");
}

struct breakage {
  const char* name;
  std::function<void(json&)> apply;
};

// Broken in ways both must refuse.
const breakage both_refuse[] = {
    {"unknown format_version", [](json& d) { d["format_version"] = 2; }},
    {"missing title", [](json& d) { d.erase("title"); }},
    {"area not hyphenated words", [](json& d) { d["area"] = "Demo Area"; }},
    {"no cases", [](json& d) { d["cases"] = json::array(); }},
    {"unknown top-level key", [](json& d) { d["extra"] = 1; }},
    {"unknown case key", [](json& d) { d["cases"][0]["expectd"] = json::array(); }},
    {"bad id", [](json& d) { d["cases"][0]["id"] = "demo one"; }},
    {"empty description", [](json& d) { d["cases"][0]["description"] = ""; }},
    {"no rules", [](json& d) { d["cases"][0]["rules"] = json::array(); }},
    {"rule id out of range", [](json& d) { d["cases"][0]["rules"] = {"R99"}; }},
    {"a rule listed twice",
     [](json& d) {
       d["cases"][0]["rules"] = {"R19", "R19"};
     }},
    {"a tag listed twice",
     [](json& d) {
       d["cases"][0]["tags"] = {"nul", "nul"};
     }},
    {"evidence listed twice",
     [](json& d) {
       d["cases"][0]["evidence"] = {"a", "a"};
     }},
    {"bad tag", [](json& d) { d["cases"][0]["tags"] = {"Not A Tag"}; }},
    {"unknown class", [](json& d) { d["cases"][0]["class"] = "Spec"; }},
    {"implementation-defined without gap", [](json& d) { d["cases"][0]["class"] = "implementation-defined"; }},
    {"gap on a spec case", [](json& d) { d["cases"][0]["gap"] = "G1"; }},
    {"unknown gap",
     [](json& d) {
       d["cases"][0]["class"] = "implementation-defined";
       d["cases"][0]["gap"] = "G10";
     }},
    {"both input and chunks", [](json& d) { d["cases"][0]["chunks"] = {"x"}; }},
    {"neither input nor chunks", [](json& d) { d["cases"][0].erase("input"); }},
    {"empty chunks",
     [](json& d) {
       d["cases"][0].erase("input");
       d["cases"][0]["chunks"] = json::array();
     }},
    {"bad hex part", [](json& d) { d["cases"][0]["input"] = json::parse(R"([{"hex": "GG"}])"); }},
    {"odd hex digits", [](json& d) { d["cases"][0]["input"] = json::parse(R"([{"hex": "EFB"}])"); }},
    {"extra key in a hex part", [](json& d) { d["cases"][0]["input"] = json::parse(R"([{"hex": "EF", "x": 1}])"); }},
    {"initial id with LF", [](json& d) { d["cases"][0]["initial_last_event_id"] = "a\nb"; }},
    {"missing expected", [](json& d) { d["cases"][0].erase("expected"); }},
    {"no end observation", [](json& d) { d["cases"][0]["expected"].erase(1); }},
    {"extra observation key", [](json& d) { d["cases"][0]["expected"][0]["extra"] = 1; }},
    {"unknown observation kind", [](json& d) { d["cases"][0]["expected"][0]["kind"] = "message"; }},
    {"missing observation key", [](json& d) { d["cases"][0]["expected"][0].erase("data"); }},
    {"empty event type", [](json& d) { d["cases"][0]["expected"][0]["type"] = ""; }},
    {"CR in data", [](json& d) { d["cases"][0]["expected"][0]["data"] = "a\rb"; }},
    {"NUL in an id", [](json& d) { d["cases"][0]["expected"][1]["last_event_id"] = std::string("a\0b", 3); }},
    {"retry ms above 2^53-1",
     [](json& d) {
       d["cases"][0]["expected"].insert(d["cases"][0]["expected"].begin(),
                                        json{{"kind", "retry"}, {"ms", 9007199254740992ULL}});
     }},
    {"negative retry ms",
     [](json& d) {
       d["cases"][0]["expected"].insert(d["cases"][0]["expected"].begin(), json{{"kind", "retry"}, {"ms", -1}});
     }},
    {"fractional retry ms",
     [](json& d) {
       d["cases"][0]["expected"].insert(d["cases"][0]["expected"].begin(), json{{"kind", "retry"}, {"ms", 1.5}});
     }},
};

// What draft-07 cannot say, so only the loader refuses it (documented in fixtures/schema.json).
const breakage only_the_loader_refuses[] = {
    {"two end observations", [](json& d) { d["cases"][0]["expected"].push_back(d["cases"][0]["expected"][1]); }},
    {"end not last",
     [](json& d) {
       auto& e = d["cases"][0]["expected"];
       std::swap(e[0], e[1]);
     }},
    {"duplicate case ids", [](json& d) { d["cases"].push_back(d["cases"][0]); }},
    {"id not starting with the file's area", [](json& d) { d["cases"][0]["id"] = "other/one"; }},
};

TEST(Schema, TheMinimalDocumentIsValidForBoth) {
  std::string why;
  EXPECT_TRUE(schema_accepts(good(), &why)) << why;
  EXPECT_TRUE(loader_accepts(good()));
}

TEST(Schema, BothRefuseTheSameBrokenDocuments) {
  for (const auto& b : both_refuse) {
    json d = good();
    b.apply(d);
    EXPECT_FALSE(schema_accepts(d)) << "the schema accepts a document with " << b.name;
    EXPECT_FALSE(loader_accepts(d)) << "the loader accepts a document with " << b.name;
  }
}

TEST(Schema, WhatOnlyTheLoaderChecks) {
  for (const auto& b : only_the_loader_refuses) {
    json d = good();
    b.apply(d);
    std::string why;
    EXPECT_TRUE(schema_accepts(d, &why)) << b.name << ": the schema now says this too; move it to both_refuse\n" << why;
    EXPECT_FALSE(loader_accepts(d)) << "the loader accepts a document with " << b.name;
  }
}

}  // namespace
