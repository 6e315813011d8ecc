#include "text_util.hpp"

#include <sse/utf8.hpp>

#include <fnmatch.h>

#include <cstdint>
#include <cstdio>

namespace sse::runner {
namespace {

void append_hex_byte(std::string& out, unsigned char b) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02X", b);
  out += buffer;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t padding = last ? (text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0) : 0;
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int d = k < 4 - padding ? value(text[i + k]) : 0;
      if (d < 0) return std::nullopt;
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    out += static_cast<char>((v >> 16) & 0xFFu);
    if (padding < 2) out += static_cast<char>((v >> 8) & 0xFFu);
    if (padding < 1) out += static_cast<char>(v & 0xFFu);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += alphabet[(v >> 18) & 63u];
    out += alphabet[(v >> 12) & 63u];
    out += alphabet[(v >> 6) & 63u];
    out += alphabet[v & 63u];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = at(i) << 16;
    out += alphabet[(v >> 18) & 63u];
    out += alphabet[(v >> 12) & 63u];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    out += alphabet[(v >> 18) & 63u];
    out += alphabet[(v >> 12) & 63u];
    out += alphabet[(v >> 6) & 63u];
    out += '=';
  }
  return out;
}

namespace {

/// Walks `text` as UTF-8: each byte that is not part of a well-formed sequence is written as \xHH,
/// each code point is given to `write(out, cp, its bytes)`.
template <class Write>
std::string rewrite_utf8(std::string_view text, std::size_t extra, Write write) {
  std::string out;
  out.reserve(text.size() + extra);
  for (std::size_t i = 0; i < text.size();) {
    const auto [n, cp] = utf8::scan(text, i);
    if (n == 0) {
      append_hex_byte(out, static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    write(out, cp, text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string printable_utf8(std::string_view text) {
  return rewrite_utf8(text, 0, [](std::string& out, char32_t, std::string_view bytes) { out.append(bytes); });
}

std::string xml_escape(std::string_view text) {
  return rewrite_utf8(text, text.size() / 8, [](std::string& out, char32_t cp, std::string_view bytes) {
    switch (cp) {
      case U'&': out += "&amp;"; break;
      case U'<': out += "&lt;"; break;
      case U'>': out += "&gt;"; break;
      case U'"': out += "&quot;"; break;
      case U'\'': out += "&apos;"; break;
      case U'\t':
      case U'\n':
      case U'\r': out += static_cast<char>(cp); break;
      default:
        if (cp < 0x20) {
          append_hex_byte(out, static_cast<unsigned char>(cp));
        } else if (cp == 0xFFFE || cp == 0xFFFF) {  // not XML 1.0 characters
          out += cp == 0xFFFE ? "\\uFFFE" : "\\uFFFF";
        } else {
          out.append(bytes);
        }
    }
  });
}

bool glob_match(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace sse::runner
