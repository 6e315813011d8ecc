// observation_json.cpp: observation logs as JSON values and as JSON text (the fixture format).
#include "json_model.hpp"

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/observation_json.hpp>

namespace sse::conformance {

nlohmann::json to_json(const observation& o) { return detail::to_json(o); }

nlohmann::json to_json(const observation_log& log) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& o : log) array.push_back(detail::to_json(o));
  return array;
}

std::optional<observation_log> log_from_json_value(const nlohmann::json& value, std::string* error) {
  detail::problem_list problems;
  auto log = detail::read_observation_log(value, "", detail::strictness::shape, problems);
  if (!log && error != nullptr) {
    error->clear();
    for (const auto& p : problems) {
      if (!error->empty()) *error += "; ";
      *error += (p.key.empty() ? std::string("log") : p.key) + ": " + p.message;
    }
  }
  return log;
}

std::string observation_to_json(const observation& o) { return detail::dump(detail::to_json(o)); }

std::string log_to_json(const observation_log& log) { return detail::dump(to_json(log)); }

std::optional<observation_log> log_from_json(std::string_view json_text, std::string* error) {
  const nlohmann::json parsed = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    if (error != nullptr) *error = "not valid JSON (an observation log is a JSON array of observations)";
    return std::nullopt;
  }
  return log_from_json_value(parsed, error);
}

}  // namespace sse::conformance
