// loader_util.hpp (internal): the pieces of the fixture loader that the encoder case loader shares,
// so both corpora check the same keys with the same words (fixture_loader.cpp defines them).
#pragma once

#include "json_model.hpp"

#include <sse/conformance/conformance.hpp>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse::conformance::detail {

/// The first pass over a file's text: JSON syntax errors and duplicate object keys, with the key path
/// where they happen (a DOM parser silently keeps one of two duplicate keys).
struct structure_report {
  struct finding {
    std::optional<std::size_t> case_index;  ///< Set when inside cases[i].
    std::string key;
    std::string message;
  };
  bool parsed = false;  ///< False on a syntax error (reported among the findings).
  std::vector<finding> findings;
  std::map<std::size_t, std::string> case_ids;  ///< cases[i] -> its id, when seen.
};
[[nodiscard]] structure_report check_structure(std::string_view text);

/// The keys every case has (id, description, rules, class, gap, guards, evidence, tags), checked as
/// in fixtures/README.md "Case keys". `label` becomes the case's id when it is usable.
void read_common_case_keys(const json& v, const std::string& area, std::string& label, test_case& c,
                           problem_list& problems);

/// Reports each key of `object` that is not in `known`.
void report_unknown_keys(const json& object, std::initializer_list<std::string_view> known, const std::string& base,
                         std::string_view what, problem_list& problems);
/// The value of a required key, or nullptr and a problem.
[[nodiscard]] const json* require_key(const json& object, std::string_view key, const std::string& base,
                                      std::string_view meaning, problem_list& problems);
/// A string that is valid Unicode (and non-empty if asked), or nullopt and a problem.
[[nodiscard]] std::optional<std::string> read_text(const json& v, const std::string& key, problem_list& problems,
                                                   bool non_empty = false);
/// Lower-case ASCII words joined by single '-' (`line-endings`, `encoder-injection`).
[[nodiscard]] bool is_area_name(std::string_view s);

}  // namespace sse::conformance::detail
