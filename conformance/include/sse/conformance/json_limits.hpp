// sse/conformance/json_limits.hpp: a bound on JSON nesting, checked before any untrusted JSON text
// reaches a recursive parser or printer.
//
// nlohmann/json builds, copies, prints and compares values recursively, so a few hundred kilobytes of
// `[[[[...` (a fixture file, an adapter's answer, a request body posted by any web page) overflow the
// stack. Nothing this project exchanges nests deeper than a handful of levels (a fixture: file, cases,
// case, input, part), so every reader of untrusted JSON refuses text nested deeper than
// max_json_depth before parsing it. The check is one linear pass over the bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sse::conformance {

/// The deepest nesting of arrays and objects accepted in untrusted JSON text.
inline constexpr std::size_t max_json_depth = 64;

/// Counts the nesting of `[` and `{` outside JSON strings (a backslash escapes the next character
/// inside a string). Returns nullopt when the text never nests deeper than `limit`, otherwise a short
/// message that names the limit and the byte offset where it was passed. Says nothing else about the
/// text: a syntax error is left to the parser, which then runs within the bound.
[[nodiscard]] std::optional<std::string> check_json_depth(std::string_view text, std::size_t limit = max_json_depth);

}  // namespace sse::conformance
