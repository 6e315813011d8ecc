// request_body.cpp: the page's request bodies (see request_body.hpp).
#include "request_body.hpp"

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/json_limits.hpp>

#include <sse/conformance/observation_json.hpp>

#include <nlohmann/json.hpp>

namespace sse::runner {
namespace {

using json = nlohmann::json;

/// The body as a JSON object, or nullopt and `error`.
std::optional<json> parse_object(std::string_view body, std::string& error) {
  if (auto too_deep = conformance::check_json_depth(body)) {
    error = *too_deep;
    return std::nullopt;
  }
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    error = "the body is not a JSON object";
    return std::nullopt;
  }
  return parsed;
}

/// Reads the string at `key` (absent: `fallback`), at most `limit` bytes (longer: truncated when
/// `truncate`, else refused). False and `error` when it is there but not a string.
bool read_string(const json& body, const char* key, std::string& out, std::size_t limit, bool truncate,
                 std::string& error) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    error = std::string("key '") + key + "': expected a string";
    return false;
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > limit && !truncate) {
    error = std::string("key '") + key + "': longer than " + std::to_string(limit) + " bytes";
    return false;
  }
  out = s.substr(0, limit);
  return true;
}

bool read_number(const json& body, const char* key, double& out, std::string& error) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_number()) {
    error = std::string("key '") + key + "': expected a number";
    return false;
  }
  out = it->get<double>();
  return true;
}

bool require_run(const json& body, std::string& run, std::string& error) {
  if (!read_string(body, "run", run, max_request_id_bytes, false, error)) return false;
  if (run.empty()) {
    error = "key 'run': expected a non-empty string";
    return false;
  }
  return true;
}

}  // namespace

std::optional<result_post> read_result_post(std::string_view body_text, std::string& error) {
  const auto body = parse_object(body_text, error);
  if (!body) return std::nullopt;
  result_post r;
  if (!require_run(*body, r.run, error)) return std::nullopt;
  if (!read_string(*body, "case", r.case_id, max_request_id_bytes, false, error)) return std::nullopt;
  if (!read_string(*body, "engine", r.engine, max_request_id_bytes, false, error)) return std::nullopt;
  if (!read_string(*body, "error", r.error, max_request_text_bytes, true, error)) return std::nullopt;
  if (!read_number(*body, "elapsed_ms", r.elapsed_ms, error)) return std::nullopt;
  if (const auto it = body->find("attempt"); it != body->end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > max_request_attempt) {
      error = "key 'attempt': expected an integer from 1 to " + std::to_string(max_request_attempt);
      return std::nullopt;
    }
    r.attempt = it->get<int>();
  }
  if (const auto it = body->find("timed_out"); it != body->end() && !it->is_null()) {
    if (!it->is_boolean()) {
      error = "key 'timed_out': expected true or false";
      return std::nullopt;
    }
    r.timed_out = it->get<bool>();
  }
  const auto events = body->find("events");
  r.events =
      conformance::log_from_json_value(events == body->end() ? nlohmann::json::array() : *events, &r.events_error);
  return r;
}

std::optional<done_post> read_done_post(std::string_view body_text, std::string& error) {
  const auto body = parse_object(body_text, error);
  if (!body) return std::nullopt;
  done_post d;
  if (!require_run(*body, d.run, error)) return std::nullopt;
  if (const auto it = body->find("engine"); it != body->end() && !it->is_null()) {
    std::string engine;
    if (!read_string(*body, "engine", engine, max_request_id_bytes, false, error)) return std::nullopt;
    d.engine = std::move(engine);
  }
  if (!read_string(*body, "user_agent", d.user_agent, max_request_text_bytes, true, error)) return std::nullopt;
  if (!read_number(*body, "elapsed_ms", d.elapsed_ms, error)) return std::nullopt;
  return d;
}

}  // namespace sse::runner
