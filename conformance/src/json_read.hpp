// json_read.hpp (internal): the readers shared by the fixture loader and the scenario loader, so both
// corpora spell ids, rule lists and byte strings the same way and report problems in the same words.
// Every reader appends a problem (key path + message) and returns nullopt/false instead of throwing.
#pragma once

#include "json_model.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse::conformance::detail {

/// Lower-case ASCII letters and digits.
[[nodiscard]] bool is_lower_word_char(char c);
/// Lower-case ASCII words (letters, digits) joined by single '-': `line-endings`, `utf-8`.
[[nodiscard]] bool is_hyphenated_words(std::string_view s);
/// A rule id of fixtures/rules.json (`R1`..`R72`).
[[nodiscard]] bool is_rule_id(std::string_view s);
/// A gap id of fixtures/rules.json (`G1`..`G9`, project gaps `P<n>`).
[[nodiscard]] bool is_gap_id(std::string_view s);

/// Reports each key of `object` that is not in `known`.
void check_keys(const json& object, const std::vector<std::string_view>& known, const std::string& base,
                std::string_view what, problem_list& problems);
/// True when `v` is an object; otherwise a problem at `key` saying it should be `meaning`.
[[nodiscard]] bool expect_object(const json& v, const std::string& key, std::string_view meaning,
                                 problem_list& problems);
/// The value of a required key, or nullptr after reporting it missing (`meaning` says what it holds).
const json* require(const json& object, std::string_view key, const std::string& base, std::string_view meaning,
                    problem_list& problems);
/// A string (valid Unicode), optionally non-empty.
std::optional<std::string> read_string(const json& v, const std::string& key, problem_list& problems,
                                       bool non_empty = false);
/// An array of distinct strings, each checked by `valid` (null: any string).
std::vector<std::string> read_string_list(const json& v, const std::string& key, bool non_empty,
                                          std::string_view element_meaning, bool (*valid)(std::string_view),
                                          problem_list& problems);
/// A byte string (fixtures/README.md): a JSON string (its UTF-8 encoding) or an array of parts,
/// each a string or {"hex": "EF BB BF"}.
std::optional<std::string> read_byte_string(const json& v, const std::string& key, problem_list& problems);

}  // namespace sse::conformance::detail
