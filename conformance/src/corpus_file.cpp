// corpus_file.cpp: the file-level reading that the three corpus loaders share (corpus_file.hpp).
#include "corpus_file.hpp"

#include "json_read.hpp"
#include "json_syntax.hpp"

#include <sse/conformance/json_limits.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace sse::conformance::detail {
namespace {

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

/// The keys every element of every corpus has, as in fixtures/README.md "Case keys".
void read_common_case_keys(const json& v, const std::string& area, std::string& label, test_case& c,
                           problem_list& problems) {
  read_identity(v, area, c, label, problems);
  read_notes(v, c, problems);
}

}  // namespace

bool is_corpus_file(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  return p.extension() == ".json" && name != "schema.json" && name != "rules.json" &&
         !(name.size() > 12 && name.compare(name.size() - 12, 12, ".schema.json") == 0);
}

void corpus_reader::add_path(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    add_file(path);
    return;
  }
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
      file_problem(p.string(), "not a readable " + std::string(kind_.file_noun) +
                                   " (a dangling or looping symbolic link, or a folder?)" +
                                   (entry_error ? ": " + entry_error.message() : std::string()));
    }
  }
  if (ec) {
    file_problem(path.string(), "cannot list the folder: " + ec.message());
    return;
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) file_problem(path.string(), "the folder holds no " + std::string(kind_.file_noun) + "s (*.json)");
  for (const auto& f : files) add_file(f);
}

void corpus_reader::add_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    file_problem(path.string(), "cannot open the file (does it exist?)");
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    file_problem(path.string(), "cannot read the file");
    return;
  }
  add_text(text.str(), path.string());
}

void corpus_reader::add_text(std::string_view text, const std::string& file) {
  files_.push_back(file);
  file_diagnostics_ = 0;
  read_checked(text, file);
  if (file_diagnostics_ > max_diagnostics_per_file)
    file_problem(file, "... and " + std::to_string(file_diagnostics_ - max_diagnostics_per_file) +
                           " more problems in this file (only the first " + std::to_string(max_diagnostics_per_file) +
                           " are listed)");
}

void corpus_reader::read_checked(std::string_view text, const std::string& file) {
  if (auto too_deep = check_json_depth(text)) {  // before any parser recurses into it
    add(file, "", "", *too_deep);
    return;
  }
  // Pass 1: syntax and duplicate keys, with where they are. No exceptions: the library is also
  // built without them (the WASM package).
  structure_checker structure{std::string(kind_.list_key)};
  const bool parsed = json::sax_parse(text, &structure, nlohmann::detail::input_format_t::json, true, false);
  std::set<std::size_t> bad_elements;
  bool file_ok = true;
  for (const auto& f : structure.findings) {
    if (f.case_index) {
      const auto id = structure.case_ids.find(*f.case_index);
      const bool id_usable = id != structure.case_ids.end() && id->second.find('/') != std::string::npos;
      add(file, id_usable ? id->second : "#" + std::to_string(*f.case_index), f.key, f.message);
      bad_elements.insert(*f.case_index);
    } else {
      add(file, "", f.key, f.message);
      file_ok = false;
    }
  }
  if (!parsed || structure.syntax_error) return;  // already reported, with its position

  // Pass 2: the DOM.
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {  // unreachable: pass 1 accepted it
    add(file, "", "", "invalid JSON");
    return;
  }
  if (!root.is_object()) {
    add(file, "", "",
        "expected a JSON object with format_version, area, title and " + std::string(kind_.list_key) + ", found " +
            describe(root));
    return;
  }
  problem_list problems;
  std::string area;
  const json* list = read_file_keys(root, area, problems);
  for (auto& p : problems) add(file, "", p.key, p.message);
  file_ok = file_ok && problems.empty();
  if (list == nullptr) return;
  // An element of a file with file-level problems, or with duplicate keys, is checked but not kept.
  for (std::size_t i = 0; i < list->size(); ++i)
    read_element((*list)[i], i, file, area, file_ok && bad_elements.count(i) == 0);
}

const json* corpus_reader::read_file_keys(const json& root, std::string& area, problem_list& problems) const {
  const std::string list_key(kind_.list_key);
  check_keys(root, {"format_version", "area", "title", kind_.list_key}, "", "a " + std::string(kind_.file_noun),
             problems);
  if (const json* fv = require(root, "format_version", "", "the integer 1", problems)) {
    if (!(fv->is_number_integer() && fv->get<std::int64_t>() == 1)) {
      problems.push_back({"format_version", "expected the integer 1 (the only version this loader knows), found " +
                                                describe(*fv) + "; refusing the file"});
    }
  }
  const std::string area_meaning =
      (kind_.area_prefix.empty() ? std::string() : "\"" + std::string(kind_.area_prefix) + "\" and ") +
      "lower-case words joined by '-', like \"" + std::string(kind_.area_example) + "\"";
  if (const json* a = require(root, "area", "", area_meaning, problems)) {
    if (auto s = read_string(*a, "area", problems)) {
      if (is_hyphenated_words(*s) && s->starts_with(kind_.area_prefix)) {
        area = *s;
      } else {
        problems.push_back({"area", "expected " + area_meaning + ", found " + describe(*a)});
      }
    }
  }
  if (const json* t = require(root, "title", "", "one line for people", problems)) {
    if (auto s = read_string(*t, "title", problems, true); s && s->find('\n') != std::string::npos) {
      problems.push_back({"title", "expected one line, found a line break"});
    }
  }
  const json* list = require(root, kind_.list_key, "", "a non-empty array of " + list_key, problems);
  if (list != nullptr && (!list->is_array() || list->empty())) {
    problems.push_back({list_key, "expected a non-empty array of " + list_key + ", found " + describe(*list)});
    list = nullptr;
  }
  return list;
}

std::optional<test_case> corpus_reader::read_common(const json& v, std::size_t index, const std::string& file,
                                                    const std::string& area, std::string& label,
                                                    problem_list& problems) const {
  label = "#" + std::to_string(index);
  const std::string noun = "a " + std::string(kind_.element_noun);
  if (!expect_object(v, "", noun + " object", problems)) return std::nullopt;
  std::vector<std::string_view> keys{"id", "description", "rules", "class", "gap", "guards", "evidence", "tags"};
  keys.insert(keys.end(), kind_.own_keys.begin(), kind_.own_keys.end());
  check_keys(v, keys, "", noun, problems);
  test_case c;
  c.file = file;
  c.area = area;
  read_common_case_keys(v, area, label, c, problems);
  return c;
}

void corpus_reader::report(const std::string& file, const std::string& label, const problem_list& problems) {
  for (const auto& p : problems) add(file, label, p.key, p.message);
}

bool corpus_reader::claim_id(const std::string& id, const std::string& file, const std::string& label) {
  const auto [origin, inserted] = ids_.try_emplace(id, file);
  if (inserted) return true;
  const std::string element = "a " + std::string(kind_.element_noun);
  add(file, label, "id",
      "duplicate id: " + element + (origin->second == file ? " earlier in this file" : " in " + origin->second) +
          " already has it (ids are unique across the corpus)");
  return false;
}

void corpus_reader::add(const std::string& file, std::string element, std::string key, std::string message) {
  if (++file_diagnostics_ > max_diagnostics_per_file) return;
  diagnostics_.push_back({file, std::move(element), std::move(key), std::move(message)});
}

void corpus_reader::file_problem(const std::string& file, std::string message) {
  diagnostics_.push_back({file, "", "", std::move(message)});
}

}  // namespace sse::conformance::detail
