// compare_test.cpp: diffs a person can read, capabilities, and logs as JSON.
#include <sse/conformance/conformance.hpp>

#include <gtest/gtest.h>

namespace sc = sse::conformance;
using sse::observation;

namespace {

TEST(Compare, EqualLogs) {
  const sse::observation_log log{observation::event("message", "a", ""), observation::end("")};
  const auto r = sc::compare_logs(log, log);
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.diff, "");
}

TEST(Compare, MissingEventShowsAsMinus) {
  const sse::observation_log expected{observation::event("message", "a", ""), observation::event("message", "b", ""),
                                      observation::end("")};
  const sse::observation_log observed{observation::event("message", "a", ""), observation::end("")};
  const auto r = sc::compare_logs(expected, observed);
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.diff,
            "  event type=\"message\" data=\"a\" last_event_id=\"\"\n"
            "- event type=\"message\" data=\"b\" last_event_id=\"\"\n"
            "  end last_event_id=\"\"\n");
}

TEST(Compare, ChangedAndExtraObservations) {
  const sse::observation_log expected{observation::event("message", "a\nb", ""), observation::end("")};
  const sse::observation_log observed{observation::event("message", "a", ""), observation::event("message", "b", ""),
                                      observation::retry(3000), observation::end("")};
  EXPECT_EQ(sc::compare_logs(expected, observed).diff,
            "- event type=\"message\" data=\"a\\nb\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"a\" last_event_id=\"\"\n"
            "+ event type=\"message\" data=\"b\" last_event_id=\"\"\n"
            "+ retry ms=3000\n"
            "  end last_event_id=\"\"\n");
}

TEST(Compare, LongEqualRunsAreFolded) {
  sse::observation_log expected;
  for (int i = 0; i < 50; ++i) expected.push_back(observation::comment(std::to_string(i)));
  sse::observation_log observed = expected;
  observed[25] = observation::comment("x");
  const auto r = sc::compare_logs(expected, observed);
  EXPECT_NE(r.diff.find("  ... 22 equal observations ...\n"), std::string::npos) << r.diff;
  EXPECT_NE(r.diff.find("- comment text=\"25\"\n+ comment text=\"x\"\n"), std::string::npos) << r.diff;
  EXPECT_NE(r.diff.find("  ... 21 equal observations ...\n"), std::string::npos) << r.diff;
  EXPECT_LT(std::count(r.diff.begin(), r.diff.end(), '\n'), 12);
}

TEST(Compare, OneSideEmpty) {
  const sse::observation_log log{observation::end("x")};
  EXPECT_EQ(sc::compare_logs(log, {}).diff, "- end last_event_id=\"x\"\n");
  EXPECT_EQ(sc::compare_logs({}, log).diff, "+ end last_event_id=\"x\"\n");
}

TEST(Capabilities, ProjectKeepsObservableKinds) {
  const sse::observation_log log{observation::comment(" hi"), observation::retry(5), observation::id_commit("1"),
                                 observation::event("message", "a", "1"), observation::end("1")};
  const sc::capabilities browser{};  // events and end only
  EXPECT_EQ(sc::project(log, browser),
            (sse::observation_log{observation::event("message", "a", "1"), observation::end("1")}));
  EXPECT_EQ(sc::project(log, sc::capabilities::all()), log);
  EXPECT_TRUE(browser.observes(sse::observation_kind::end));
  EXPECT_FALSE(browser.observes(sse::observation_kind::comment));
}

TEST(Capabilities, CanCheck) {
  sc::test_case retry_case;
  retry_case.rules = {"R22"};
  EXPECT_FALSE(sc::can_check(retry_case, sc::capabilities{}));
  EXPECT_TRUE(sc::can_check(retry_case, sc::capabilities::all()));
  sc::test_case commit_case;
  commit_case.rules = {"R26"};
  EXPECT_TRUE(sc::can_check(commit_case, sc::capabilities{}));  // sees the commit through `end`
  sc::capabilities no_end{};
  no_end.end = false;
  EXPECT_FALSE(sc::can_check(commit_case, no_end));
  sc::test_case comment_case;
  comment_case.rules = {"R12"};
  EXPECT_TRUE(sc::can_check(comment_case, sc::capabilities{}));
}

TEST(ObservationJson, RoundTrip) {
  const sse::observation_log log{observation::event("t", "a\nb\0c", "1"), observation::retry(9007199254740991ULL),
                                 observation::id_commit("x"), observation::comment(""),
                                 observation::end("\xEF\xBF\xBD")};
  const std::string text = sc::log_to_json(log);
  EXPECT_EQ(sc::observation_to_json(log[1]), R"({"kind":"retry","ms":9007199254740991})");
  EXPECT_NE(text.find(R"({"kind":"last_event_id","value":"x"})"), std::string::npos) << text;
  std::string error;
  const auto back = sc::log_from_json(text, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, log);
}

TEST(ObservationJson, BadLogsAreRefusedWithReasons) {
  std::string error;
  EXPECT_FALSE(sc::log_from_json("[", &error));
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
  EXPECT_FALSE(sc::log_from_json(R"([{"kind":"event","type":"message","data":"a"}])", &error));
  EXPECT_NE(error.find("[0]: missing key 'last_event_id'"), std::string::npos) << error;
  EXPECT_FALSE(sc::log_from_json(R"({"kind":"end"})", &error));
  EXPECT_NE(error.find("expected an array"), std::string::npos) << error;
  // An observed log need not end with `end` (some implementations cannot observe it).
  EXPECT_TRUE(sc::log_from_json(R"([{"kind":"comment","text":"x"}])", &error));
  EXPECT_TRUE(sc::log_from_json("[]", &error));
}

}  // namespace
