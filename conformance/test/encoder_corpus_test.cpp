// The encoder corpus (fixtures/encoder/) against the reference encoder, under every chunking plan;
// the encoder case loader's diagnostics; and the judge: that it catches each kind of writer bug
// (injected fields and events, eaten spaces, lost line breaks, malformed blocks, wrong refusals).
#include <sse/conformance/encoder_case.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

namespace conf = sse::conformance;

const conf::encoder_load_result& bundled() {
  static const auto loaded = conf::load_encoder_cases({conf::bundled_encoder_fixtures_dir()});
  return loaded;
}

std::string diagnostics_text(const std::vector<conf::diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.to_string() + "\n";
  return out;
}

TEST(EncoderCorpus, LoadsCleanlyWithAtLeastEightyCases) {
  const auto& loaded = bundled();
  ASSERT_TRUE(loaded.ok()) << diagnostics_text(loaded.diagnostics);
  EXPECT_GE(loaded.cases.size(), 80u);
  std::set<std::string> reasons;
  for (const auto& c : loaded.cases)
    if (c.expect_refusal) reasons.insert(c.refusal_reason);
  // Every refusal the encoder can give on a JSON event is exercised (invalid-utf8 needs bytes that a
  // JSON string cannot hold).
  for (const char* r : {"id-contains-nul", "id-contains-line-break", "type-contains-line-break", "retry-too-large",
                        "retry-negative", "retry-not-integer"})
    EXPECT_TRUE(reasons.count(r)) << r;
}

TEST(EncoderCorpus, ReferenceEncoderPassesEveryCaseUnderEveryChunking) {
  for (const auto& c : bundled().cases) {
    SCOPED_TRACE(c.meta.id);
    const auto in = conf::to_outgoing_event(c.event);
    const auto written =
        in.error != sse::encode_error::none ? sse::encode_result{{}, in.error, "retry"} : sse::encode(in.event);
    if (c.expect_refusal) {
      EXPECT_FALSE(written.ok());
      EXPECT_EQ(sse::to_string(written.error), c.refusal_reason);
      EXPECT_TRUE(conf::judge_refused(c, written.message).pass);
      continue;
    }
    ASSERT_TRUE(written.ok()) << written.message;
    const auto verdict = conf::judge_written(c, written.bytes);
    ASSERT_TRUE(verdict.pass) << verdict.explanation;
    EXPECT_TRUE(conf::grammar_problems(written.bytes).empty());
    EXPECT_TRUE(conf::injection_problems(c, written.bytes).empty());
    // The written bytes as a parsing case: the same read-back log under every chunking plan, with
    // the latency check after every chunk.
    conf::test_case as_stream = c.meta;
    as_stream.bytes = written.bytes;
    as_stream.expected = verdict.observed;
    const auto due = conf::due_counts(as_stream);
    conf::chunking_options options;
    options.random_variants = 4;
    const auto reference = conf::make_reference_implementation();
    for (const auto& ch : conf::make_chunkings(as_stream, options)) {
      const auto result = conf::run_case(*reference, as_stream, ch, due);
      // The canonical order only moves comments and retry lines that the reference writes first anyway.
      ASSERT_EQ(result.outcome, conf::outcome::pass) << ch.name << "\n" << result.diff;
    }
  }
}

// ---- the loader ------------------------------------------------------------------------------

conf::encoder_load_result load(const std::string& cases_json) {
  return conf::load_encoder_cases_text(
      R"({"format_version":1,"area":"encoder-test","title":"t","cases":[)" + cases_json + "]}", "test.json");
}

const char* valid_case = R"({"id":"encoder-test/a","description":"d","rules":["R19"],"class":"spec",
  "event":{"data":"x"},"expected":[{"kind":"event","type":"message","data":"x","last_event_id":""},
  {"kind":"end","last_event_id":""}]})";

TEST(EncoderLoader, AcceptsAValidCase) {
  const auto r = load(valid_case);
  ASSERT_TRUE(r.ok()) << diagnostics_text(r.diagnostics);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].event.json, R"({"data":"x"})");
}

void expect_diagnostic(const std::string& case_json, const std::string& key, const std::string& words) {
  const auto r = load(case_json);
  ASSERT_FALSE(r.ok()) << case_json;
  bool found = false;
  for (const auto& d : r.diagnostics)
    found = found || (d.file == "test.json" && d.key == key && d.message.find(words) != std::string::npos);
  EXPECT_TRUE(found) << "wanted key '" << key << "' with \"" << words << "\", got:\n"
                     << diagnostics_text(r.diagnostics);
}

TEST(EncoderLoader, NamesFileCaseAndKey) {
  const auto r = load(
      R"({"id":"encoder-test/b","description":"d","rules":["R19"],"class":"spec","event":{"data":1},"refused":"id-contains-nul"})");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(),
            "test.json: case 'encoder-test/b': key 'event.data': expected a string or {\"utf16\": [code units]}, found "
            "the number 1");
  expect_diagnostic(
      R"({"id":"encoder-test/b","description":"d","rules":["R19"],"class":"spec","event":{"colour":"x"},"refused":"id-contains-nul"})",
      "event.colour", "unknown key");
  expect_diagnostic(
      R"({"id":"encoder-test/b","description":"d","rules":["R19"],"class":"spec","event":{},"refused":"nope"})",
      "refused", "expected a reason code");
  expect_diagnostic(R"({"id":"encoder-test/b","description":"d","rules":["R19"],"class":"spec","event":{}})",
                    "expected", "exactly one of");
  expect_diagnostic(
      R"({"id":"encoder-test/b","description":"d","rules":["R19"],"class":"spec","event":{"retry":"1"},"refused":"retry-negative"})",
      "event.retry", "expected a JSON number");
  expect_diagnostic(
      R"({"id":"encoder-test/b","description":"d","rules":["R19"],"class":"spec","event":{"id":{"utf16":[70000]}},"refused":"retry-negative"})",
      "event.id.utf16[0]", "UTF-16 code unit");
  expect_diagnostic(
      R"({"id":"encoder-test/b","description":"d","rules":["R99"],"class":"spec","event":{},"refused":"retry-negative"})",
      "rules[0]", "rule ids");
  expect_diagnostic(
      R"({"id":"encoder-test/b","description":"d","rules":["R12"],"class":"spec","event":{"comments":["c"]},
    "expected":[{"kind":"end","last_event_id":""},{"kind":"comment","text":"c"}]})",
      "expected", "end");
  expect_diagnostic(
      R"({"id":"encoder-test/b","description":"d","rules":["R12"],"class":"spec","event":{"retry":1,"comments":["c"]},
    "expected":[{"kind":"retry","ms":1},{"kind":"comment","text":"c"},{"kind":"end","last_event_id":""}]})",
      "expected", "canonical order");
  expect_diagnostic(std::string(valid_case) + "," + valid_case, "id", "duplicate id");
}

TEST(EncoderLoader, Utf16FormBecomesUtf8WithReplacementForLoneSurrogates) {
  const auto r =
      load(R"({"id":"encoder-test/s","description":"d","rules":["R2"],"class":"implementation-defined","gap":"E1",
    "event":{"data":{"utf16":[97,55296]}},"expected":[{"kind":"event","type":"message","data":"a\ufffd","last_event_id":""},
    {"kind":"end","last_event_id":""}]})");
  ASSERT_TRUE(r.ok()) << diagnostics_text(r.diagnostics);
  EXPECT_EQ(r.cases[0].event.data->utf8, "a\xEF\xBF\xBD");
  ASSERT_TRUE(r.cases[0].event.data->utf16.has_value());
  EXPECT_EQ(r.cases[0].event.data->utf16->size(), 2u);
}

// ---- the judge -------------------------------------------------------------------------------

conf::encoder_case one_case(const std::string& case_json) {
  const auto r = load(case_json);
  EXPECT_TRUE(r.ok()) << diagnostics_text(r.diagnostics);
  return r.cases.at(0);
}

const char* id_injection_case = R"({"id":"encoder-test/i","description":"d","rules":["R20"],"class":"spec",
  "event":{"id":"1\nretry: 1","data":"x"},"refused":"id-contains-line-break"})";

TEST(EncoderJudge, WritingAnUnrepresentableIdThroughIsAnInjection) {
  const auto c = one_case(id_injection_case);
  const auto j = conf::judge_written(c, "id: 1\nretry: 1\ndata: x\n\n");
  EXPECT_FALSE(j.pass);
  EXPECT_EQ(j.problem, conf::encoder_problem::injection);
  EXPECT_NE(j.explanation.find("retry"), std::string::npos) << j.explanation;
  EXPECT_TRUE(conf::judge_refused(c, "id must not contain \\n").pass);
  // Stripping the line break instead of refusing changes the id: written, not refused.
  const auto stripped = conf::judge_written(c, "id: 1retry: 1\ndata: x\n\n");
  EXPECT_EQ(stripped.problem, conf::encoder_problem::wrote_unrepresentable);
}

TEST(EncoderJudge, AForgedSecondEventIsAnInjection) {
  const auto c = one_case(valid_case);
  const auto j = conf::judge_written(c, "data: x\n\ndata: forged\n\n");
  EXPECT_EQ(j.problem, conf::encoder_problem::injection);
  EXPECT_NE(j.explanation.find("second event block"), std::string::npos) << j.explanation;
  EXPECT_EQ(conf::judge_written(c, "event: x\ndata: x\n\n").problem, conf::encoder_problem::injection);
  EXPECT_EQ(conf::judge_written(c, "data: x\nfoo: 1\n\n").problem, conf::encoder_problem::injection);
}

TEST(EncoderJudge, EatenSpaceAndLostBreaksAreDataLoss) {
  const auto spaced =
      one_case(R"({"id":"encoder-test/s","description":"d","rules":["R14"],"class":"spec","event":{"data":" x"},
    "expected":[{"kind":"event","type":"message","data":" x","last_event_id":""},{"kind":"end","last_event_id":""}]})");
  EXPECT_TRUE(conf::judge_written(spaced, "data:  x\n\n").pass);
  const auto eaten = conf::judge_written(spaced, "data: x\n\n");
  EXPECT_EQ(eaten.problem, conf::encoder_problem::data_loss);
  EXPECT_NE(eaten.explanation.find("- event"), std::string::npos) << eaten.explanation;
}

TEST(EncoderJudge, MalformedBlocksAndWrongRefusals) {
  const auto c = one_case(valid_case);
  EXPECT_EQ(conf::judge_written(c, "data: x\n").problem, conf::encoder_problem::malformed);
  EXPECT_EQ(conf::judge_written(c, "data: x").problem, conf::encoder_problem::malformed);
  EXPECT_EQ(conf::judge_written(c, "").problem, conf::encoder_problem::malformed);
  EXPECT_EQ(conf::judge_written(c, "data: \xFF\n\n").problem, conf::encoder_problem::malformed);
  EXPECT_EQ(conf::judge_refused(c, "no").problem, conf::encoder_problem::refused_representable);
  // CRLF line endings and a leading BOM are well-formed.
  EXPECT_TRUE(conf::judge_written(c,
                                  "\xEF\xBB\xBF"
                                  "data: x\r\n\r\n")
                  .pass);
}

TEST(EncoderJudge, CommentAndRetryBlocksAndCommentSpacesAreAllowed) {
  const auto c = one_case(R"({"id":"encoder-test/c","description":"d","rules":["R12"],"class":"spec",
    "event":{"comments":["a"],"retry":5,"data":"x"},"expected":[{"kind":"comment","text":"a"},{"kind":"retry","ms":5},
    {"kind":"event","type":"message","data":"x","last_event_id":""},{"kind":"end","last_event_id":""}]})");
  EXPECT_TRUE(conf::judge_written(c, ":a\nretry: 5\ndata: x\n\n").pass);
  EXPECT_TRUE(conf::judge_written(c, ": a\n\nretry: 5\n\ndata: x\n\n").pass)
      << conf::judge_written(c, ": a\n\nretry: 5\n\ndata: x\n\n").explanation;
  EXPECT_TRUE(conf::judge_written(c, "data: x\nretry: 5\n:a\n\n").pass);
  EXPECT_EQ(conf::judge_written(c, ":  a\nretry: 5\ndata: x\n\n").problem, conf::encoder_problem::data_loss);
  EXPECT_EQ(conf::judge_written(c, ":a\nretry: 5\nretry: 5\ndata: x\n\n").problem, conf::encoder_problem::injection);
}

}  // namespace
