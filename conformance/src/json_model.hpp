// json_model.hpp (internal): observations <-> JSON, written once for the fixture loader, log_from_json
// and observation_to_json, so the fixture format has exactly one reader and one writer.
#pragma once

#include <sse/observation.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse::conformance::detail {

using json = nlohmann::json;

/// A problem at a key path (for example `expected[2].kind`), in words.
struct problem {
  std::string key;
  std::string message;
};
using problem_list = std::vector<problem>;

/// What a JSON value is, for "expected X, found Y" messages: `the string "Spec"`, `the number 2`,
/// `an array`, `an object`, `null`, `true`.
[[nodiscard]] std::string describe(const json& value);

/// `base[index]` / `base.key` key paths.
[[nodiscard]] std::string index_path(const std::string& base, std::size_t index);
[[nodiscard]] std::string member_path(const std::string& base, std::string_view key);

/// How strictly observation values are checked.
enum class strictness : std::uint8_t {
  shape,  ///< Kinds, keys and types only (logs reported by implementations under test).
  corpus  ///< Also values no conforming implementation can produce (a CR in data, an empty type...).
};

/// Reads one observation in the fixture format; appends problems and returns nullopt on any.
[[nodiscard]] std::optional<observation> read_observation(const json& value, const std::string& key, strictness level,
                                                          problem_list& problems);
/// Reads an array of observations. With strictness::corpus it must also end with exactly one `end`.
[[nodiscard]] std::optional<observation_log> read_observation_log(const json& value, const std::string& key,
                                                                  strictness level, problem_list& problems);

[[nodiscard]] json to_json(const observation& o);
/// Compact JSON text; bytes that are not UTF-8 (only a broken implementation reports them) become U+FFFD.
[[nodiscard]] std::string dump(const json& value);

}  // namespace sse::conformance::detail
