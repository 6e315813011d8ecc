// scenario_loader.cpp: reads connection scenario files (fixtures/README.md, "Connection scenarios",
// is the contract). Every diagnostic names the file, the scenario (id, or #index) and the key path,
// and says what was expected. Nothing here throws for bad input.
#include "corpus_file.hpp"
#include "json_read.hpp"

#include <sse/conformance/json_limits.hpp>
#include <sse/conformance/scenario.hpp>

#include <algorithm>

namespace sse::conformance {
namespace {

using namespace detail;  // the loader vocabulary (json_read.hpp, corpus_file.hpp)

/// What this corpus's files and elements are called, and the keys an element adds.
const detail::corpus_kind scenario_files{
    "scenario file", "scenarios", "scenario", "", "status", {"client", "actions", "exchanges", "expected"}};

constexpr std::uint64_t max_delay_ms = 600000;  // ten minutes: anything longer is a typo

std::optional<std::uint64_t> read_integer(const json& v, const std::string& key, std::uint64_t min, std::uint64_t max,
                                          problem_list& problems) {
  if (v.is_number_unsigned() && v.get<std::uint64_t>() >= min && v.get<std::uint64_t>() <= max) {
    return v.get<std::uint64_t>();
  }
  problems.push_back({key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                               ", found " + describe(v)});
  return std::nullopt;
}

/// An optional key holding a delay in milliseconds (0 when absent).
std::uint64_t read_delay(const json& object, std::string_view key, const std::string& base, problem_list& problems) {
  const auto it = object.find(key);
  if (it == object.end()) return 0;
  return read_integer(*it, member_path(base, key), 0, max_delay_ms, problems).value_or(0);
}

/// One of `names`, as an index into it.
std::optional<std::size_t> read_enum(const json& v, const std::string& key,
                                     std::initializer_list<std::string_view> names, problem_list& problems) {
  std::size_t i = 0;
  std::string list;
  for (auto name : names) {
    if (v.is_string() && v.get_ref<const std::string&>() == name) return i;
    list += (list.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    ++i;
  }
  problems.push_back({key, "expected one of " + list + ", found " + describe(v)});
  return std::nullopt;
}

/// A byte string, or null for "absent".
std::optional<std::optional<std::string>> read_optional_bytes(const json& v, const std::string& key,
                                                              problem_list& problems) {
  if (v.is_null()) return std::optional<std::string>{};
  if (auto b = read_byte_string(v, key, problems)) return std::optional<std::string>{std::move(*b)};
  return std::nullopt;
}

std::optional<scenario_request> read_request(const json& v, const std::string& key, problem_list& problems) {
  if (!detail::expect_object(v, key, "a request object {url, method, accept, cache_control, last_event_id}", problems))
    return std::nullopt;
  const std::size_t before = problems.size();
  check_keys(v, {"url", "method", "accept", "cache_control", "last_event_id", "origin"}, key, "a request", problems);
  scenario_request r;
  if (const json* u = require(v, "url", key, "the URL the request goes to, e.g. \"{origin}/stream\"", problems)) {
    if (auto s = read_string(*u, member_path(key, "url"), problems, true)) r.url = *s;
  }
  if (const json* m = require(v, "method", key, "the request method, \"GET\"", problems)) {
    if (auto s = read_string(*m, member_path(key, "method"), problems, true)) r.method = *s;
  }
  if (const json* a = require(v, "accept", key, "the Accept header's bytes", problems)) {
    if (auto b = read_byte_string(*a, member_path(key, "accept"), problems)) r.accept = *b;
  }
  if (const json* c = require(v, "cache_control", key, "the Cache-Control header's bytes", problems)) {
    if (auto b = read_byte_string(*c, member_path(key, "cache_control"), problems)) r.cache_control = *b;
  }
  if (const json* l =
          require(v, "last_event_id", key, "the Last-Event-ID header's bytes, or null when absent", problems)) {
    if (auto b = read_optional_bytes(*l, member_path(key, "last_event_id"), problems)) r.last_event_id = *b;
  }
  if (const auto o = v.find("origin"); o != v.end()) {
    r.checks_origin = true;
    if (auto b = read_optional_bytes(*o, member_path(key, "origin"), problems)) r.origin = *b;
  }
  if (problems.size() != before) return std::nullopt;
  return r;
}

std::optional<scenario_chunk> read_chunk(const json& v, const std::string& key, problem_list& problems) {
  scenario_chunk chunk;
  if (v.is_object()) {
    check_keys(v, {"bytes", "delay_ms"}, key, "a body chunk", problems);
    chunk.delay_ms = read_delay(v, "delay_ms", key, problems);
    const json* b = require(v, "bytes", key, "the chunk's byte string", problems);
    if (b == nullptr) return std::nullopt;
    auto bytes = read_byte_string(*b, member_path(key, "bytes"), problems);
    if (!bytes) return std::nullopt;
    chunk.bytes = std::move(*bytes);
    return chunk;
  }
  auto bytes = read_byte_string(v, key, problems);
  if (!bytes) return std::nullopt;
  chunk.bytes = std::move(*bytes);
  return chunk;
}

std::optional<scenario_response> read_response(const json& v, const std::string& key, problem_list& problems) {
  if (!detail::expect_object(v, key, "a response object {status, headers, body, end} or {network_error}", problems))
    return std::nullopt;
  const std::size_t before = problems.size();
  scenario_response r;
  r.delay_ms = read_delay(v, "delay_ms", key, problems);
  if (const auto ne = v.find("network_error"); ne != v.end()) {
    check_keys(v, {"network_error", "delay_ms"}, key, "a network-error response", problems);
    read_enum(*ne, member_path(key, "network_error"), {"reset"}, problems);
    r.network_error = true;
    if (problems.size() != before) return std::nullopt;
    return r;
  }
  check_keys(v, {"delay_ms", "status", "headers", "body", "end", "end_delay_ms"}, key, "a response", problems);
  if (const json* st = require(v, "status", key, "the status code, 100 to 599", problems)) {
    if (auto n = read_integer(*st, member_path(key, "status"), 100, 599, problems))
      r.status = static_cast<std::uint16_t>(*n);
  }
  if (const json* hs = require(v, "headers", key, "the header list, [[name, value], ...] as byte strings", problems)) {
    const std::string hkey = member_path(key, "headers");
    if (!hs->is_array()) {
      problems.push_back({hkey, "expected an array of [name, value] pairs, found " + describe(*hs)});
    } else {
      for (std::size_t i = 0; i < hs->size(); ++i) {
        const json& pair = (*hs)[i];
        const std::string pkey = index_path(hkey, i);
        if (!pair.is_array() || pair.size() != 2) {
          problems.push_back({pkey, "expected a [name, value] pair of byte strings, found " + describe(pair)});
          continue;
        }
        auto name = read_byte_string(pair[0], index_path(pkey, 0), problems);
        auto value = read_byte_string(pair[1], index_path(pkey, 1), problems);
        if (name && name->empty()) problems.push_back({index_path(pkey, 0), "a header name is never empty"});
        if (name && value) r.headers.push_back({std::move(*name), std::move(*value)});
      }
    }
  }
  if (const auto b = v.find("body"); b != v.end()) {
    const std::string bkey = member_path(key, "body");
    if (!b->is_array()) {
      problems.push_back(
          {bkey, "expected an array of chunks (byte strings or {bytes, delay_ms}), found " + describe(*b)});
    } else {
      for (std::size_t i = 0; i < b->size(); ++i) {
        if (auto c = read_chunk((*b)[i], index_path(bkey, i), problems)) r.body.push_back(std::move(*c));
      }
    }
  }
  if (const json* e = require(v, "end", key, "how the response ends: \"close\", \"reset\" or \"hold\"", problems)) {
    if (auto i = read_enum(*e, member_path(key, "end"), {"close", "reset", "hold"}, problems)) {
      r.end = static_cast<response_end>(*i);
    }
  }
  r.end_delay_ms = read_delay(v, "end_delay_ms", key, problems);
  if (problems.size() != before) return std::nullopt;
  return r;
}

std::optional<log_entry> read_log_entry(const json& v, const std::string& key, problem_list& problems) {
  if (!v.is_object() || v.find("kind") == v.end()) {
    problems.push_back({key, "expected a log entry {\"kind\": ..., ...}, found " + describe(v)});
    return std::nullopt;
  }
  // The names of log_kind, in order.
  const auto kind = read_enum(v["kind"], member_path(key, "kind"),
                              {"construct", "request", "open", "message", "error", "close", "abort"}, problems);
  if (!kind) return std::nullopt;
  const std::size_t before = problems.size();
  log_entry e;
  e.kind = static_cast<log_kind>(*kind);
  if (e.kind == log_kind::request) {
    check_keys(v, {"kind", "exchange", "min_delay_ms", "may_not_arrive"}, key, "a request entry", problems);
    if (const json* x = require(v, "exchange", key, "the index of the exchange this request starts", problems)) {
      if (auto n = read_integer(*x, member_path(key, "exchange"), 0, 1000, problems))
        e.exchange = static_cast<std::size_t>(*n);
    }
    if (const json* d =
            require(v, "min_delay_ms", key,
                    "the wait the standard requires before the request, or null for the default", problems)) {
      if (!d->is_null()) e.min_delay_ms = read_integer(*d, member_path(key, "min_delay_ms"), 0, max_delay_ms, problems);
    }
    if (const auto m = v.find("may_not_arrive"); m != v.end()) {
      if (m->is_boolean()) {
        e.may_not_arrive = m->get<bool>();
      } else {
        problems.push_back({member_path(key, "may_not_arrive"), "expected true or false, found " + describe(*m)});
      }
    }
  } else {
    if (e.kind == log_kind::message) {
      check_keys(v, {"kind", "type", "data", "last_event_id", "origin", "ready_state"}, key, "a message entry",
                 problems);
      for (auto [name, member] : {std::pair{"type", &e.type}, std::pair{"data", &e.data},
                                  std::pair{"last_event_id", &e.last_event_id}, std::pair{"origin", &e.origin}}) {
        if (const json* s =
                require(v, name, key, "a message entry has type, data, last_event_id and origin", problems)) {
          if (auto str = read_string(*s, member_path(key, name), problems)) *member = *str;
        }
      }
    } else {
      check_keys(v, {"kind", "ready_state"}, key, "a " + std::string(to_string(e.kind)) + " entry", problems);
    }
    if (const json* r = require(v, "ready_state", key, "readyState after the entry: 0, 1 or 2", problems)) {
      if (auto n = read_integer(*r, member_path(key, "ready_state"), 0, 2, problems))
        e.state = static_cast<ready_state>(*n);
    }
  }
  if (problems.size() != before) return std::nullopt;
  return e;
}

/// Each element of the array `v` (at `key`), read by `read_one` into `out`.
template <class T>
void read_each(const json& v, const std::string& key, std::string_view meaning, problem_list& problems,
               std::vector<T>& out, std::optional<T> (*read_one)(const json&, const std::string&, problem_list&)) {
  if (!v.is_array()) {
    problems.push_back({key, "expected " + std::string(meaning) + ", found " + describe(v)});
    return;
  }
  for (std::size_t i = 0; i < v.size(); ++i)
    if (auto item = read_one(v[i], index_path(key, i), problems)) out.push_back(std::move(*item));
}

std::optional<page_action> read_action(const json& action, const std::string& akey, problem_list& problems) {
  if (!expect_object(action, akey, "{\"action\": \"close\", \"after_observation\": n}", problems)) return std::nullopt;
  check_keys(action, {"action", "after_observation", "delay_ms"}, akey, "a page action", problems);
  page_action pa;
  if (const json* k = require(action, "action", akey, "\"close\" or \"abort\"", problems)) {
    if (auto n = read_enum(*k, member_path(akey, "action"), {"close", "abort"}, problems)) {
      pa.kind = static_cast<page_action_kind>(*n);
    }
  }
  if (const json* n = require(action, "after_observation", akey,
                              "the observation (1-based; 0 = after construction) it follows", problems)) {
    pa.after_observation = static_cast<std::size_t>(
        read_integer(*n, member_path(akey, "after_observation"), 0, 1000, problems).value_or(0));
  }
  pa.delay_ms = read_delay(action, "delay_ms", akey, problems);
  return pa;
}

std::optional<scenario_exchange> read_exchange(const json& ex, const std::string& xkey, problem_list& problems) {
  if (!expect_object(ex, xkey, "{\"request\": ..., \"response\": ...}", problems)) return std::nullopt;
  check_keys(ex, {"request", "response"}, xkey, "an exchange", problems);
  const json* rq = require(ex, "request", xkey, "what the request must carry", problems);
  const json* rs = require(ex, "response", xkey, "how the server answers", problems);
  auto request = rq != nullptr ? read_request(*rq, member_path(xkey, "request"), problems) : std::nullopt;
  auto response = rs != nullptr ? read_response(*rs, member_path(xkey, "response"), problems) : std::nullopt;
  if (!request || !response) return std::nullopt;
  return scenario_exchange{std::move(*request), std::move(*response)};
}

/// The log's own rules: it starts with construct; request entries number the exchanges 0, 1, ... in
/// order, one per exchange; only the last request entry may be one that may not arrive.
void check_log(const scenario_log& log, std::size_t exchanges, problem_list& problems) {
  if (log.empty() || log.front().kind != log_kind::construct) {
    problems.push_back({"expected", "the log starts with {\"kind\": \"construct\", \"ready_state\": 0}"});
  }
  std::size_t next = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].kind != log_kind::request) continue;
    if (log[i].may_not_arrive && log[i].exchange + 1 != exchanges) {
      problems.push_back({index_path("expected", i) + ".may_not_arrive",
                          "only the last request can be one that may not arrive (an aborted fetch is the last)"});
    }
    if (log[i].exchange != next) {
      problems.push_back({index_path("expected", i) + ".exchange", "requests are made in exchange order: expected " +
                                                                       std::to_string(next) + ", found " +
                                                                       std::to_string(log[i].exchange)});
    }
    ++next;
  }
  if (next != exchanges) {
    problems.push_back({"expected", "the log has " + std::to_string(next) + " request entries but the scenario has " +
                                        std::to_string(exchanges) + " exchanges (one request per exchange)"});
  }
}

/// Completes a scenario from its common keys: the client, its actions, the exchanges, the log.
scenario read_scenario(const json& v, test_case common, problem_list& problems) {
  scenario s;
  s.id = std::move(common.id);
  s.description = std::move(common.description);
  s.file = std::move(common.file);
  s.area = std::move(common.area);
  s.rules = std::move(common.rules);
  s.tags = std::move(common.tags);
  s.evidence = std::move(common.evidence);
  s.klass = common.klass;
  s.gap = std::move(common.gap);
  s.guards = std::move(common.guards);
  if (const json* c =
          require(v, "client", "", "the construction: {\"url\": ..., \"with_credentials\": false}", problems)) {
    if (!c->is_object()) {
      problems.push_back({"client", "expected {\"url\": ..., \"with_credentials\": ...}, found " + describe(*c)});
    } else {
      check_keys(*c, {"url", "with_credentials"}, "client", "the client", problems);
      if (const json* u = require(*c, "url", "client", "the constructor's url argument", problems)) {
        if (auto str = read_string(*u, "client.url", problems)) s.url = *str;
      }
      if (const json* w = require(*c, "with_credentials", "client", "true or false", problems)) {
        if (w->is_boolean()) {
          s.with_credentials = w->get<bool>();
        } else {
          problems.push_back({"client.with_credentials", "expected true or false, found " + describe(*w)});
        }
      }
    }
  }
  if (const auto a = v.find("actions"); a != v.end())
    read_each(*a, "actions", "an array of page actions", problems, s.actions, read_action);
  if (const json* x = require(v, "exchanges", "", "the request/response exchanges, in order", problems))
    read_each(*x, "exchanges", "an array of {request, response}", problems, s.exchanges, read_exchange);
  if (const json* e = require(v, "expected", "", "the expected log", problems)) {
    read_each(*e, "expected", "an array of log entries", problems, s.expected, read_log_entry);
    if (problems.empty()) check_log(s.expected, s.exchanges.size(), problems);
  }
  return s;
}

scenario_load_result load_scenarios_from(const detail::corpus_source& source) {
  scenario_load_result r;
  detail::load_elements<scenario>(
      scenario_files, read_scenario, [](const scenario& c) -> const std::string& { return c.id; }, source, r.scenarios,
      r.files, r.diagnostics);
  return r;
}

}  // namespace

std::string_view to_string(response_end e) noexcept {
  return e == response_end::close ? "close" : e == response_end::reset ? "reset" : "hold";
}

std::string_view to_string(log_kind k) noexcept {
  switch (k) {
    case log_kind::construct: return "construct";
    case log_kind::request: return "request";
    case log_kind::open: return "open";
    case log_kind::message: return "message";
    case log_kind::error: return "error";
    case log_kind::close: return "close";
    case log_kind::abort: return "abort";
  }
  return "unknown";
}

scenario_load_result load_scenarios(const std::vector<std::filesystem::path>& paths) {
  return load_scenarios_from({paths, {}});
}

scenario_load_result load_scenarios_text(std::string_view json_text, const std::string& file) {
  return load_scenarios_from({{}, std::pair{json_text, file}});
}

std::filesystem::path bundled_scenarios_dir() { return bundled_fixtures_dir() / "connection"; }

}  // namespace sse::conformance
