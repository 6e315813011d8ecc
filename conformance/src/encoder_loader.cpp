// encoder_loader.cpp: reads encoder case files (fixtures/README.md, "Encoder cases"). Like the
// fixture loader, it never throws for bad input: every problem is a diagnostic naming the file, the
// case and the key path.
#include "json_model.hpp"
#include "loader_util.hpp"

#include <sse/conformance/encoder_case.hpp>
#include <sse/conformance/json_limits.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

namespace sse::conformance {
namespace {

using detail::describe;
using detail::index_path;
using detail::json;
using detail::member_path;
using detail::problem_list;

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
    auto s = detail::read_text(v, key, problems);
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
  detail::report_unknown_keys(v, {"utf16"}, key, "a UTF-16 string", problems);
  const json* units = detail::require_key(v, "utf16", key, "an array of UTF-16 code units, 0 to 65535", problems);
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
  detail::report_unknown_keys(v, {"type", "data", "id", "retry", "comments"}, "event", "an event", problems);
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

std::optional<encoder_case> read_case(const json& v, std::size_t index, const std::string& file,
                                      const std::string& area, std::string& label, problem_list& problems) {
  label = "#" + std::to_string(index);
  if (!v.is_object()) {
    problems.push_back({"", "expected a case object, found " + describe(v)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  encoder_case c;
  c.meta.file = file;
  c.meta.area = area;
  detail::report_unknown_keys(v,
                              {"id", "description", "rules", "class", "gap", "guards", "evidence", "tags", "event",
                               "initial_last_event_id", "expected", "refused"},
                              "", "an encoder case", problems);
  detail::read_common_case_keys(v, area, label, c.meta, problems);
  if (const json* ev = detail::require_key(v, "event", "", "the event handed to the writer", problems))
    if (auto e = read_event(*ev, problems)) c.event = std::move(*e);
  if (const auto i = v.find("initial_last_event_id"); i != v.end()) {
    if (auto s = detail::read_text(*i, "initial_last_event_id", problems)) {
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
    if (auto s = detail::read_text(*refused, "refused", problems)) {
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
  if (problems.size() != before) return std::nullopt;
  return c;
}

class encoder_corpus_builder {
public:
  void add_path(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      add_file(path);
      return;
    }
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
    if (ec) return add(path.string(), "", "", "cannot list the folder: " + ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty()) add(path.string(), "", "", "the folder holds no encoder case files (*.json)");
    for (const auto& f : files) add_file(f);
  }

  void add_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return add(path.string(), "", "", "cannot open the file (does it exist?)");
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
    const auto structure = detail::check_structure(text);
    std::set<std::size_t> bad_cases;
    bool file_ok = true;
    for (const auto& f : structure.findings) {
      if (f.case_index) {
        const auto id = structure.case_ids.find(*f.case_index);
        add(file, id != structure.case_ids.end() ? id->second : "#" + std::to_string(*f.case_index), f.key, f.message);
        bad_cases.insert(*f.case_index);
      } else {
        add(file, "", f.key, f.message);
        file_ok = false;
      }
    }
    if (!structure.parsed) return;
    const json root = json::parse(text, nullptr, false);
    problem_list problems;
    if (!root.is_object())
      return add(file, "", "", "expected a JSON object with format_version, area, title and cases");
    detail::report_unknown_keys(root, {"format_version", "area", "title", "cases"}, "", "an encoder case file",
                                problems);
    if (const json* fv = detail::require_key(root, "format_version", "", "the integer 1", problems))
      if (!(fv->is_number_integer() && fv->get<std::int64_t>() == 1))
        problems.push_back(
            {"format_version", "expected the integer 1, found " + describe(*fv) + "; refusing the file"});
    std::string area;
    if (const json* a = detail::require_key(root, "area", "",
                                            "\"encoder-\" and lower-case words, like \"encoder-data\"", problems)) {
      if (auto s = detail::read_text(*a, "area", problems)) {
        if (detail::is_area_name(*s) && s->starts_with("encoder-"))
          area = *s;
        else
          problems.push_back(
              {"area", "expected \"encoder-\" and lower-case words joined by '-', found " + describe(*a)});
      }
    }
    if (const json* t = detail::require_key(root, "title", "", "one line for people", problems))
      if (auto s = detail::read_text(*t, "title", problems, true); s && s->find('\n') != std::string::npos)
        problems.push_back({"title", "expected one line, found a line break"});
    const json* cases = detail::require_key(root, "cases", "", "a non-empty array of cases", problems);
    if (cases != nullptr && (!cases->is_array() || cases->empty())) {
      problems.push_back({"cases", "expected a non-empty array of cases, found " + describe(*cases)});
      cases = nullptr;
    }
    for (auto& p : problems) add(file, "", p.key, p.message);
    file_ok = file_ok && problems.empty();
    if (cases == nullptr) return;
    for (std::size_t i = 0; i < cases->size(); ++i) {
      problem_list case_problems;
      std::string label;
      auto c = read_case((*cases)[i], i, file, area, label, case_problems);
      for (auto& p : case_problems) add(file, label, p.key, p.message);
      if (!c) continue;
      if (const auto [origin, inserted] = ids_.try_emplace(c->meta.id, file); !inserted) {
        add(file, label, "id", "duplicate id: a case in " + origin->second + " already has it");
        continue;
      }
      if (file_ok && bad_cases.count(i) == 0) result_.cases.push_back(std::move(*c));
    }
  }

  encoder_load_result take() { return std::move(result_); }

private:
  encoder_load_result result_;
  std::map<std::string, std::string> ids_;

  void add(const std::string& file, std::string case_id, std::string key, std::string message) {
    result_.diagnostics.push_back({file, std::move(case_id), std::move(key), std::move(message)});
  }
};

}  // namespace

encoder_load_result load_encoder_cases(const std::vector<std::filesystem::path>& paths) {
  encoder_corpus_builder builder;
  for (const auto& p : paths) builder.add_path(p);
  return builder.take();
}

encoder_load_result load_encoder_cases_text(std::string_view json_text, const std::string& file) {
  encoder_corpus_builder builder;
  builder.add_text(json_text, file);
  return builder.take();
}

std::filesystem::path bundled_encoder_fixtures_dir() { return bundled_fixtures_dir() / "encoder"; }

observation_log canonical_order(observation_log log) {
  std::stable_sort(log.begin(), log.end(), [](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return log;
}

}  // namespace sse::conformance
