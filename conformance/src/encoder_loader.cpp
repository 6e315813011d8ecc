// encoder_loader.cpp: reads encoder case files (fixtures/README.md, "Encoder cases"). Like the
// fixture loader, it never throws for bad input: every problem is a diagnostic naming the file, the
// case and the key path.
#include "corpus_file.hpp"
#include "json_model.hpp"
#include "json_read.hpp"

#include <sse/conformance/encoder_case.hpp>
#include <sse/conformance/json_limits.hpp>

#include <algorithm>

namespace sse::conformance {
namespace {

using detail::describe;
using detail::index_path;
using detail::json;
using detail::member_path;
using detail::problem_list;

/// What this corpus's files and elements are called, and the keys an element adds.
const detail::corpus_kind encoder_files{
    "encoder case file", "cases",        "case",
    "encoder-",          "encoder-data", {"event", "initial_last_event_id", "expected", "refused"}};

constexpr encode_error reason_codes[] = {encode_error::invalid_utf8,           encode_error::id_contains_nul,
                                         encode_error::id_contains_line_break, encode_error::type_contains_line_break,
                                         encode_error::retry_too_large,        encode_error::retry_negative,
                                         encode_error::retry_not_integer};

std::string reason_list() {
  std::string out;
  for (const auto r : reason_codes) out += (out.empty() ? "" : ", ") + std::string(to_string(r));
  return out;
}

/// A string member: a JSON string, or {"utf16": [0..65535, ...]}.
std::optional<encoder_text> read_encoder_text(const json& v, const std::string& key, problem_list& problems) {
  if (v.is_string()) {
    auto s = detail::read_string(v, key, problems);
    if (!s) {
      problems.back().message += "; write a string with lone surrogates as {\"utf16\": [code units]}";
      return std::nullopt;
    }
    return encoder_text{std::move(*s), std::nullopt};
  }
  if (!v.is_object()) {
    problems.push_back({key, "expected a string or {\"utf16\": [code units]}, found " + describe(v)});
    return std::nullopt;
  }
  detail::check_keys(v, {"utf16"}, key, "a UTF-16 string", problems);
  const json* units = detail::require(v, "utf16", key, "an array of UTF-16 code units, 0 to 65535", problems);
  if (units == nullptr) return std::nullopt;
  if (!units->is_array()) {
    problems.push_back(
        {member_path(key, "utf16"), "expected an array of UTF-16 code units, found " + describe(*units)});
    return std::nullopt;
  }
  std::u16string text;
  bool ok = true;
  for (std::size_t i = 0; i < units->size(); ++i) {
    const json& u = (*units)[i];
    if (!u.is_number_unsigned() || u.get<std::uint64_t>() > 0xFFFF) {
      problems.push_back({index_path(member_path(key, "utf16"), i),
                          "expected a UTF-16 code unit (an integer from 0 to 65535), found " + describe(u)});
      ok = false;
      continue;
    }
    text.push_back(static_cast<char16_t>(u.get<std::uint64_t>()));
  }
  if (!ok) return std::nullopt;
  return encoder_text{utf8_from_utf16(text), std::move(text)};
}

std::optional<encoder_event> read_event(const json& v, problem_list& problems) {
  if (!v.is_object()) {
    problems.push_back({"event", "expected an event object, found " + describe(v)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  encoder_event e;
  e.json = detail::dump(v);
  detail::check_keys(v, {"type", "data", "id", "retry", "comments"}, "event", "an event", problems);
  const std::pair<const char*, std::optional<encoder_text>*> strings[] = {
      {"type", &e.type}, {"data", &e.data}, {"id", &e.id}};
  for (const auto& [key, member] : strings)
    if (const auto it = v.find(key); it != v.end())
      *member = read_encoder_text(*it, member_path("event", key), problems);
  if (const auto it = v.find("retry"); it != v.end()) {
    if (!it->is_number()) {
      problems.push_back(
          {"event.retry", "expected a JSON number (any: 3000, 0, -1, 1.5, 1e21), found " + describe(*it)});
    } else {
      e.retry_number = it->get<double>();
      if (it->is_number_unsigned()) e.retry_integer = it->get<std::uint64_t>();
    }
  }
  if (const auto it = v.find("comments"); it != v.end()) {
    if (!it->is_array()) {
      problems.push_back({"event.comments", "expected an array of comment texts, found " + describe(*it)});
    } else {
      for (std::size_t i = 0; i < it->size(); ++i)
        if (auto t = read_encoder_text((*it)[i], index_path("event.comments", i), problems)) e.comments.push_back(*t);
    }
  }
  if (problems.size() != before) return std::nullopt;
  return e;
}

/// Canonical order: every comment before every retry before everything else.
int rank(const observation& o) {
  return o.kind == observation_kind::comment ? 0 : o.kind == observation_kind::retry ? 1 : 2;
}

/// Completes an encoder case from its common keys: the event, and what reading it back gives.
encoder_case read_case(const json& v, test_case common, problem_list& problems) {
  encoder_case c;
  c.meta = std::move(common);
  if (const json* ev = detail::require(v, "event", "", "the event handed to the writer", problems))
    if (auto e = read_event(*ev, problems)) c.event = std::move(*e);
  if (const auto i = v.find("initial_last_event_id"); i != v.end()) {
    if (auto s = detail::read_string(*i, "initial_last_event_id", problems)) {
      if (s->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        problems.push_back({"initial_last_event_id", "a last event ID string never holds CR, LF or NUL"});
      else
        c.meta.initial_last_event_id = *s;
    }
  }
  const auto expected = v.find("expected");
  const auto refused = v.find("refused");
  if ((expected == v.end()) == (refused == v.end())) {
    problems.push_back({expected == v.end() ? "expected" : "refused",
                        "a case has exactly one of \"expected\" (the read-back log) and \"refused\" (a reason code)"});
  } else if (refused != v.end()) {
    c.expect_refusal = true;
    if (auto s = detail::read_string(*refused, "refused", problems)) {
      const bool known = std::any_of(std::begin(reason_codes), std::end(reason_codes),
                                     [&](encode_error r) { return to_string(r) == *s; });
      if (!known)
        problems.push_back({"refused", "expected a reason code (" + reason_list() + "), found " + describe(*refused)});
      else
        c.refusal_reason = *s;
    }
  } else if (auto log = detail::read_observation_log(*expected, "expected", detail::strictness::corpus, problems)) {
    if (!std::is_sorted(log->begin(), log->end(), [](const auto& a, const auto& b) { return rank(a) < rank(b); }))
      problems.push_back({"expected",
                          "the read-back log is in canonical order: every comment, then every retry, "
                          "then the rest"});
    c.meta.expected = std::move(*log);
  }
  return c;
}

encoder_load_result load_encoder_cases_from(const detail::corpus_source& source) {
  encoder_load_result r;
  detail::load_elements<encoder_case>(
      encoder_files, read_case, [](const encoder_case& c) -> const std::string& { return c.meta.id; }, source, r.cases,
      r.files, r.diagnostics);
  return r;
}

}  // namespace

encoder_load_result load_encoder_cases(const std::vector<std::filesystem::path>& paths) {
  return load_encoder_cases_from({paths, {}});
}

encoder_load_result load_encoder_cases_text(std::string_view json_text, const std::string& file) {
  return load_encoder_cases_from({{}, std::pair{json_text, file}});
}

std::filesystem::path bundled_encoder_fixtures_dir() { return bundled_fixtures_dir() / "encoder"; }

observation_log canonical_order(observation_log log) {
  std::stable_sort(log.begin(), log.end(), [](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return log;
}

}  // namespace sse::conformance
