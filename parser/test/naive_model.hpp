// A second, deliberately naive implementation of §9.2.6, written straight from the standard's text
// with no streaming, no speed tricks and no shared code with the parser. The property test and the
// fuzzer check that the fast streaming parser agrees with it on arbitrary bytes under any chunking.
#pragma once

#include <sse/observation.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace naive {

// WHATWG Encoding "UTF-8 decode": BOM sniff, then the UTF-8 decoder with U+FFFD replacement.
inline std::u32string utf8_decode(const std::string& in) {
  std::size_t i = 0;
  if (in.size() >= 3 && in.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  std::u32string out;
  char32_t cp = 0;
  int needed = 0, seen = 0;
  unsigned lower = 0x80, upper = 0xBF;
  while (i < in.size()) {
    const unsigned b = static_cast<unsigned char>(in[i]);
    if (needed == 0) {
      ++i;
      if (b <= 0x7F) {
        out.push_back(b);
        continue;
      }
      if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
        cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2;
        cp = b & 0xF;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3;
        cp = b & 0x7;
      } else
        out.push_back(0xFFFD);
      continue;
    }
    if (b < lower || b > upper) {  // error; the byte is processed again
      cp = 0;
      needed = seen = 0;
      lower = 0x80;
      upper = 0xBF;
      out.push_back(0xFFFD);
      continue;
    }
    ++i;
    lower = 0x80;
    upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      out.push_back(cp);
      cp = 0;
      needed = seen = 0;
    }
  }
  if (needed != 0) out.push_back(0xFFFD);
  return out;
}

inline std::string utf8_encode(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80)
      out += static_cast<char>(c);
    else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// The whole log of a whole body: lines split first, then each line processed in order; the
// unterminated last line and the undispatched block are discarded at the end.
inline sse::observation_log observe(const std::string& body, const std::string& initial_id = "") {
  const std::u32string text = utf8_decode(body);
  std::vector<std::u32string> lines;
  std::u32string line;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == U'\r' || c == U'\n') {
      lines.push_back(line);
      line.clear();
      if (c == U'\r' && i + 1 < text.size() && text[i + 1] == U'\n') ++i;
    } else {
      line.push_back(c);
    }
  }  // `line` now holds the unterminated last line: discarded
  sse::observation_log log;
  std::u32string data, type;
  std::u32string id_buffer = utf8_decode(initial_id), last_id = id_buffer;
  for (const auto& l : lines) {
    if (l.empty()) {
      if (id_buffer != last_id) log.push_back(sse::observation::id_commit(utf8_encode(id_buffer)));
      last_id = id_buffer;
      if (data.empty()) {
        type.clear();
        continue;
      }
      if (data.back() == U'\n') data.pop_back();
      log.push_back(sse::observation::event(type.empty() ? "message" : utf8_encode(type), utf8_encode(data),
                                            utf8_encode(last_id)));
      data.clear();
      type.clear();
      continue;
    }
    if (l[0] == U':') {
      log.push_back(sse::observation::comment(utf8_encode(l.substr(1))));
      continue;
    }
    std::u32string name = l, value;
    if (const auto colon = l.find(U':'); colon != std::u32string::npos) {
      name = l.substr(0, colon);
      value = l.substr(colon + 1);
      if (!value.empty() && value[0] == U' ') value.erase(0, 1);
    }
    if (name == U"event")
      type = value;
    else if (name == U"data") {
      data += value;
      data += U'\n';
    } else if (name == U"id") {
      if (value.find(U'\0') == std::u32string::npos) id_buffer = value;
    } else if (name == U"retry") {
      bool digits = !value.empty();
      std::uint64_t ms = 0;
      for (char32_t c : value) {
        if (c < U'0' || c > U'9') {
          digits = false;
          break;
        }
        const std::uint64_t d = c - U'0';
        ms = ms > (sse::max_reconnection_time_ms - d) / 10 ? sse::max_reconnection_time_ms : ms * 10 + d;
      }
      if (digits) log.push_back(sse::observation::retry(ms));
    }
  }
  log.push_back(sse::observation::end(utf8_encode(last_id)));
  return log;
}

}  // namespace naive
