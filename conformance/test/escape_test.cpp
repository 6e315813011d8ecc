// escape_test.cpp: every byte a person could not see is shown.
#include <sse/conformance/conformance.hpp>

#include <gtest/gtest.h>

namespace sc = sse::conformance;
using sse::observation;

namespace {

TEST(Escape, ControlsAndQuotes) {
  EXPECT_EQ(sc::escape_bytes(std::string("a\r\n\t\0\"\\b", 8)), "a\\r\\n\\t\\0\\\"\\\\b");
  EXPECT_EQ(sc::escape_bytes("\x01\x1B\x7F"), "\\x01\\x1B\\x7F");
  EXPECT_EQ(sc::escape_bytes("plain text: ok"), "plain text: ok");
}

TEST(Escape, InvalidUtf8BytesOneByOne) {
  EXPECT_EQ(sc::escape_bytes("\xFF"), "\\xFF");
  EXPECT_EQ(sc::escape_bytes("a\xE2\x82"
                             "b"),
            "a\\xE2\\x82b");                                                // truncated sequence
  EXPECT_EQ(sc::escape_bytes("\xED\xA0\x80"), "\\xED\\xA0\\x80");           // encoded surrogate
  EXPECT_EQ(sc::escape_bytes("\xC0\xAF"), "\\xC0\\xAF");                    // overlong
  EXPECT_EQ(sc::escape_bytes("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // beyond U+10FFFF
}

TEST(Escape, InvisibleCodePoints) {
  EXPECT_EQ(sc::escape_bytes("\xE2\x80\xA8"), "\\u2028");
  EXPECT_EQ(sc::escape_bytes("\xE2\x80\xA9"), "\\u2029");
  EXPECT_EQ(sc::escape_bytes("\xEF\xBB\xBF"
                             "data"),
            "\\uFEFFdata");
  EXPECT_EQ(sc::escape_bytes("\xEF\xBF\xBD"), "\\uFFFD");
  EXPECT_EQ(sc::escape_bytes("\xC2\x85"), "\\u0085");
  EXPECT_EQ(sc::escape_bytes("\xC2\xA0"), "\\u00A0");
  EXPECT_EQ(sc::escape_bytes("\xE2\x80\x8B"), "\\u200B");
  EXPECT_EQ(sc::escape_bytes("\xF3\xA0\x80\x81"), "\\U000E0001");
}

TEST(Escape, VisibleUnicodeAsIs) {
  EXPECT_EQ(sc::escape_bytes("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(Escape, FormatObservation) {
  EXPECT_EQ(sc::format_observation(observation::event("message", "a\nb", "")),
            "event type=\"message\" data=\"a\\nb\" last_event_id=\"\"");
  EXPECT_EQ(sc::format_observation(observation::retry(3000)), "retry ms=3000");
  EXPECT_EQ(sc::format_observation(observation::id_commit("x")), "last_event_id value=\"x\"");
  EXPECT_EQ(sc::format_observation(observation::comment(" hi")), "comment text=\" hi\"");
  EXPECT_EQ(sc::format_observation(observation::end("x")), "end last_event_id=\"x\"");
}

}  // namespace
