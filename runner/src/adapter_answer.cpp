// adapter_answer.cpp: the reader of adapter output lines (see adapter_answer.hpp).
#include "adapter_answer.hpp"

#include <sse/conformance/json_limits.hpp>

#include <sse/conformance/observation_json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

namespace sse::runner {
namespace {

using json = nlohmann::json;

constexpr std::size_t shown_line_bytes = 400;

[[noreturn]] void answer_error(const std::string& message, const std::string& line) {
  throw adapter_fault(outcome::protocol_error, message, shorten_line(line), {});
}

[[noreturn]] void hello_error(const std::string& message, const std::string& line) {
  answer_error("invalid hello: " + message, line);
}

/// The line as JSON (discarded when it is not JSON); a line nested deeper than max_json_depth is a
/// protocol error before the recursive parser sees it.
json parse_untrusted(const std::string& line) {
  if (auto too_deep = conformance::check_json_depth(line)) answer_error(*too_deep, line);
  return json::parse(line, nullptr, false);
}

}  // namespace

std::string shorten_line(const std::string& line) {
  if (line.size() <= shown_line_bytes) return line;
  return line.substr(0, shown_line_bytes) + "… (" + std::to_string(line.size()) + " bytes)";
}

adapter_identity parse_hello(const std::string& line) {
  json message = parse_untrusted(line);
  if (message.is_discarded() || !message.is_object()) hello_error("not a JSON object", line);
  if (message.value("type", json()) != "hello") hello_error("expected {\"type\":\"hello\",...} first", line);
  const json protocol = message.value("protocol", json());
  if (!protocol.is_number_integer() || protocol.get<int>() != adapter_protocol_version)
    hello_error("key 'protocol': expected " + std::to_string(adapter_protocol_version), line);
  adapter_identity id;
  const json name = message.value("name", json());
  if (!name.is_string() || name.get<std::string>().empty())
    hello_error("key 'name': expected a non-empty string", line);
  id.name = name.get<std::string>();
  const json version = message.value("version", json(""));
  if (!version.is_string()) hello_error("key 'version': expected a string", line);
  id.version = version.get<std::string>();
  const json caps = message.value("capabilities", json());
  if (!caps.is_object()) hello_error("key 'capabilities': expected an object", line);
  conformance::capabilities c{};
  for (const auto& key : conformance::capability_keys()) {
    const std::string key_name(key.name);
    const json v = caps.value(key_name, json(key.if_missing));
    if (!v.is_boolean()) hello_error("key 'capabilities." + key_name + "': expected true or false", line);
    c.*key.member = v.get<bool>();
  }
  for (const auto& item : caps.items()) {
    const auto& keys = conformance::capability_keys();
    if (std::none_of(keys.begin(), keys.end(), [&](const auto& k) { return k.name == item.key(); }))
      hello_error("key 'capabilities." + item.key() + "': unknown capability", line);
  }
  id.caps = c;
  return id;
}

void parse_ready(const std::string& line) {
  const json reply = parse_untrusted(line);
  if (reply.is_discarded() || !reply.is_object() || reply.value("type", json()) != "ready")
    answer_error("expected {\"type\":\"ready\"} after reset", line);
}

observed_answer parse_observed(const std::string& line, const char* waiting_for, bool events_carry_ids) {
  const json reply = parse_untrusted(line);
  if (reply.is_discarded() || !reply.is_object())
    answer_error(std::string("expected a JSON object while waiting for ") + waiting_for, line);
  if (reply.value("type", json()) != "observed")
    answer_error(std::string("expected {\"type\":\"observed\",...} while waiting for ") + waiting_for, line);
  const auto it = reply.find("observations");
  if (it == reply.end() || !it->is_array()) answer_error("key 'observations': expected an array of observations", line);
  observed_answer answer;
  // A retry value outside the observation model (an integer in 0..2^53-1) is what a library that
  // neither clamps nor validates really computes (negative, 1e+30, Infinity). It is a wrong log, not
  // a protocol error: it is compared as ms = 2^64-1, which no expected log holds, and noted.
  json observations = *it;
  std::vector<std::size_t> out_of_model;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    json& o = observations[i];
    // An implementation without event ids (capability event_ids false) sends events without one;
    // they are compared on type and data only, so "" stands in.
    if (!events_carry_ids && o.is_object() && o.value("kind", json()) == "event" && !o.contains("last_event_id"))
      o["last_event_id"] = "";
    if (!o.is_object() || o.value("kind", json()) != "retry" || !o.contains("ms")) continue;
    const json& ms = o["ms"];
    if (ms.is_number_unsigned() && ms.get<std::uint64_t>() <= max_reconnection_time_ms) continue;
    if (!ms.is_number() && !ms.is_string() && !ms.is_null())
      answer_error("key 'observations[" + std::to_string(i) + "].ms': expected a number", line);
    answer.notes.push_back("the adapter reported retry ms=" + (ms.is_null() ? std::string("null") : ms.dump()) +
                           ", outside the observation model (an integer from 0 to 9007199254740991); it is compared as "
                           "ms=18446744073709551615");
    o["ms"] = std::uint64_t{0};  // unsigned, as a parsed non-negative number is: the log reader checks that
    out_of_model.push_back(i);
  }
  std::string error;
  auto log = conformance::log_from_json_value(observations, &error);
  if (!log) answer_error("key 'observations': " + error, line);
  for (const std::size_t i : out_of_model) (*log)[i].ms = std::numeric_limits<std::uint64_t>::max();
  answer.log = std::move(*log);
  return answer;
}

}  // namespace sse::runner
