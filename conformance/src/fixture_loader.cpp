// fixture_loader.cpp: reads fixture files (fixtures/README.md is the contract) and checks everything,
// so that a fixture mistake is reported once, clearly, and never turns into a confusing test failure.
// Every diagnostic names the file, the case (id, or #index) and the key path, and says what was
// expected and what was found. Nothing here throws for bad input.
#include "json_model.hpp"
#include "json_read.hpp"
#include "json_syntax.hpp"
#include "loader_util.hpp"
#include <sse/utf8.hpp>

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/json_limits.hpp>

#include <algorithm>
#include <cstdlib>
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
using detail::is_gap_id;
using detail::is_hyphenated_words;
using detail::is_lower_word_char;
using detail::is_rule_id;
using detail::json;
using detail::member_path;
using detail::problem_list;
using detail::read_byte_string;
using detail::read_string;
using detail::read_string_list;
using detail::require;
using detail::structure_checker;

/// Files of a corpus folder that hold no cases: the schemas and the rules.
bool is_corpus_file(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  return p.extension() == ".json" && name != "schema.json" && name != "rules.json" &&
         !(name.size() > 12 && name.compare(name.size() - 12, 12, ".schema.json") == 0);
}

// ---------------------------------------------------------------------------------------------
// The case reader (pass 2, on the DOM): the fixture model.

bool no_line_breaks_or_nul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

/// The case's identity and classification: id, description, rules, class, gap.
void read_identity(const json& v, const std::string& area, test_case& c, std::string& label, problem_list& problems) {
  if (const json* id = require(v, "id", "", "a unique id like \"line-endings/crlf-split\"", problems)) {
    if (auto s = read_string(*id, "id", problems)) {
      const auto slash = s->find('/');
      const std::string_view name =
          slash == std::string::npos ? std::string_view() : std::string_view(*s).substr(slash + 1);
      const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(),
                                                        [](char ch) { return is_lower_word_char(ch) || ch == '-'; });
      if (slash == std::string::npos || !name_ok || !is_hyphenated_words(std::string_view(*s).substr(0, slash))) {
        problems.push_back(
            {"id", "expected <area>/<name> in lower-case ASCII letters, digits and '-', found " + describe(*id)});
      } else {
        label = *s;
        c.id = *s;
        if (!area.empty() && s->substr(0, slash) != area) {
          problems.push_back(
              {"id", "the id must start with the file's area \"" + area + "/\", found " + describe(*id)});
        }
      }
    }
  }
  if (const json* d = require(v, "description", "", "what the case shows, in a sentence or two", problems)) {
    if (auto s = read_string(*d, "description", problems, true)) c.description = *s;
  }
  if (const json* r = require(v, "rules", "", "the rule ids (fixtures/rules.json) the case exercises", problems)) {
    c.rules = read_string_list(*r, "rules", true, "rule ids listed in fixtures/rules.json", is_rule_id, problems);
  }
  std::optional<case_class> klass;
  if (const json* k = require(v, "class", "", "\"spec\" or \"implementation-defined\"", problems)) {
    if (k->is_string() && k->get_ref<const std::string&>() == "spec") {
      klass = case_class::spec;
    } else if (k->is_string() && k->get_ref<const std::string&>() == "implementation-defined") {
      klass = case_class::implementation_defined;
    } else {
      problems.push_back({"class", "expected \"spec\" or \"implementation-defined\", found " + describe(*k)});
    }
  }
  if (klass) c.klass = *klass;
  const auto gap = v.find("gap");
  if (gap != v.end()) {
    if (auto s = read_string(*gap, "gap", problems)) {
      if (!is_gap_id(*s)) {
        problems.push_back({"gap", "expected a gap id listed in fixtures/rules.json, found " + describe(*gap)});
      } else if (klass == case_class::spec) {
        problems.push_back(
            {"gap", "a spec case has no gap; remove \"gap\" or make the class \"implementation-defined\""});
      } else {
        c.gap = *s;
      }
    }
  } else if (klass == case_class::implementation_defined) {
    problems.push_back(
        {"gap",
         "missing key: an implementation-defined case names the gap (an id of fixtures/rules.json) whose "
         "decision its log depends on"});
  }
}

/// What the case says about itself for people: guards, evidence, tags.
void read_notes(const json& v, test_case& c, problem_list& problems) {
  if (const auto g = v.find("guards"); g != v.end()) {
    if (auto s = read_string(*g, "guards", problems, true)) c.guards = *s;
  }
  if (const auto e = v.find("evidence"); e != v.end()) {
    c.evidence = read_string_list(
        *e, "evidence", false, "non-empty strings", [](std::string_view s) { return !s.empty(); }, problems);
  }
  if (const auto t = v.find("tags"); t != v.end()) {
    c.tags =
        read_string_list(*t, "tags", false, "short lower-case words like \"utf-8\"", is_hyphenated_words, problems);
  }
}

/// The body: `input` or `chunks` (pinned boundaries), and the last event ID string it starts from.
void read_body(const json& v, test_case& c, problem_list& problems) {
  const auto input = v.find("input");
  const auto chunks = v.find("chunks");
  if (input != v.end() && chunks != v.end()) {
    problems.push_back({"chunks", "a case has either \"input\" or \"chunks\", not both"});
  } else if (input != v.end()) {
    if (auto b = read_byte_string(*input, "input", problems)) c.bytes = std::move(*b);
  } else if (chunks != v.end()) {
    if (!chunks->is_array() || chunks->empty()) {
      problems.push_back({"chunks", "expected a non-empty array of byte strings, found " + describe(*chunks)});
    } else {
      c.has_pinned_chunks = true;
      for (std::size_t i = 0; i < chunks->size(); ++i) {
        if (i > 0) c.pinned_splits.push_back(c.bytes.size());
        if (auto b = read_byte_string((*chunks)[i], index_path("chunks", i), problems)) c.bytes += *b;
      }
    }
  } else {
    problems.push_back({"input",
                        "missing key: a case has \"input\" (the whole body) or \"chunks\" (the body with "
                        "pinned chunk boundaries)"});
  }
  if (const auto i = v.find("initial_last_event_id"); i != v.end()) {
    if (auto s = read_string(*i, "initial_last_event_id", problems)) {
      if (!no_line_breaks_or_nul(*s)) {
        problems.push_back(
            {"initial_last_event_id", "a last event ID string never holds CR, LF or NUL, found " + describe(*i)});
      } else {
        c.initial_last_event_id = *s;
      }
    }
  }
}

/// Reads case `cases[index]`; `label` becomes its id, or "#index" when the id is unusable.
std::optional<test_case> read_case(const json& v, std::size_t index, const std::string& file, const std::string& area,
                                   std::string& label, problem_list& problems) {
  label = "#" + std::to_string(index);
  if (!v.is_object()) {
    problems.push_back({"", "expected a case object, found " + describe(v)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  test_case c;
  c.file = file;
  c.area = area;
  check_keys(v,
             {"id", "description", "rules", "class", "gap", "guards", "evidence", "tags", "input", "chunks",
              "initial_last_event_id", "expected"},
             "", "a case", problems);

  read_identity(v, area, c, label, problems);
  read_notes(v, c, problems);
  read_body(v, c, problems);
  if (const json* e =
          require(v, "expected", "", "the complete observation log, ending with an end observation", problems)) {
    if (auto log = detail::read_observation_log(*e, "expected", detail::strictness::corpus, problems)) {
      c.expected = std::move(*log);
    }
  }
  if (problems.size() != before) return std::nullopt;
  return c;
}

class corpus_builder {
public:
  void add_path(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> files;
      for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& p = it->path();
        if (!is_corpus_file(p)) continue;
        // A *.json entry that is not a readable regular file (a dangling or looping symbolic link, a
        // folder) is reported, never silently skipped: the corpus would shrink without a word.
        std::error_code entry_error;
        if (it->is_regular_file(entry_error)) {
          files.push_back(p);
        } else {
          file_problem(p.string(), "",
                       "not a readable fixture file (a dangling or looping symbolic link, or a "
                       "folder?)" +
                           (entry_error ? ": " + entry_error.message() : std::string()));
        }
      }
      if (ec) {
        file_problem(path.string(), "", "cannot list the folder: " + ec.message());
        return;
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) file_problem(path.string(), "", "the folder holds no fixture files (*.json)");
      for (const auto& f : files) add_file(f);
    } else {
      add_file(path);
    }
  }

  void add_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      file_problem(path.string(), "", "cannot open the file (does it exist?)");
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
      file_problem(path.string(), "", "cannot read the file");
      return;
    }
    add_text(text.str(), path.string());
  }

  void add_text(std::string_view text, const std::string& file) {
    result_.loaded.files.push_back(file);
    file_diagnostics_ = 0;
    add_text_checked(text, file);
    if (file_diagnostics_ > max_diagnostics_per_file)
      result_.diagnostics.push_back({file, "", "",
                                     "... and " + std::to_string(file_diagnostics_ - max_diagnostics_per_file) +
                                         " more problems in this file (only the first " +
                                         std::to_string(max_diagnostics_per_file) + " are listed)"});
  }

  void add_text_checked(std::string_view text, const std::string& file) {
    if (auto too_deep = check_json_depth(text)) {
      add(file, "", "", *too_deep);
      return;
    }
    structure_checker structure;
    const bool parsed = json::sax_parse(text, &structure, nlohmann::detail::input_format_t::json, true, false);
    std::set<std::size_t> bad_cases;
    bool file_ok = true;
    for (const auto& f : structure.findings) {
      if (f.case_index) {
        const auto id = structure.case_ids.find(*f.case_index);
        const bool id_usable = id != structure.case_ids.end() && id->second.find('/') != std::string::npos;
        add(file, id_usable ? id->second : "#" + std::to_string(*f.case_index), f.key, f.message);
        bad_cases.insert(*f.case_index);
      } else {
        add(file, "", f.key, f.message);
        file_ok = false;
      }
    }
    if (!parsed || structure.syntax_error) return;  // already reported, with its position

    const json root = json::parse(text, nullptr, false);
    if (root.is_discarded()) {  // unreachable: pass 1 accepted it
      add(file, "", "", "invalid JSON");
      return;
    }
    problem_list problems;
    if (!root.is_object()) {
      add(file, "", "", "expected a JSON object with format_version, area, title and cases, found " + describe(root));
      return;
    }
    check_keys(root, {"format_version", "area", "title", "cases"}, "", "a fixture file", problems);
    if (const json* fv = require(root, "format_version", "", "the integer 1", problems)) {
      if (!(fv->is_number_integer() && fv->get<std::int64_t>() == 1)) {
        problems.push_back({"format_version", "expected the integer 1 (the only version this loader knows), found " +
                                                  describe(*fv) + "; refusing the file"});
      }
    }
    std::string area;
    if (const json* a = require(root, "area", "", "lower-case words joined by '-', like \"line-endings\"", problems)) {
      if (auto s = read_string(*a, "area", problems)) {
        if (is_hyphenated_words(*s)) {
          area = *s;
        } else {
          problems.push_back(
              {"area", "expected lower-case words joined by '-', like \"line-endings\", found " + describe(*a)});
        }
      }
    }
    if (const json* t = require(root, "title", "", "one line for people", problems)) {
      if (auto s = read_string(*t, "title", problems, true); s && s->find('\n') != std::string::npos) {
        problems.push_back({"title", "expected one line, found a line break"});
      }
    }
    const json* cases = require(root, "cases", "", "a non-empty array of cases", problems);
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
      const auto [origin, inserted] = ids_.try_emplace(c->id, file);
      if (!inserted) {
        add(file, label, "id",
            "duplicate id: a case " +
                (origin->second == file ? std::string("earlier in this file") : "in " + origin->second) +
                " already has it (ids are unique across the corpus)");
        continue;
      }
      // A case of a file with file-level problems, or with duplicate keys, is checked but not loaded.
      if (file_ok && bad_cases.count(i) == 0) result_.loaded.cases.push_back(std::move(*c));
    }
  }

  load_result take() { return std::move(result_); }

private:
  load_result result_;
  std::map<std::string, std::string> ids_;  // id -> the file that defined it first

  /// Every problem is counted, the first ones of each file are listed: a file of 20,000 duplicate
  /// keys gives 50 lines and a count, not megabytes.
  static constexpr std::size_t max_diagnostics_per_file = 50;
  std::size_t file_diagnostics_ = 0;

  void add(const std::string& file, std::string case_id, std::string key, std::string message) {
    if (++file_diagnostics_ > max_diagnostics_per_file) return;
    result_.diagnostics.push_back({file, std::move(case_id), std::move(key), std::move(message)});
  }
  void file_problem(const std::string& file, std::string key, std::string message) {
    result_.diagnostics.push_back({file, "", std::move(key), std::move(message)});
  }
};

}  // namespace

namespace detail {

// What the encoder case loader shares with this one (loader_util.hpp).

structure_report check_structure(std::string_view text) {
  structure_checker checker;
  structure_report out;
  out.parsed =
      json::sax_parse(text, &checker, nlohmann::detail::input_format_t::json, true, false) && !checker.syntax_error;
  for (auto& f : checker.findings) out.findings.push_back({f.case_index, std::move(f.key), std::move(f.message)});
  out.case_ids = std::move(checker.case_ids);
  return out;
}

void read_common_case_keys(const json& v, const std::string& area, std::string& label, test_case& c,
                           problem_list& problems) {
  read_identity(v, area, c, label, problems);
  read_notes(v, c, problems);
}

void report_unknown_keys(const json& object, std::initializer_list<std::string_view> known, const std::string& base,
                         std::string_view what, problem_list& problems) {
  check_keys(object, known, base, what, problems);
}

const json* require_key(const json& object, std::string_view key, const std::string& base, std::string_view meaning,
                        problem_list& problems) {
  return require(object, key, base, meaning, problems);
}

std::optional<std::string> read_text(const json& v, const std::string& key, problem_list& problems, bool non_empty) {
  return read_string(v, key, problems, non_empty);
}

bool is_area_name(std::string_view s) { return is_hyphenated_words(s); }

}  // namespace detail

std::string_view to_string(case_class c) noexcept { return c == case_class::spec ? "spec" : "implementation-defined"; }

std::string diagnostic::to_string() const {
  std::string out = file;
  if (!case_id.empty()) out += ": case '" + case_id + "'";
  if (!key.empty()) out += ": key '" + key + "'";
  out += ": " + message;
  return out;
}

load_result load_corpus(const std::vector<std::filesystem::path>& paths) {
  corpus_builder builder;
  for (const auto& p : paths) builder.add_path(p);
  return builder.take();
}

load_result load_corpus_text(std::string_view json_text, const std::string& file) {
  corpus_builder builder;
  builder.add_text(json_text, file);
  return builder.take();
}

std::filesystem::path bundled_fixtures_dir() {
  // An installed runner points here at its share/sse-conformance/fixtures (runner/src/main.cpp).
  if (const char* dir = std::getenv("SSE_CONFORMANCE_CORPUS_DIR"); dir != nullptr && *dir != '\0')
    return std::filesystem::path(dir);
  return std::filesystem::path(SSE_CONFORMANCE_FIXTURES_DIR);
}

}  // namespace sse::conformance
