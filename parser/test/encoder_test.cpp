// The reference encoder: exact bytes for the main forms, every refusal, and a property test: for
// seeded random events built from the characters that matter (every line break, spaces, colons,
// NUL, field-like text, non-ASCII), the parser reads the written bytes back as the event after the
// documented normalisation, under every two-way split, byte by byte and under random chunkings.
#include "chunked_parse.hpp"

#include <sse/encoder.hpp>
#include <sse/parser.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace {

using sse::encode_error;
using sse::observation;
using sse::outgoing_event;

std::string write(const outgoing_event& e) {
  const auto r = sse::encode(e);
  EXPECT_TRUE(r.ok()) << r.message;
  return r.bytes;
}

outgoing_event data_only(std::string data) {
  outgoing_event e;
  e.data = std::move(data);
  return e;
}

TEST(Encoder, DataLinesSplitOnEveryLineBreak) {
  EXPECT_EQ(write(data_only("hello")), "data: hello\n\n");
  EXPECT_EQ(write(data_only("a\nb\r\nc\rd")), "data: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(write(data_only("a\r\r\nb")), "data: a\ndata:\ndata: b\n\n");
  EXPECT_EQ(write(data_only("a\n")), "data: a\ndata:\n\n");
  EXPECT_EQ(write(data_only("\n")), "data:\ndata:\n\n");
}

TEST(Encoder, EmptyDataIsOneEmptyDataLine) { EXPECT_EQ(write(data_only("")), "data:\n\n"); }

TEST(Encoder, LeadingSpaceSurvivesBecauseOneSpaceIsAlwaysWritten) {
  EXPECT_EQ(write(data_only(" x")), "data:  x\n\n");
  EXPECT_EQ(write(data_only("   ")), "data:    \n\n");
  outgoing_event e;
  e.type = " t";
  e.id = " 1";
  EXPECT_EQ(write(e), "event:  t\nid:  1\n\n");
}

TEST(Encoder, FieldOrderCommentsFirstBlankLineLast) {
  outgoing_event e;
  e.comments = {"keep-alive", " spaced"};
  e.type = "update";
  e.id = "42";
  e.retry = 3000;
  e.data = "x";
  EXPECT_EQ(write(e), ":keep-alive\n: spaced\nevent: update\nid: 42\nretry: 3000\ndata: x\n\n");
}

TEST(Encoder, EmptyTypeAndEmptyIdAndNoData) {
  outgoing_event e;
  e.type = "";
  e.id = "";
  EXPECT_EQ(write(e), "id:\n\n");
  EXPECT_EQ(write(outgoing_event{}), "\n");
}

TEST(Encoder, CommentWithLineBreaksBecomesSeveralCommentLines) {
  outgoing_event e;
  e.comments = {"a\r\nb\rc\nd", ""};
  EXPECT_EQ(write(e), ":a\n:b\n:c\n:d\n:\n\n");
}

TEST(Encoder, NulAllowedInDataTypeAndComments) {
  outgoing_event e;
  e.type = std::string("t\0u", 3);
  e.data = std::string("a\0b", 3);
  e.comments = {std::string("\0", 1)};
  EXPECT_EQ(write(e), std::string(":\0\nevent: t\0u\ndata: a\0b\n\n", 25));
}

encode_error refusal(const outgoing_event& e) {
  const auto r = sse::encode(e);
  EXPECT_TRUE(r.bytes.empty());
  EXPECT_FALSE(r.message.empty());
  return r.error;
}

TEST(Encoder, RefusesWhatCannotBeRepresented) {
  outgoing_event e;
  e.id = "a\nretry: 1";
  EXPECT_EQ(refusal(e), encode_error::id_contains_line_break);
  e.id = "a\rb";
  EXPECT_EQ(refusal(e), encode_error::id_contains_line_break);
  e.id = std::string("a\0b", 3);
  EXPECT_EQ(refusal(e), encode_error::id_contains_nul);
  e = {};
  e.type = "x\r\ndata: forged";
  EXPECT_EQ(refusal(e), encode_error::type_contains_line_break);
  e = {};
  e.retry = sse::max_reconnection_time_ms + 1;
  EXPECT_EQ(refusal(e), encode_error::retry_too_large);
  e.retry = sse::max_reconnection_time_ms;
  EXPECT_EQ(write(e), "retry: 9007199254740991\n\n");
  for (const char* bad : {"\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    e = data_only(bad);
    EXPECT_EQ(refusal(e), encode_error::invalid_utf8) << bad;
    e = {};
    e.comments = {bad};
    EXPECT_EQ(refusal(e), encode_error::invalid_utf8) << bad;
  }
  const auto r = sse::encode([] {
    outgoing_event x;
    x.id = "ab\ncd";
    return x;
  }());
  EXPECT_EQ(r.message,
            "id: contains U+000A LINE FEED at byte 2 (the reader would end the line there and read the "
            "rest as another line)");
  EXPECT_EQ(sse::to_string(encode_error::id_contains_nul), "id-contains-nul");
}

TEST(Encoder, RetryFromNumber) {
  EXPECT_EQ(sse::retry_from_number(3000.0).milliseconds, 3000u);
  EXPECT_EQ(sse::retry_from_number(0.0).error, encode_error::none);
  EXPECT_EQ(sse::retry_from_number(-0.0).error, encode_error::none);
  EXPECT_EQ(sse::retry_from_number(9007199254740991.0).milliseconds, 9007199254740991u);
  EXPECT_EQ(sse::retry_from_number(9007199254740992.0).error, encode_error::retry_too_large);
  EXPECT_EQ(sse::retry_from_number(1.5).error, encode_error::retry_not_integer);
  EXPECT_EQ(sse::retry_from_number(-1.0).error, encode_error::retry_negative);
  EXPECT_EQ(sse::retry_from_number(std::numeric_limits<double>::infinity()).error, encode_error::retry_not_integer);
  EXPECT_EQ(sse::retry_from_number(std::numeric_limits<double>::quiet_NaN()).error, encode_error::retry_not_integer);
}

TEST(Encoder, Utf8FromUtf16ReplacesLoneSurrogates) {
  EXPECT_EQ(sse::utf8_from_utf16(u"a\u00E9\u20AC"), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(sse::utf8_from_utf16(std::u16string{0xD83D, 0xDE00}), "\xF0\x9F\x98\x80");
  EXPECT_EQ(sse::utf8_from_utf16(std::u16string{0xD800}), "\xEF\xBF\xBD");
  EXPECT_EQ(sse::utf8_from_utf16(std::u16string{0xDC00, 0xD800, u'x'}), "\xEF\xBF\xBD\xEF\xBF\xBDx");
}

// ---- property test ----------------------------------------------------------------------------

// Pieces that matter to a writer: every line break, spaces, colons, field-like text, NUL, the code
// points other line splitters break on, and non-ASCII.
const std::vector<std::string> pieces = {"a",
                                         "xyz",
                                         " ",
                                         "  ",
                                         "\t",
                                         ":",
                                         "\n",
                                         "\r",
                                         "\r\n",
                                         "\n\n",
                                         "\r\r",
                                         "data:",
                                         "data: x",
                                         "event: forged",
                                         "id: 9",
                                         "retry: 1",
                                         "\xE2\x80\xA8",
                                         "\xC2\x85",
                                         "\xEF\xBB\xBF",
                                         "\xC3\xA9",
                                         "\xF0\x9F\x98\x80",
                                         std::string(1, '\0')};

std::string random_text(std::mt19937_64& rng, bool allow_breaks, bool allow_nul) {
  std::string s;
  const auto n = std::uniform_int_distribution<int>(0, 6)(rng);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  for (int i = 0; i < n; ++i) {
    const auto& p = pieces[pick(rng)];
    if (!allow_breaks && p.find_first_of("\r\n") != std::string::npos) continue;
    if (!allow_nul && p.find('\0') != std::string::npos) continue;
    s += p;
  }
  return s;
}

outgoing_event random_event(std::mt19937_64& rng) {
  std::bernoulli_distribution coin(0.6);
  outgoing_event e;
  if (coin(rng)) e.type = random_text(rng, false, true);
  if (coin(rng)) e.data = random_text(rng, true, true);
  if (coin(rng)) e.id = random_text(rng, false, false);
  if (coin(rng)) e.retry = std::uniform_int_distribution<std::uint64_t>(0, sse::max_reconnection_time_ms)(rng);
  const auto comments = std::uniform_int_distribution<int>(0, 2)(rng);
  for (int i = 0; i < comments; ++i) e.comments.push_back(random_text(rng, true, true));
  return e;
}

// The documented normalisation, written from the header's contract (not from the encoder): line
// breaks become LF, comments split per line and come first, "" or no type is "message".
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.emplace_back();
    } else {
      out.back() += text[i];
    }
  }
  return out;
}

sse::observation_log read_back(const outgoing_event& e, const std::string& initial_id) {
  sse::observation_log log;
  for (const auto& c : e.comments)
    for (const auto& line : lines_of(c)) log.push_back(observation::comment(line));
  if (e.retry) log.push_back(observation::retry(*e.retry));
  const std::string id = e.id ? *e.id : initial_id;
  if (id != initial_id) log.push_back(observation::id_commit(id));
  if (e.data) {
    std::string data;
    const auto lines = lines_of(*e.data);
    for (std::size_t i = 0; i < lines.size(); ++i) data += (i == 0 ? "" : "\n") + lines[i];
    log.push_back(observation::event(e.type && !e.type->empty() ? *e.type : "message", data, id));
  }
  log.push_back(observation::end(id));
  return log;
}

using sse::testing::parse_chunks;

TEST(EncoderProperty, ParseOfWriteIsTheEventUnderEveryChunking) {
  for (std::uint64_t seed = 1; seed <= 10000; ++seed) {
    std::mt19937_64 rng(seed);
    const outgoing_event e = random_event(rng);
    const auto written = sse::encode(e);
    ASSERT_TRUE(written.ok()) << "seed " << seed << ": " << written.message;
    const std::string initial_id = seed % 5 == 0 ? "prev" : "";
    const auto want = read_back(e, initial_id);
    ASSERT_EQ(parse_chunks(written.bytes, {}, initial_id), want) << "seed " << seed;
    for (std::size_t at = 1; at < written.bytes.size(); ++at)
      ASSERT_EQ(parse_chunks(written.bytes, {at}, initial_id), want) << "seed " << seed << " split at " << at;
    std::vector<std::size_t> bytewise;
    for (std::size_t at = 1; at < written.bytes.size(); ++at) bytewise.push_back(at);
    ASSERT_EQ(parse_chunks(written.bytes, bytewise, initial_id), want) << "seed " << seed << " bytewise";
    for (int variant = 0; variant < 4; ++variant) {
      std::vector<std::size_t> splits;
      for (std::size_t at = 1; at < written.bytes.size(); ++at)
        if (std::bernoulli_distribution(0.3)(rng)) splits.push_back(at);
      ASSERT_EQ(parse_chunks(written.bytes, splits, initial_id), want) << "seed " << seed << " random #" << variant;
    }
  }
}

TEST(EncoderProperty, LineBreaksInIdOrTypeAreAlwaysRefusedNeverWritten) {
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    std::mt19937_64 rng(seed);
    outgoing_event e = random_event(rng);
    const std::string breaks[] = {"\n", "\r", "\r\n"};
    const std::string& br = breaks[seed % 3];
    const bool in_id = seed % 2 == 0;
    (in_id ? e.id : e.type) = random_text(rng, false, !in_id) + br + "data: injected";
    const auto r = sse::encode(e);
    ASSERT_FALSE(r.ok()) << "seed " << seed;
    ASSERT_TRUE(r.bytes.empty()) << "seed " << seed;
    ASSERT_EQ(r.error, in_id ? encode_error::id_contains_line_break : encode_error::type_contains_line_break)
        << "seed " << seed;
  }
}

}  // namespace
