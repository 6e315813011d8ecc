// json_syntax.hpp (internal): pass 1 of reading a fixture file, on nlohmann's SAX events: syntax
// errors with the key path where they happen, and duplicate object keys (which a DOM parser silently
// resolves by keeping one of them). Pass 2 is corpus_file.cpp and each loader's element reader.
#pragma once

#include "json_model.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sse::conformance::detail {

struct finding {
  std::optional<std::size_t> case_index;  // set when inside the element list (cases[i], scenarios[i])
  std::string key;                        // key path inside the case, or inside the file
  std::string message;
};

class structure_checker final : public json::json_sax_t {
public:
  /// `list_key`: the top-level key of the element list ("cases", "scenarios").
  explicit structure_checker(std::string list_key) : list_key_(std::move(list_key)) {}

  std::vector<finding> findings;
  std::map<std::size_t, std::string> case_ids;  // element i -> its id, when seen before a problem
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
      what =
          "a JSON string holds a lone surrogate (\\uD800-\\uDFFF without its pair), which has no UTF-8 "
          "encoding; write such bytes as {\"hex\": \"...\"} (" +
          what + ")";
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
  std::string list_key_;
  std::vector<frame> stack_;

  bool in_cases() const {
    return stack_.size() >= 2 && !stack_[0].is_array && stack_[0].key == list_key_ && stack_[1].is_array;
  }
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
        if (depth == 0 && f.key == list_key_ && stack_.size() > 1) continue;
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

}  // namespace sse::conformance::detail
