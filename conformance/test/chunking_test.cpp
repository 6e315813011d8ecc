// chunking_test.cpp: each plan cuts where it says, reproducibly, without duplicates.
#include <sse/conformance/conformance.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace sc = sse::conformance;

namespace {

sc::test_case body(std::string bytes, std::string id = "area/case") {
  sc::test_case c;
  c.id = std::move(id);
  c.bytes = std::move(bytes);
  return c;
}

std::vector<sc::chunking> only(const sc::test_case& c, std::vector<sc::plan> plans, unsigned variants = 8) {
  sc::chunking_options options;
  options.plans = std::move(plans);
  options.random_variants = variants;
  return sc::make_chunkings(c, options);
}

std::vector<std::string> names(const std::vector<sc::chunking>& chunkings) {
  std::vector<std::string> out;
  for (const auto& ch : chunkings) out.push_back(ch.name);
  return out;
}

const sc::chunking* find(const std::vector<sc::chunking>& chunkings, const std::string& name) {
  for (const auto& ch : chunkings) {
    if (ch.name == name) return &ch;
  }
  return nullptr;
}

using splits = std::vector<std::size_t>;

TEST(Chunking, WholeBytewiseEverySplit) {
  const auto c = body("abcd");
  const auto all = only(c, {sc::plan::whole, sc::plan::bytewise, sc::plan::every_split});
  EXPECT_EQ(names(all), (std::vector<std::string>{"whole", "bytewise", "split@1", "split@2", "split@3"}));
  EXPECT_EQ(all[0].splits, splits{});
  EXPECT_EQ(all[1].splits, (splits{1, 2, 3}));
  EXPECT_EQ(all[3].splits, splits{2});
}

TEST(Chunking, EverySplitOfALongBodySkipsOnlyTheInsideOfOrdinaryRuns) {
  const std::string bytes = "data: " + std::string(10000, 'x') + ":y" + std::string(10000, 'x') + "\n\n";
  const auto split = only(body(bytes), {sc::plan::every_split});
  std::vector<std::size_t> offsets;
  for (const auto& ch : split) offsets.push_back(ch.splits.at(0));
  // The first and last 64 offsets, and 8 either side of the ':' at 10006.
  for (std::size_t k = 1; k <= 64; ++k) EXPECT_NE(std::find(offsets.begin(), offsets.end(), k), offsets.end()) << k;
  for (std::size_t k = 9999; k <= 10014; ++k)
    EXPECT_NE(std::find(offsets.begin(), offsets.end(), k), offsets.end()) << k;
  EXPECT_EQ(std::find(offsets.begin(), offsets.end(), 5000), offsets.end());
  EXPECT_LT(split.size(), 200u);
  sc::chunking_options unlimited;
  unlimited.plans = {sc::plan::every_split};
  unlimited.every_split_limit = 0;
  EXPECT_EQ(sc::make_chunkings(body(bytes), unlimited).size(), bytes.size() - 1);
}

TEST(Chunking, EmptyAndOneByteBodies) {
  EXPECT_EQ(names(only(body(""), sc::all_plans())), std::vector<std::string>{"whole"});
  EXPECT_EQ(names(only(body("a"), sc::all_plans())), std::vector<std::string>{"whole"});
}

TEST(Chunking, BoundariesSplitInsideCrlfBomAndUtf8) {
  // EF BB BF | d a t a : ' ' | E2 82 AC | \r \n | \r \n
  const std::string bytes =
      "\xEF\xBB\xBF"
      "data: \xE2\x82\xAC\r\n\r\n";
  const auto b = only(body(bytes), {sc::plan::boundaries});
  EXPECT_EQ(names(b),
            (std::vector<std::string>{"bom@1", "bom@2", "utf8@10", "utf8@11", "crlf@13", "crlf@15", "boundaries"}));
  ASSERT_NE(find(b, "boundaries"), nullptr);
  EXPECT_EQ(find(b, "boundaries")->splits, (splits{1, 2, 10, 11, 13, 15}));
}

TEST(Chunking, BoundariesSplitInsideAndAfterInvalidRuns) {
  // A truncated sequence (E2 82) then LF: cut inside it and right after it, where a streaming
  // decoder must turn the held bytes into U+FFFD.
  const auto b = only(body("a\xE2\x82\nb\xFF\xFEz"), {sc::plan::boundaries});
  EXPECT_EQ(names(b), (std::vector<std::string>{"utf8@2", "utf8@3", "utf8@6", "utf8@7", "boundaries"}));
  // A well-formed sequence is not cut after its end (that is an ordinary boundary).
  EXPECT_EQ(names(only(body("\xC3\xA9x"), {sc::plan::boundaries})), std::vector<std::string>{"utf8@1"});
  // A lone CR or LF is not a CRLF.
  EXPECT_TRUE(only(body("a\rb\nc\n\r"), {sc::plan::boundaries}).empty());
}

TEST(Chunking, RandomIsReproducibleAndValid) {
  const std::string bytes(200, 'x');
  const auto first = only(body(bytes), {sc::plan::random});
  const auto again = only(body(bytes), {sc::plan::random});
  ASSERT_EQ(first.size(), 8u);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].name, "random#" + std::to_string(i));
    EXPECT_EQ(first[i].splits, again[i].splits);
    ASSERT_FALSE(first[i].splits.empty());
    EXPECT_TRUE(std::is_sorted(first[i].splits.begin(), first[i].splits.end()));
    EXPECT_EQ(std::adjacent_find(first[i].splits.begin(), first[i].splits.end()), first[i].splits.end());
    EXPECT_GT(first[i].splits.front(), 0u);
    EXPECT_LT(first[i].splits.back(), bytes.size());
  }
  // Another case id or another seed gives other cuts.
  EXPECT_NE(only(body(bytes, "area/other"), {sc::plan::random})[0].splits, first[0].splits);
  sc::chunking_options reseeded;
  reseeded.plans = {sc::plan::random};
  reseeded.seed = 1;
  EXPECT_NE(sc::make_chunkings(body(bytes), reseeded)[0].splits, first[0].splits);
  EXPECT_EQ(only(body(bytes), {sc::plan::random}, 3).size(), 3u);
}

TEST(Chunking, PinnedAndDedupe) {
  auto c = body("abc");
  c.has_pinned_chunks = true;
  c.pinned_splits = {1};
  // bytewise and split@1/split@2 for "abc": split@1 equals pinned; first name wins, in plan order.
  EXPECT_EQ(names(only(c, {sc::plan::whole, sc::plan::every_split, sc::plan::pinned})),
            (std::vector<std::string>{"whole", "split@1", "split@2"}));
  EXPECT_EQ(names(only(c, {sc::plan::pinned, sc::plan::every_split})), (std::vector<std::string>{"pinned", "split@2"}));
  // Two bytes: bytewise is split@1.
  EXPECT_EQ(names(only(body("ab"), {sc::plan::bytewise, sc::plan::every_split})), std::vector<std::string>{"bytewise"});
  // A case without pinned chunks has no pinned chunking.
  EXPECT_TRUE(only(body("abc"), {sc::plan::pinned}).empty());
}

TEST(Chunking, CutMakesExactChunks) {
  const std::string bytes = "abcdef";
  const auto chunks = sc::cut(bytes, {"t", {2, 2, 5}});
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].view(), "ab");
  EXPECT_EQ(chunks[1].view(), "");  // pinned empty chunk
  EXPECT_EQ(chunks[2].view(), "cde");
  EXPECT_EQ(chunks[3].view(), "f");
  EXPECT_EQ(sc::cut(bytes, {"whole", {}}).size(), 1u);
  EXPECT_EQ(sc::cut("", {"whole", {}}).at(0).size, 0u);
  const auto leading = sc::cut(bytes, {"pinned", {0}});
  ASSERT_EQ(leading.size(), 2u);
  EXPECT_EQ(leading[0].size, 0u);
  EXPECT_EQ(leading[1].view(), "abcdef");
}

TEST(Chunking, PlanNames) {
  std::string error;
  EXPECT_EQ(sc::parse_plan_names("whole, bytewise", &error),
            (std::vector<sc::plan>{sc::plan::whole, sc::plan::bytewise}));
  EXPECT_EQ(sc::parse_plan_names("all", &error), sc::all_plans());
  EXPECT_EQ(sc::all_plans().size(), 6u);
  EXPECT_EQ(sc::parse_plan_names("pinned,pinned", &error), std::vector<sc::plan>{sc::plan::pinned});
  EXPECT_FALSE(sc::parse_plan_names("whole,bytwise", &error));
  EXPECT_NE(error.find("\"bytwise\""), std::string::npos) << error;
  EXPECT_FALSE(sc::parse_plan_names("", &error));
  for (sc::plan p : sc::all_plans()) {
    EXPECT_EQ(sc::parse_plan_names(sc::to_string(p), &error), std::vector<sc::plan>{p});
  }
}

}  // namespace
