// json_read.cpp: see json_read.hpp.
#include "json_read.hpp"

#include <sse/utf8.hpp>

#include <sse/conformance/conformance.hpp>

#include <algorithm>
#include <set>

namespace sse::conformance::detail {
namespace {

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
unsigned hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  return static_cast<unsigned>(c - 'A' + 10);
}

/// `"EF BB BF"`: pairs of hex digits, spaces allowed between pairs.
std::optional<std::string> read_hex(const json& v, const std::string& key, problem_list& problems) {
  auto text = read_string(v, key, problems);
  if (!text) return std::nullopt;
  const std::string& s = *text;
  std::string bytes;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ') {
      if (i == 0 || i + 1 == s.size()) {
        problems.push_back({key, "spaces are allowed only between pairs of hex digits, found one at the " +
                                     std::string(i == 0 ? "start" : "end") + " of \"" + s + "\""});
        return std::nullopt;
      }
      ++i;
      continue;
    }
    if (!is_hex_digit(s[i]) || i + 1 >= s.size() || !is_hex_digit(s[i + 1])) {
      const std::size_t bad = is_hex_digit(s[i]) ? i + 1 : i;
      problems.push_back(
          {key, "expected pairs of hex digits like \"EF BB BF\", found " +
                    (bad < s.size() ? "'" + escape_bytes(s.substr(bad, 1)) + "'" : std::string("the end")) +
                    " at position " + std::to_string(bad) + " of \"" + escape_bytes(s) + "\"" +
                    (bad < s.size() && s[bad] == ' ' ? " (a digit without its pair)" : "")});
      return std::nullopt;
    }
    bytes += static_cast<char>((hex_value(s[i]) << 4) | hex_value(s[i + 1]));
    i += 2;
  }
  return bytes;
}

/// {"repeat": "ab", "times": 3}: the string's bytes `times` times over ("ababab"), so a case can hold a
/// multi-megabyte line without a multi-megabyte file. The result is capped at max_repeat_bytes.
std::optional<std::string> read_repeat(const json& part, const std::string& path, problem_list& problems) {
  constexpr std::uint64_t max_repeat_bytes = 64u << 20;
  const std::size_t before = problems.size();
  check_keys(part, {"repeat", "times"}, path, "a repeat part", problems);
  std::optional<std::string> unit;
  if (const json* r = require(part, "repeat", path, "a non-empty string", problems))
    unit = read_string(*r, member_path(path, "repeat"), problems);
  const json* times = require(part, "times", path, "a positive integer", problems);
  if (times != nullptr && (!times->is_number_unsigned() || times->get<std::uint64_t>() == 0))
    problems.push_back({member_path(path, "times"), "expected a positive integer, found " + describe(*times)});
  if (problems.size() != before || !unit) return std::nullopt;
  if (unit->empty()) {
    problems.push_back({member_path(path, "repeat"), "expected a non-empty string"});
    return std::nullopt;
  }
  const auto count = times->get<std::uint64_t>();
  if (count > max_repeat_bytes / unit->size()) {
    problems.push_back({path, "expected at most " + std::to_string(max_repeat_bytes) + " bytes, found " +
                                  std::to_string(unit->size()) + " x " + std::to_string(count)});
    return std::nullopt;
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(count) * unit->size());
  for (std::uint64_t i = 0; i < count; ++i) out += *unit;
  return out;
}

}  // namespace

bool is_lower_word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// Lower-case ASCII words (letters, digits) joined by single '-': `line-endings`, `utf-8`.
bool is_hyphenated_words(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-') {
      if (s[i - 1] == '-') return false;
    } else if (!is_lower_word_char(s[i])) {
      return false;
    }
  }
  return true;
}

bool is_rule_id(std::string_view s) { return bundled_rules().rule(s) != nullptr; }
bool is_gap_id(std::string_view s) { return bundled_rules().gap(s) != nullptr; }

/// Reports each key of `object` that is not in `known`.
void check_keys(const json& object, const std::vector<std::string_view>& known, const std::string& base,
                std::string_view what, problem_list& problems) {
  for (const auto& [k, v] : object.items()) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      std::string list;
      for (auto name : known) list += (list.empty() ? "" : ", ") + std::string(name);
      problems.push_back({member_path(base, k), "unknown key in " + std::string(what) + " (known keys: " + list + ")"});
    }
  }
}

bool expect_object(const json& v, const std::string& key, std::string_view meaning, problem_list& problems) {
  if (v.is_object()) return true;
  problems.push_back({key, "expected " + std::string(meaning) + ", found " + describe(v)});
  return false;
}

const json* require(const json& object, std::string_view key, const std::string& base, std::string_view meaning,
                    problem_list& problems) {
  const auto it = object.find(key);
  if (it == object.end()) {
    problems.push_back({member_path(base, key), "missing required key (" + std::string(meaning) + ")"});
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> read_string(const json& v, const std::string& key, problem_list& problems, bool non_empty) {
  if (!v.is_string()) {
    problems.push_back(
        {key, std::string(non_empty ? "expected a non-empty string" : "expected a string") + ", found " + describe(v)});
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (!utf8::is_valid(s)) {
    problems.push_back({key, "the string is not valid Unicode (a lone surrogate?)"});
    return std::nullopt;
  }
  if (non_empty && s.empty()) {
    problems.push_back({key, "expected a non-empty string, found \"\""});
    return std::nullopt;
  }
  return s;
}

/// An array of strings, each checked by `valid` (which describes what it expects when it fails).
std::vector<std::string> read_string_list(const json& v, const std::string& key, bool non_empty,
                                          std::string_view element_meaning, bool (*valid)(std::string_view),
                                          problem_list& problems) {
  std::vector<std::string> out;
  if (!v.is_array() || (non_empty && v.empty())) {
    problems.push_back({key, std::string(non_empty ? "expected a non-empty array of " : "expected an array of ") +
                                 std::string(element_meaning) + ", found " + describe(v)});
    return out;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string path = index_path(key, i);
    auto s = read_string(v[i], path, problems);
    if (!s) continue;
    if (valid != nullptr && !valid(*s)) {
      problems.push_back({path, "expected " + std::string(element_meaning) + ", found " + describe(v[i])});
    } else if (!seen.insert(*s).second) {
      problems.push_back({path, "\"" + *s + "\" is listed twice"});
    } else {
      out.push_back(*s);
    }
  }
  return out;
}

/// A byte string: a JSON string (its UTF-8 encoding) or an array of parts (strings, {"hex": ...} or
/// {"repeat": ..., "times": N}).
std::optional<std::string> read_byte_string(const json& v, const std::string& key, problem_list& problems) {
  if (v.is_string()) return read_string(v, key, problems);
  if (!v.is_array()) {
    problems.push_back({key,
                        "expected a byte string (a string, or an array of strings and {\"hex\": \"..\"} "
                        "parts), found " +
                            describe(v)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  std::string bytes;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string path = index_path(key, i);
    const json& part = v[i];
    if (part.is_string()) {
      if (auto s = read_string(part, path, problems)) bytes += *s;
    } else if (part.is_object() && part.contains("repeat")) {
      if (auto r = read_repeat(part, path, problems)) bytes += *r;
    } else if (part.is_object()) {
      check_keys(part, {"hex"}, path, "a hex part", problems);
      if (const json* hex = require(part, "hex", path, "a part object is {\"hex\": \"EF BB BF\"}", problems)) {
        if (auto b = read_hex(*hex, member_path(path, "hex"), problems)) bytes += *b;
      }
    } else {
      problems.push_back(
          {path, "expected a string, a {\"hex\": \"..\"} or a {\"repeat\": \"..\", \"times\": N} object, found " +
                     describe(part)});
    }
  }
  if (problems.size() != before) return std::nullopt;
  return bytes;
}

}  // namespace sse::conformance::detail
