// fixture_loader.cpp: reads fixture files (fixtures/README.md is the contract) and checks everything,
// so that a fixture mistake is reported once, clearly, and never turns into a confusing test failure.
// Every diagnostic names the file, the case (id, or #index) and the key path, and says what was
// expected and what was found. Nothing here throws for bad input.
#include "json_model.hpp"
#include "utf8_scan.hpp"

#include <sse/conformance/conformance.hpp>
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

bool is_lower_word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// Lower-case ASCII words (letters, digits) joined by single '-': `line-endings`, `utf-8`.
bool is_hyphenated_words(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-') {
      if (s[i - 1] == '-') return false;
    } else if (!is_lower_word_char(s[i])) {
      return false;
    }
  }
  return true;
}

/// `<prefix><n>` with n a decimal number from 1 to max (no leading zero); max 0 = unbounded.
bool is_numbered_id(std::string_view s, char prefix, unsigned max) {
  if (s.size() < 2 || s.front() != prefix || s[1] == '0' || s.size() > 7) return false;
  unsigned n = 0;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return max == 0 || n <= max;
}

bool is_rule_id(std::string_view s) { return is_numbered_id(s, 'R', 72); }
bool is_gap_id(std::string_view s) { return is_numbered_id(s, 'G', 9) || is_numbered_id(s, 'P', 0); }

// ---------------------------------------------------------------------------------------------
// Pass 1 (SAX): syntax errors with the key path where they happen, and duplicate object keys (which
// a DOM parser silently resolves by keeping one of them).

struct finding {
  std::optional<std::size_t> case_index;  // set when inside cases[i]
  std::string key;                        // key path inside the case, or inside the file
  std::string message;
};

class structure_checker final : public json::json_sax_t {
public:
  std::vector<finding> findings;
  std::map<std::size_t, std::string> case_ids;  // cases[i] -> its id, when seen before a problem
  bool syntax_error = false;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool string(string_t& s) override {
    if (stack_.size() == 3 && in_cases() && stack_[2].key == "id") case_ids[current_case()] = s;
    return value();
  }
  bool start_object(std::size_t) override {
    begin_value();
    stack_.push_back({false, 0, {}, false, {}});
    return true;
  }
  bool key(string_t& k) override {
    frame& f = stack_.back();
    f.key = k;
    f.expecting_value = true;
    if (!f.keys.insert(k).second) {
      report(location(false), "the key '" + k + "' appears twice in the same object (JSON parsers keep only one)");
    }
    return true;
  }
  bool end_object() override { return end(); }
  bool start_array(std::size_t) override {
    begin_value();
    stack_.push_back({true, 0, {}, false, {}});
    return true;
  }
  bool end_array() override { return end(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    syntax_error = true;
    std::string what = ex.what();
    if (const auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    if (what.find("surrogate") != std::string::npos) {
      what = "a JSON string holds a lone surrogate (\\uD800-\\uDFFF without its pair), which has no UTF-8 "
             "encoding; write such bytes as {\"hex\": \"...\"} (" + what + ")";
    } else if (what.find("ill-formed UTF-8") != std::string::npos) {
      what = "the file is not valid UTF-8 here; write raw bytes as {\"hex\": \"...\"} (" + what + ")";
    } else {
      what = "invalid JSON: " + what;
    }
    report(location(true), what);
    return false;
  }

private:
  struct frame {
    bool is_array;
    std::size_t count;  // arrays: elements started so far
    std::string key;    // objects: the current key
    bool expecting_value;
    std::set<std::string> keys;
  };
  std::vector<frame> stack_;

  bool in_cases() const { return stack_.size() >= 2 && !stack_[0].is_array && stack_[0].key == "cases" && stack_[1].is_array; }
  std::size_t current_case() const { return stack_[1].count - 1; }

  void begin_value() {
    if (stack_.empty()) return;
    frame& f = stack_.back();
    if (f.is_array) ++f.count;
  }
  bool value() {
    begin_value();
    if (!stack_.empty() && !stack_.back().is_array) stack_.back().expecting_value = false;
    return true;
  }
  bool end() {
    stack_.pop_back();
    if (!stack_.empty() && !stack_.back().is_array) stack_.back().expecting_value = false;
    return true;
  }

  /// Where the parser is: the current element of every open container. `at_next_token`: the
  /// position of a token not yet reported (the next element of an array, the value of a key).
  finding location(bool at_next_token) const {
    finding where;
    std::string path;
    for (std::size_t depth = 0; depth < stack_.size(); ++depth) {
      const frame& f = stack_[depth];
      const bool top = depth + 1 == stack_.size();
      if (f.is_array) {
        std::size_t index = f.count;  // count = started elements, so the current one is count - 1
        if (!(top && at_next_token)) {
          if (index == 0) break;
          --index;
        }
        if (depth == 1 && in_cases()) {
          where.case_index = index;
          path.clear();
          continue;
        }
        path = index_path(path, index);
      } else {
        if (f.key.empty() || (top && at_next_token && !f.expecting_value)) break;
        if (depth == 0 && f.key == "cases" && stack_.size() > 1) continue;
        path = member_path(path, f.key);
      }
    }
    where.key = path;
    return where;
  }
  void report(finding where, std::string message) {
    where.message = std::move(message);
    findings.push_back(std::move(where));
  }
};

// ---------------------------------------------------------------------------------------------
// Pass 2 (DOM): the fixture model.

/// Reports each key of `object` that is not in `known`.
void check_keys(const json& object, std::initializer_list<std::string_view> known, const std::string& base,
                std::string_view what, problem_list& problems) {
  for (const auto& [k, v] : object.items()) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      std::string list;
      for (auto name : known) list += (list.empty() ? "" : ", ") + std::string(name);
      problems.push_back({member_path(base, k), "unknown key in " + std::string(what) + " (known keys: " + list + ")"});
    }
  }
}

const json* require(const json& object, std::string_view key, const std::string& base, std::string_view meaning,
                    problem_list& problems) {
  const auto it = object.find(key);
  if (it == object.end()) {
    problems.push_back({member_path(base, key), "missing required key (" + std::string(meaning) + ")"});
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> read_string(const json& v, const std::string& key, problem_list& problems,
                                       bool non_empty = false) {
  if (!v.is_string()) {
    problems.push_back({key, std::string(non_empty ? "expected a non-empty string" : "expected a string") +
                                 ", found " + describe(v)});
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (!detail::is_valid_utf8(s)) {
    problems.push_back({key, "the string is not valid Unicode (a lone surrogate?)"});
    return std::nullopt;
  }
  if (non_empty && s.empty()) {
    problems.push_back({key, "expected a non-empty string, found \"\""});
    return std::nullopt;
  }
  return s;
}

/// An array of strings, each checked by `valid` (which describes what it expects when it fails).
std::vector<std::string> read_string_list(const json& v, const std::string& key, bool non_empty,
                                          std::string_view element_meaning, bool (*valid)(std::string_view),
                                          problem_list& problems) {
  std::vector<std::string> out;
  if (!v.is_array() || (non_empty && v.empty())) {
    problems.push_back({key, std::string(non_empty ? "expected a non-empty array of " : "expected an array of ") +
                                 std::string(element_meaning) + ", found " + describe(v)});
    return out;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string path = index_path(key, i);
    auto s = read_string(v[i], path, problems);
    if (!s) continue;
    if (valid != nullptr && !valid(*s)) {
      problems.push_back({path, "expected " + std::string(element_meaning) + ", found " + describe(v[i])});
    } else if (!seen.insert(*s).second) {
      problems.push_back({path, "\"" + *s + "\" is listed twice"});
    } else {
      out.push_back(*s);
    }
  }
  return out;
}

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
unsigned hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  return static_cast<unsigned>(c - 'A' + 10);
}

/// `"EF BB BF"`: pairs of hex digits, spaces allowed between pairs.
std::optional<std::string> read_hex(const json& v, const std::string& key, problem_list& problems) {
  auto text = read_string(v, key, problems);
  if (!text) return std::nullopt;
  const std::string& s = *text;
  std::string bytes;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ') {
      if (i == 0 || i + 1 == s.size()) {
        problems.push_back({key, "spaces are allowed only between pairs of hex digits, found one at the " +
                                     std::string(i == 0 ? "start" : "end") + " of \"" + s + "\""});
        return std::nullopt;
      }
      ++i;
      continue;
    }
    if (!is_hex_digit(s[i]) || i + 1 >= s.size() || !is_hex_digit(s[i + 1])) {
      const std::size_t bad = is_hex_digit(s[i]) ? i + 1 : i;
      problems.push_back({key, "expected pairs of hex digits like \"EF BB BF\", found " +
                                   (bad < s.size() ? "'" + escape_bytes(s.substr(bad, 1)) + "'" : std::string("the end")) +
                                   " at position " + std::to_string(bad) + " of \"" + escape_bytes(s) + "\"" +
                                   (bad < s.size() && s[bad] == ' ' ? " (a digit without its pair)" : "")});
      return std::nullopt;
    }
    bytes += static_cast<char>((hex_value(s[i]) << 4) | hex_value(s[i + 1]));
    i += 2;
  }
  return bytes;
}

/// A byte string: a JSON string (its UTF-8 encoding) or an array of parts (strings or {"hex": ...}).
std::optional<std::string> read_byte_string(const json& v, const std::string& key, problem_list& problems) {
  if (v.is_string()) return read_string(v, key, problems);
  if (!v.is_array()) {
    problems.push_back({key, "expected a byte string (a string, or an array of strings and {\"hex\": \"..\"} "
                             "parts), found " + describe(v)});
    return std::nullopt;
  }
  const std::size_t before = problems.size();
  std::string bytes;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string path = index_path(key, i);
    const json& part = v[i];
    if (part.is_string()) {
      if (auto s = read_string(part, path, problems)) bytes += *s;
    } else if (part.is_object()) {
      check_keys(part, {"hex"}, path, "a hex part", problems);
      if (const json* hex = require(part, "hex", path, "a part object is {\"hex\": \"EF BB BF\"}", problems)) {
        if (auto b = read_hex(*hex, member_path(path, "hex"), problems)) bytes += *b;
      }
    } else {
      problems.push_back({path, "expected a string or a {\"hex\": \"..\"} object, found " + describe(part)});
    }
  }
  if (problems.size() != before) return std::nullopt;
  return bytes;
}

bool no_line_breaks_or_nul(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

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

  if (const json* id = require(v, "id", "", "a unique id like \"line-endings/crlf-split\"", problems)) {
    if (auto s = read_string(*id, "id", problems)) {
      const auto slash = s->find('/');
      const std::string_view name = slash == std::string::npos ? std::string_view() : std::string_view(*s).substr(slash + 1);
      const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        return is_lower_word_char(ch) || ch == '-';
      });
      if (slash == std::string::npos || !name_ok || !is_hyphenated_words(std::string_view(*s).substr(0, slash))) {
        problems.push_back({"id", "expected <area>/<name> in lower-case ASCII letters, digits and '-', found " +
                                      describe(*id)});
      } else {
        label = *s;
        c.id = *s;
        if (!area.empty() && s->substr(0, slash) != area) {
          problems.push_back({"id", "the id must start with the file's area \"" + area + "/\", found " + describe(*id)});
        }
      }
    }
  }
  if (const json* d = require(v, "description", "", "what the case shows, in a sentence or two", problems)) {
    if (auto s = read_string(*d, "description", problems, true)) c.description = *s;
  }
  if (const json* r = require(v, "rules", "", "the rule ids R1..R72 the case exercises", problems)) {
    c.rules = read_string_list(*r, "rules", true, "rule ids R1..R72", is_rule_id, problems);
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
        problems.push_back({"gap", "expected a gap id G1..G9 or P<n>, found " + describe(*gap)});
      } else if (klass == case_class::spec) {
        problems.push_back({"gap", "a spec case has no gap; remove \"gap\" or make the class \"implementation-defined\""});
      } else {
        c.gap = *s;
      }
    }
  } else if (klass == case_class::implementation_defined) {
    problems.push_back({"gap", "missing key: an implementation-defined case names the gap (G1..G9, P<n>) whose "
                               "decision its log depends on"});
  }
  if (const auto g = v.find("guards"); g != v.end()) {
    if (auto s = read_string(*g, "guards", problems, true)) c.guards = *s;
  }
  if (const auto e = v.find("evidence"); e != v.end()) {
    c.evidence = read_string_list(*e, "evidence", false, "non-empty strings",
                                  [](std::string_view s) { return !s.empty(); }, problems);
  }
  if (const auto t = v.find("tags"); t != v.end()) {
    c.tags = read_string_list(*t, "tags", false, "short lower-case words like \"utf-8\"", is_hyphenated_words, problems);
  }

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
    problems.push_back({"input", "missing key: a case has \"input\" (the whole body) or \"chunks\" (the body with "
                                 "pinned chunk boundaries)"});
  }
  if (const auto i = v.find("initial_last_event_id"); i != v.end()) {
    if (auto s = read_string(*i, "initial_last_event_id", problems)) {
      if (!no_line_breaks_or_nul(*s)) {
        problems.push_back({"initial_last_event_id", "a last event ID string never holds CR, LF or NUL, found " +
                                                         describe(*i)});
      } else {
        c.initial_last_event_id = *s;
      }
    }
  }
  if (const json* e = require(v, "expected", "", "the complete observation log, ending with an end observation",
                              problems)) {
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
        if (p.extension() != ".json" || p.filename() == "schema.json") continue;
        // A *.json entry that is not a readable regular file (a dangling or looping symbolic link, a
        // folder) is reported, never silently skipped: the corpus would shrink without a word.
        std::error_code entry_error;
        if (it->is_regular_file(entry_error)) {
          files.push_back(p);
        } else {
          file_problem(p.string(), "", "not a readable fixture file (a dangling or looping symbolic link, or a "
                                       "folder?)" + (entry_error ? ": " + entry_error.message() : std::string()));
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
      result_.diagnostics.push_back({file, "", "", "... and " + std::to_string(file_diagnostics_ - max_diagnostics_per_file) +
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
          problems.push_back({"area", "expected lower-case words joined by '-', like \"line-endings\", found " + describe(*a)});
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
        add(file, label, "id", "duplicate id: a case " + (origin->second == file ? std::string("earlier in this file")
                                                                                  : "in " + origin->second) +
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

std::string_view to_string(case_class c) noexcept {
  return c == case_class::spec ? "spec" : "implementation-defined";
}

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

std::filesystem::path bundled_fixtures_dir() { return std::filesystem::path(SSE_CONFORMANCE_FIXTURES_DIR); }

}  // namespace sse::conformance
