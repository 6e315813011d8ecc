// scenario_loader.cpp: reads connection scenario files (fixtures/README.md, "Connection scenarios",
// is the contract). Every diagnostic names the file, the scenario (id, or #index) and the key path,
// and says what was expected. Nothing here throws for bad input.
#include "json_read.hpp"

#include <sse/conformance/json_limits.hpp>
#include <sse/conformance/scenario.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

namespace sse::conformance {
namespace {

using detail::check_keys;
using detail::describe;
using detail::index_path;
using detail::json;
using detail::member_path;
using detail::problem_list;
using detail::read_byte_string;
using detail::read_string;
using detail::read_string_list;
using detail::require;

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
  if (!v.is_object()) {
    problems.push_back(
        {key, "expected a request object {url, method, accept, cache_control, last_event_id}, found " + describe(v)});
    return std::nullopt;
  }
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
  if (!v.is_object()) {
    problems.push_back(
        {key, "expected a response object {status, headers, body, end} or {network_error}, found " + describe(v)});
    return std::nullopt;
  }
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
    check_keys(v, {"kind", "exchange", "min_delay_ms"}, key, "a request entry", problems);
    if (const json* x = require(v, "exchange", key, "the index of the exchange this request starts", problems)) {
      if (auto n = read_integer(*x, member_path(key, "exchange"), 0, 1000, problems))
        e.exchange = static_cast<std::size_t>(*n);
    }
    if (const json* d =
            require(v, "min_delay_ms", key,
                    "the wait the standard requires before the request, or null for the default", problems)) {
      if (!d->is_null()) e.min_delay_ms = read_integer(*d, member_path(key, "min_delay_ms"), 0, max_delay_ms, problems);
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

/// The log's own rules: it starts with construct; request entries number the exchanges 0, 1, ... in
/// order, one per exchange.
void check_log(const scenario_log& log, std::size_t exchanges, problem_list& problems) {
  if (log.empty() || log.front().kind != log_kind::construct) {
    problems.push_back({"expected", "the log starts with {\"kind\": \"construct\", \"ready_state\": 0}"});
  }
  std::size_t next = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].kind != log_kind::request) continue;
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

std::optional<scenario> read_scenario(const json& v, std::size_t index, const std::string& file,
                                      const std::string& area, std::string& label, problem_list& problems) {
  label = "#" + std::to_string(index);
  if (!v.is_object()) {
    problems.push_back({"", "expected a scenario object, found " + describe(v)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  scenario s;
  s.file = file;
  s.area = area;
  check_keys(v,
             {"id", "description", "rules", "class", "gap", "guards", "evidence", "tags", "client", "actions",
              "exchanges", "expected"},
             "", "a scenario", problems);
  if (const json* id = require(v, "id", "", "a unique id like \"status/204-fails\"", problems)) {
    if (auto str = read_string(*id, "id", problems)) {
      const auto slash = str->find('/');
      const std::string_view name =
          slash == std::string::npos ? std::string_view() : std::string_view(*str).substr(slash + 1);
      const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return detail::is_lower_word_char(c) || c == '-';
      });
      if (slash == std::string::npos || !name_ok || str->substr(0, slash) != area) {
        problems.push_back({"id", "expected \"" + area +
                                      "/<name>\" (the file's area, then lower-case ASCII letters, "
                                      "digits and '-'), found " +
                                      describe(*id)});
      } else {
        label = *str;
        s.id = *str;
      }
    }
  }
  if (const json* d = require(v, "description", "", "what the scenario shows, in a sentence or two", problems)) {
    if (auto str = read_string(*d, "description", problems, true)) s.description = *str;
  }
  if (const json* r = require(v, "rules", "", "the rule ids R1..R72 the scenario exercises", problems)) {
    s.rules = read_string_list(*r, "rules", true, "rule ids R1..R72", detail::is_rule_id, problems);
  }
  if (const json* k = require(v, "class", "", "\"spec\" or \"implementation-defined\"", problems)) {
    if (auto i = read_enum(*k, "class", {"spec", "implementation-defined"}, problems))
      s.klass = static_cast<case_class>(*i);
  }
  if (const auto gap = v.find("gap"); gap != v.end()) {
    if (auto str = read_string(*gap, "gap", problems)) {
      if (!detail::is_gap_id(*str)) {
        problems.push_back({"gap", "expected a gap id G1..G9 or P<n>, found " + describe(*gap)});
      } else if (s.klass == case_class::spec) {
        problems.push_back(
            {"gap", "a spec scenario has no gap; remove \"gap\" or make the class \"implementation-defined\""});
      } else {
        s.gap = *str;
      }
    }
  } else if (s.klass == case_class::implementation_defined) {
    problems.push_back({"gap", "missing key: an implementation-defined scenario names the gap its log depends on"});
  }
  if (const auto g = v.find("guards"); g != v.end()) {
    if (auto str = read_string(*g, "guards", problems, true)) s.guards = *str;
  }
  if (const auto e = v.find("evidence"); e != v.end()) {
    s.evidence = read_string_list(
        *e, "evidence", false, "non-empty strings", [](std::string_view str) { return !str.empty(); }, problems);
  }
  if (const auto t = v.find("tags"); t != v.end()) {
    s.tags = read_string_list(*t, "tags", false, "short lower-case words like \"cors\"", detail::is_hyphenated_words,
                              problems);
  }
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
  if (const auto a = v.find("actions"); a != v.end()) {
    if (!a->is_array()) {
      problems.push_back({"actions", "expected an array of page actions, found " + describe(*a)});
    } else {
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json& action = (*a)[i];
        const std::string akey = index_path("actions", i);
        if (!action.is_object()) {
          problems.push_back(
              {akey, "expected {\"action\": \"close\", \"after_observation\": n}, found " + describe(action)});
          continue;
        }
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
        s.actions.push_back(pa);
      }
    }
  }
  if (const json* x = require(v, "exchanges", "", "the request/response exchanges, in order", problems)) {
    if (!x->is_array()) {
      problems.push_back({"exchanges", "expected an array of {request, response}, found " + describe(*x)});
    } else {
      for (std::size_t i = 0; i < x->size(); ++i) {
        const json& ex = (*x)[i];
        const std::string xkey = index_path("exchanges", i);
        if (!ex.is_object()) {
          problems.push_back({xkey, "expected {\"request\": ..., \"response\": ...}, found " + describe(ex)});
          continue;
        }
        check_keys(ex, {"request", "response"}, xkey, "an exchange", problems);
        const json* rq = require(ex, "request", xkey, "what the request must carry", problems);
        const json* rs = require(ex, "response", xkey, "how the server answers", problems);
        auto request = rq != nullptr ? read_request(*rq, member_path(xkey, "request"), problems) : std::nullopt;
        auto response = rs != nullptr ? read_response(*rs, member_path(xkey, "response"), problems) : std::nullopt;
        if (request && response) s.exchanges.push_back({std::move(*request), std::move(*response)});
      }
    }
  }
  if (const json* e = require(v, "expected", "", "the expected log", problems)) {
    if (!e->is_array()) {
      problems.push_back({"expected", "expected an array of log entries, found " + describe(*e)});
    } else {
      for (std::size_t i = 0; i < e->size(); ++i) {
        if (auto entry = read_log_entry((*e)[i], index_path("expected", i), problems)) s.expected.push_back(*entry);
      }
      if (problems.size() == before) check_log(s.expected, s.exchanges.size(), problems);
    }
  }
  if (problems.size() != before) return std::nullopt;
  return s;
}

/// Duplicate object keys, which a DOM parser silently resolves by keeping one of them: each is
/// reported with its key path (for example `scenarios[3].exchanges[0].request.url`).
class duplicate_key_finder final : public json::json_sax_t {
public:
  std::vector<std::string> paths;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool start_object(std::size_t) override {
    value();
    stack_.push_back({false, 0, {}, {}});
    return true;
  }
  bool key(string_t& k) override {
    frame& f = stack_.back();
    f.key = k;
    if (!f.keys.insert(k).second) paths.push_back(path());
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    value();
    stack_.push_back({true, 0, {}, {}});
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  /// The syntax error, as nlohmann words it (without its "[json.exception...] " prefix).
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    syntax_error = ex.what();
    if (const auto pos = syntax_error.find("] "); pos != std::string::npos) syntax_error = syntax_error.substr(pos + 2);
    return false;
  }
  std::string syntax_error;

private:
  struct frame {
    bool is_array;
    std::size_t count;  // arrays: elements started so far
    std::string key;    // objects: the current key
    std::set<std::string> keys;
  };
  std::vector<frame> stack_;

  bool value() {
    if (!stack_.empty() && stack_.back().is_array) ++stack_.back().count;
    return true;
  }
  std::string path() const {
    std::string out;
    for (const auto& f : stack_) out = f.is_array ? index_path(out, f.count - 1) : member_path(out, f.key);
    return out;
  }
};

class scenario_builder {
public:
  void add_path(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      add_file(path);
      return;
    }
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) {
      add(path.string(), "", "", "cannot list the folder: " + ec.message());
      return;
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) add(path.string(), "", "", "the folder holds no scenario files (*.json)");
    for (const auto& f : files) add_file(f);
  }

  void add_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      add(path.string(), "", "", "cannot open the file (does it exist?)");
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    add_text(text.str(), path.string());
  }

  void add_text(std::string_view text, const std::string& file) {
    result_.files.push_back(file);
    if (auto too_deep = check_json_depth(text)) {  // before any parser recurses into it
      add(file, "", "", *too_deep);
      return;
    }
    // No exceptions: the library is also built without them (the WASM package).
    duplicate_key_finder duplicates;
    if (!json::sax_parse(text, &duplicates) || !duplicates.syntax_error.empty()) {
      add(file, "", "", "invalid JSON: " + duplicates.syntax_error);
      return;
    }
    const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
    for (const auto& path : duplicates.paths) {
      add(file, "", path,
          "this key appears twice in the same object (JSON parsers keep only one); the file is refused");
    }
    if (!duplicates.paths.empty()) return;
    problem_list problems;
    if (!root.is_object()) {
      add(file, "", "",
          "expected a JSON object with format_version, area, title and scenarios, found " + describe(root));
      return;
    }
    check_keys(root, {"format_version", "area", "title", "scenarios"}, "", "a scenario file", problems);
    if (const json* fv = require(root, "format_version", "", "the integer 1", problems)) {
      if (!(fv->is_number_unsigned() && fv->get<std::uint64_t>() == 1)) {
        problems.push_back(
            {"format_version", "expected the integer 1, found " + describe(*fv) + "; refusing the file"});
      }
    }
    std::string area;
    if (const json* a = require(root, "area", "", "lower-case words joined by '-', like \"status\"", problems)) {
      if (auto str = read_string(*a, "area", problems); str && detail::is_hyphenated_words(*str)) {
        area = *str;
      } else {
        problems.push_back({"area", "expected lower-case words joined by '-', found " + describe(*a)});
      }
    }
    if (const json* t = require(root, "title", "", "one line for people", problems))
      read_string(*t, "title", problems, true);
    const json* list = require(root, "scenarios", "", "a non-empty array of scenarios", problems);
    if (list != nullptr && (!list->is_array() || list->empty())) {
      problems.push_back({"scenarios", "expected a non-empty array of scenarios, found " + describe(*list)});
      list = nullptr;
    }
    for (auto& p : problems) add(file, "", p.key, p.message);
    if (list == nullptr || !problems.empty()) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      problem_list scenario_problems;
      std::string label;
      auto s = read_scenario((*list)[i], i, file, area, label, scenario_problems);
      for (auto& p : scenario_problems) add(file, label, p.key, p.message);
      if (!s) continue;
      const auto [first, inserted] = ids_.try_emplace(s->id, file);
      if (!inserted) {
        add(file, label, "id", "duplicate id: already used in " + first->second + " (ids are unique across files)");
        continue;
      }
      result_.scenarios.push_back(std::move(*s));
    }
  }

  scenario_load_result take() { return std::move(result_); }

private:
  void add(const std::string& file, std::string id, std::string key, std::string message) {
    result_.diagnostics.push_back({file, std::move(id), std::move(key), std::move(message)});
  }
  scenario_load_result result_;
  std::map<std::string, std::string> ids_;
};

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
  scenario_builder builder;
  for (const auto& p : paths) builder.add_path(p);
  return builder.take();
}

scenario_load_result load_scenarios_text(std::string_view json_text, const std::string& file) {
  scenario_builder builder;
  builder.add_text(json_text, file);
  return builder.take();
}

std::filesystem::path bundled_scenarios_dir() { return bundled_fixtures_dir() / "connection"; }

}  // namespace sse::conformance
