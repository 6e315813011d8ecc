// rules_test.cpp: fixtures/rules.json, its schema, and what the rest of the library reads from it.
#include <sse/conformance/conformance.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

namespace sc = sse::conformance;

TEST(Rules, BundledCatalogueHasEveryRuleAndGapOnce) {
  const sc::rule_catalogue& rules = sc::bundled_rules();
  ASSERT_EQ(rules.rules.size(), 72u);
  ASSERT_GE(rules.gaps.size(), 9u);  // G1..G9, then the project's own gaps (P<n>)
  for (unsigned i = 1; i <= 72; ++i) EXPECT_NE(rules.rule("R" + std::to_string(i)), nullptr) << i;
  for (unsigned i = 1; i <= 9; ++i) EXPECT_NE(rules.gap("G" + std::to_string(i)), nullptr) << i;
  for (const auto& r : rules.rules) {
    EXPECT_EQ(r.link.rfind(rules.standard_url + "#", 0), 0u) << r.id << ": " << r.link;
    EXPECT_FALSE(r.summary.empty()) << r.id;
  }
  for (const auto& g : rules.gaps) EXPECT_FALSE(g.decision.empty()) << g.id;
}

TEST(Rules, EveryIdTheCorpusCitesResolves) {
  const auto loaded = sc::load_corpus({sc::bundled_fixtures_dir()});
  ASSERT_TRUE(loaded.ok());
  const sc::rule_catalogue& rules = sc::bundled_rules();
  for (const auto& c : loaded.loaded.cases) {
    for (const auto& id : c.rules) {
      const auto* r = rules.rule(id);
      ASSERT_NE(r, nullptr) << c.id << " cites " << id;
      EXPECT_NE(std::find(r->corpus.begin(), r->corpus.end(), "parsing"), r->corpus.end())
          << c.id << " is a parsing case citing " << id << ", which rules.json says no parsing case can show";
    }
    if (!c.gap.empty()) {
      EXPECT_NE(rules.gap(c.gap), nullptr) << c.id << " names gap " << c.gap;
    }
  }
}

TEST(Rules, SkippingFollowsObservableBy) {
  sc::test_case retry_case;
  retry_case.rules = {"R8", "R22"};
  sc::capabilities events_only{};
  events_only.end = false;
  const std::string why = sc::why_unchecked(retry_case, events_only);
  EXPECT_NE(why.find("R22"), std::string::npos) << why;
  EXPECT_NE(why.find("retry"), std::string::npos) << why;
  EXPECT_TRUE(sc::cites_rule_shown_only_by(retry_case, sse::observation_kind::retry));
  sc::test_case plain;
  plain.rules = {"R8", "R12"};
  EXPECT_EQ(sc::why_unchecked(plain, events_only), "");
  EXPECT_FALSE(sc::cites_rule_shown_only_by(plain, sse::observation_kind::retry));
}

void expect_problem(std::string_view text, const std::string& key, const std::string& words) {
  std::vector<sc::diagnostic> diagnostics;
  EXPECT_FALSE(sc::load_rules_text(text, "r.json", diagnostics));
  bool found = false;
  for (const auto& d : diagnostics)
    found = found || (d.file == "r.json" && d.key == key && d.message.find(words) != std::string::npos);
  std::string all;
  for (const auto& d : diagnostics) all += "\n  " + d.to_string();
  EXPECT_TRUE(found) << "no diagnostic at key '" << key << "' with '" << words << "'; got:" << all;
}

const std::string head =
    R"({"format_version": 1, "standard": {"title": "t", "url": "https://html.spec.whatwg.org/multipage/server-sent-events.html"},
  "groups": [{"id": "decoding", "title": "Decoding"}], )";
const std::string rule = R"({"id": "R1", "group": "decoding", "section": "9.2.6",
  "link": "https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation",
  "summary": "s", "corpus": ["parsing"], "observable_by": ["event"]})";

TEST(Rules, BrokenFilesNameTheKey) {
  std::vector<sc::diagnostic> diagnostics;
  ASSERT_TRUE(sc::load_rules_text(head + R"("rules": [)" + rule + R"(], "gaps": []})", "r.json", diagnostics))
      << (diagnostics.empty() ? "" : diagnostics[0].to_string());
  expect_problem("{", "", "not valid JSON");
  // Structure comes from fixtures/rules.schema.json (valijson): the key path of the bad value.
  std::string bad = rule;
  bad.replace(bad.find("\"R1\""), 4, "\"X1\"");
  expect_problem(head + R"("rules": [)" + bad + R"(], "gaps": []})", "rules[0].id", "rules.schema.json");
  bad = rule;
  bad.replace(bad.find("[\"event\"]"), 9, "[\"smell\"]");
  expect_problem(head + R"("rules": [)" + bad + R"(], "gaps": []})", "rules[0].observable_by[0]", "");
  // What a schema cannot say: unique ids, known groups, gaps naming known rules.
  std::string again = rule;
  again.replace(again.find("\"s\""), 3, "\"t\"");
  expect_problem(head + R"("rules": [)" + rule + "," + again + R"(], "gaps": []})", "rules[1].id",
                 "duplicate rule id R1");
  bad = rule;
  bad.replace(bad.find("\"group\": \"decoding\""), 19, "\"group\": \"dispatch\"");
  expect_problem(head + R"("rules": [)" + bad + R"(], "gaps": []})", "rules[0].group", "no group 'dispatch'");
  expect_problem(head + R"("rules": [)" + rule + R"(], "gaps": [{"id": "G1", "summary": "s", "rules": ["R2"],
      "link": "https://html.spec.whatwg.org/multipage/server-sent-events.html#x", "decision": "d"}]})",
                 "gaps[0].rules", "R2");
}

}  // namespace
