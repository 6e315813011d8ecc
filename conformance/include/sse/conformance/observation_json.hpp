// sse/conformance/observation_json.hpp: observations as nlohmann/json values, in the fixture format
// (fixtures/README.md, "Observation log"). The one reader and writer of that format, for the runner's
// adapter protocol and page server as for the loader; conformance.hpp has the same as JSON text.
#pragma once

#include <sse/conformance/conformance.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sse::conformance {

[[nodiscard]] nlohmann::json to_json(const observation& o);
/// A JSON array, one observation per element.
[[nodiscard]] nlohmann::json to_json(const observation_log& log);
/// Reads a log an implementation reported: kinds, keys and types are checked (values are what the
/// implementation saw, so they are not judged here). Returns nullopt and sets `error` (the key path
/// and what was expected) when it is not a log.
[[nodiscard]] std::optional<observation_log> log_from_json_value(const nlohmann::json& value, std::string* error);

}  // namespace sse::conformance
