#include <sse/utf8_decoder.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

// Decodes `chunks` one after another and returns the output text.
std::string decode(const std::vector<std::string>& chunks) {
  sse::utf8_decoder d;
  std::string out;
  auto sink = [&](std::string_view run) { out.append(run); };
  for (const auto& c : chunks) d.decode(reinterpret_cast<const unsigned char*>(c.data()), c.size(), sink);
  d.finish(sink);
  return out;
}

// The same input fed whole, byte by byte, and at every two-way split must decode identically.
void expect_decodes(const std::string& in, const std::string& want) {
  EXPECT_EQ(decode({in}), want) << "whole";
  std::vector<std::string> bytes;
  for (char c : in) bytes.emplace_back(1, c);
  EXPECT_EQ(decode(bytes), want) << "byte by byte";
  for (std::size_t i = 0; i <= in.size(); ++i) {
    EXPECT_EQ(decode({in.substr(0, i), "", in.substr(i)}), want) << "split at " << i;
  }
}

const std::string fffd = "\xEF\xBF\xBD";

TEST(Utf8Decoder, AsciiPassesThrough) { expect_decodes("data: hello\n\n", "data: hello\n\n"); }

TEST(Utf8Decoder, ValidMultiByteSequencesPassThrough) {
  expect_decodes("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8",
                 "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8");
}

TEST(Utf8Decoder, OneLeadingBomIsRemoved) {
  expect_decodes(
      "\xEF\xBB\xBF"
      "data",
      "data");
  expect_decodes(
      "\xEF\xBB\xBF\xEF\xBB\xBF"
      "data",
      "\xEF\xBB\xBF"
      "data");                                       // the second is content (R4)
  expect_decodes("d\xEF\xBB\xBF", "d\xEF\xBB\xBF");  // only at byte 0
}

TEST(Utf8Decoder, BomSurvivesEmptyAndSplitChunks) {
  EXPECT_EQ(decode({"", "\xEF", "", "\xBB",
                    "\xBF"
                    "x"}),
            "x");
}

TEST(Utf8Decoder, BomPrefixIsContentWhenTheStreamDiffers) {
  expect_decodes(
      "\xEF\xBB"
      "x",
      fffd + "x");  // EF BB is one maximal subpart
  expect_decodes(
      "\xEF"
      "x",
      fffd + "x");
  expect_decodes("\xEF\xBB", fffd);  // incomplete at end of stream
}

TEST(Utf8Decoder, Utf16BomsAreNotRecognised) {
  expect_decodes(
      "\xFF\xFE"
      "d",
      fffd + fffd + "d");
  expect_decodes(
      "\xFE\xFF"
      "d",
      fffd + fffd + "d");
}

TEST(Utf8Decoder, MaximalSubpartsBecomeOneReplacementEach) {
  expect_decodes("\x80", fffd);
  expect_decodes("\xC0\xAF", fffd + fffd);             // overlong lead: two errors
  expect_decodes("\xE0\x80\x80", fffd + fffd + fffd);  // E0 needs A0..BF next
  expect_decodes("\xED\xA0\x80", fffd + fffd + fffd);  // surrogate
  expect_decodes(
      "\xF0\x90\x80"
      "A",
      fffd + "A");                                                // truncated 4-byte sequence: one U+FFFD
  expect_decodes("\xF4\x90\x80\x80", fffd + fffd + fffd + fffd);  // above U+10FFFF
  expect_decodes("\xF5\xFF", fffd + fffd);
  expect_decodes(
      "\xE2\x82"
      "\n",
      fffd + "\n");              // a line end is never swallowed
  expect_decodes("\xC3", fffd);  // incomplete at end of stream
}

TEST(Utf8Decoder, ExamineReportsIncompletePrefixes) {
  const unsigned char s[] = {0xF0, 0x9F, 0x98};
  const auto r = sse::utf8_decoder::examine(s, s + 3);
  EXPECT_EQ(r.result, sse::utf8_decoder::sequence::status::incomplete);
}

}  // namespace
