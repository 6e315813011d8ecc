// observation_json.cpp: observation logs as JSON text (the fixture format), for adapters and wasm.
#include "json_model.hpp"

#include <sse/conformance/conformance.hpp>

namespace sse::conformance {

std::string observation_to_json(const observation& o) { return detail::dump(detail::to_json(o)); }

std::string log_to_json(const observation_log& log) {
  detail::json array = detail::json::array();
  for (const auto& o : log) array.push_back(detail::to_json(o));
  return detail::dump(array);
}

std::optional<observation_log> log_from_json(std::string_view json_text, std::string* error) {
  const auto fail = [&](std::string message) -> std::optional<observation_log> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  const detail::json parsed = detail::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return fail("not valid JSON (an observation log is a JSON array of observations)");
  detail::problem_list problems;
  auto log = detail::read_observation_log(parsed, "", detail::strictness::shape, problems);
  if (!log) {
    std::string message;
    for (const auto& p : problems) {
      if (!message.empty()) message += "; ";
      message += (p.key.empty() ? std::string("log") : p.key) + ": " + p.message;
    }
    return fail(message);
  }
  return log;
}

}  // namespace sse::conformance
