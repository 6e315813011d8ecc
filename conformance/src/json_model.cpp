// json_model.cpp: the one reader and writer of observations in the fixture format.
#include "json_model.hpp"

#include <sse/utf8.hpp>

#include <sse/conformance/conformance.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace sse::conformance::detail {
namespace {

struct kind_keys {
  observation_kind kind;
  std::string_view name;
  std::array<std::string_view, 3> keys;  // the exact keys besides "kind" (empty = unused slot)
  std::string_view keys_in_words;
};

constexpr std::array<kind_keys, 5> kinds{{
    {observation_kind::event, "event", {"type", "data", "last_event_id"}, "type, data and last_event_id"},
    {observation_kind::retry, "retry", {"ms", "", ""}, "ms"},
    {observation_kind::last_event_id, "last_event_id", {"value", "", ""}, "value"},
    {observation_kind::comment, "comment", {"text", "", ""}, "text"},
    {observation_kind::end, "end", {"last_event_id", "", ""}, "last_event_id"},
}};

constexpr std::uint64_t max_safe_integer = 9007199254740991ULL;

/// The member of observation that holds a string key of a kind.
std::string* string_member(observation& o, std::string_view key) {
  if (key == "type") return &o.type;
  if (key == "data") return &o.data;
  if (key == "last_event_id" || key == "value") return &o.last_event_id;
  if (key == "text") return &o.text;
  return nullptr;
}

/// Values no conforming implementation can observe (the stream is split into lines at CR and LF, an
/// id never holds NUL, an event type is never empty): almost certainly a typo in the fixture.
void check_possible(const observation& o, const std::string& key, problem_list& problems) {
  const auto forbid = [&](std::string_view name, const std::string& value, std::string_view chars,
                          std::string_view why) {
    if (value.find_first_of(chars) != std::string::npos) {
      problems.push_back({member_path(key, name), "\"" + escape_bytes(value) + "\" " + std::string(why)});
    }
  };
  using namespace std::string_view_literals;
  switch (o.kind) {
    case observation_kind::event:
      if (o.type.empty()) {
        problems.push_back(
            {member_path(key, "type"), "an event type is never empty (an empty event type buffer gives \"message\")"});
      }
      forbid("type", o.type, "\r\n"sv, "holds a CR or LF, which always end a line");
      forbid("data", o.data, "\r"sv, "holds a CR, which always ends a line (data lines are joined by LF)");
      forbid("last_event_id", o.last_event_id, "\r\n\0"sv, "holds a CR, LF or NUL, which an id never holds");
      break;
    case observation_kind::last_event_id:
      forbid("value", o.last_event_id, "\r\n\0"sv, "holds a CR, LF or NUL, which an id never holds");
      break;
    case observation_kind::end:
      forbid("last_event_id", o.last_event_id, "\r\n\0"sv, "holds a CR, LF or NUL, which an id never holds");
      break;
    case observation_kind::comment:
      forbid("text", o.text, "\r\n"sv, "holds a CR or LF, which always end a line");
      break;
    case observation_kind::retry: break;
  }
}

}  // namespace

std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      std::string shown = escape_bytes(s.size() > 40 ? std::string_view(s).substr(0, 40) : std::string_view(s));
      return "the string \"" + shown + (s.size() > 40 ? "\"..." : "\"");
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "the number " + value.dump();
    case json::value_t::array: return value.empty() ? "an empty array" : "an array";
    case json::value_t::object: return value.empty() ? "an empty object" : "an object";
    case json::value_t::binary:
    case json::value_t::discarded: break;
  }
  return "an unexpected value";
}

std::string index_path(const std::string& base, std::size_t index) { return base + "[" + std::to_string(index) + "]"; }

std::string member_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

std::optional<observation> read_observation(const json& value, const std::string& key, strictness level,
                                            problem_list& problems) {
  if (!value.is_object()) {
    problems.push_back(
        {key, "expected an observation object like {\"kind\": \"event\", ...}, found " + describe(value)});
    return std::nullopt;
  }
  const auto kind_it = value.find("kind");
  if (kind_it == value.end()) {
    problems.push_back({key, "missing key 'kind' (one of event, retry, last_event_id, comment, end)"});
    return std::nullopt;
  }
  const kind_keys* shape = nullptr;
  if (kind_it->is_string()) {
    for (const auto& k : kinds) {
      if (k.name == kind_it->get_ref<const std::string&>()) shape = &k;
    }
  }
  if (shape == nullptr) {
    problems.push_back(
        {member_path(key, "kind"),
         "expected one of \"event\", \"retry\", \"last_event_id\", \"comment\", \"end\", found " + describe(*kind_it)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  observation o;
  o.kind = shape->kind;
  const auto is_key_of_kind = [&](std::string_view k) {
    for (const auto& known : shape->keys) {
      if (!known.empty() && known == k) return true;
    }
    return false;
  };
  for (const auto& [k, v] : value.items()) {
    if (k != "kind" && !is_key_of_kind(k)) {
      problems.push_back({member_path(key, k), "unknown key for a " + std::string(shape->name) +
                                                   " observation (its keys are exactly kind, " +
                                                   std::string(shape->keys_in_words) + ")"});
    }
  }
  for (const auto& k : shape->keys) {
    if (k.empty()) continue;
    const auto it = value.find(k);
    const std::string path = member_path(key, k);
    if (it == value.end()) {
      problems.push_back({key, "missing key '" + std::string(k) + "' (a " + std::string(shape->name) +
                                   " observation has exactly kind, " + std::string(shape->keys_in_words) + ")"});
    } else if (k == "ms") {
      // nlohmann/json stores non-negative integers as unsigned; negative ones as signed, fractions
      // and exponents as floating point.
      if (it->is_number_unsigned() && it->get<std::uint64_t>() <= max_safe_integer) {
        o.ms = it->get<std::uint64_t>();
      } else {
        problems.push_back({path, "expected an integer from 0 to 9007199254740991, found " + describe(*it)});
      }
    } else if (!it->is_string()) {
      problems.push_back({path, "expected a string, found " + describe(*it)});
    } else {
      const auto& s = it->get_ref<const std::string&>();
      if (!utf8::is_valid(s)) {  // the JSON parser rejects these already; never trust one layer only
        problems.push_back({path, "the string is not valid Unicode (a lone surrogate?)"});
      }
      *string_member(o, k) = s;
    }
  }
  if (problems.size() == before && level == strictness::corpus) check_possible(o, key, problems);
  if (problems.size() != before) return std::nullopt;
  return o;
}

std::optional<observation_log> read_observation_log(const json& value, const std::string& key, strictness level,
                                                    problem_list& problems) {
  if (!value.is_array()) {
    problems.push_back({key, "expected an array of observations, found " + describe(value)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  observation_log log;
  log.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (auto o = read_observation(value[i], index_path(key, i), level, problems)) log.push_back(std::move(*o));
  }
  if (problems.size() != before) return std::nullopt;
  if (level == strictness::corpus) {
    if (log.empty() || log.back().kind != observation_kind::end) {
      problems.push_back({key, log.empty() ? "the log is empty; it must end with an end observation "
                                             "{\"kind\": \"end\", \"last_event_id\": ...}"
                                           : "the last observation must be an end observation, found " +
                                                 std::string(to_string(log.back().kind))});
    }
    for (std::size_t i = 0; i + 1 < log.size(); ++i) {
      if (log[i].kind == observation_kind::end) {
        problems.push_back({index_path(key, i), "an end observation may only be the last entry (found one at index " +
                                                    std::to_string(i) + " of " + std::to_string(log.size()) + ")"});
      }
    }
    if (problems.size() != before) return std::nullopt;
  }
  return log;
}

json to_json(const observation& o) {
  json j = json::object();
  j["kind"] = std::string(to_string(o.kind));
  switch (o.kind) {
    case observation_kind::event:
      j["type"] = o.type;
      j["data"] = o.data;
      j["last_event_id"] = o.last_event_id;
      break;
    case observation_kind::retry: j["ms"] = o.ms; break;
    case observation_kind::last_event_id: j["value"] = o.last_event_id; break;
    case observation_kind::comment: j["text"] = o.text; break;
    case observation_kind::end: j["last_event_id"] = o.last_event_id; break;
  }
  return j;
}

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace sse::conformance::detail
