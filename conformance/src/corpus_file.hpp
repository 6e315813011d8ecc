// corpus_file.hpp (internal): what the three corpus loaders (parsing cases, connection scenarios,
// encoder cases) share, written once: reading files and folders, the two passes over a file's text
// (json_syntax.hpp's structure pass, then the DOM), the file-level keys (format_version, area, title
// and the list of elements), the loop over the elements with ids unique across files, and the keys
// every element has (id, description, rules, class, gap, guards, evidence, tags). A loader supplies
// only its element reader. Nothing here throws for bad input.
#pragma once

#include "json_model.hpp"

#include <sse/conformance/conformance.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse::conformance::detail {

/// What differs between the corpora.
struct corpus_kind {
  std::string_view file_noun;              ///< "fixture file", "scenario file", in messages
  std::string_view list_key;               ///< the key holding the elements: "cases" or "scenarios"
  std::string_view element_noun;           ///< one element: "case", "scenario"
  std::string_view area_prefix;            ///< what every area starts with ("" or "encoder-")
  std::string_view area_example;           ///< an area name for messages, like "line-endings"
  std::vector<std::string_view> own_keys;  ///< the element's keys besides the common ones
};

/// Files of a corpus folder that hold no elements: the schemas and the rules.
[[nodiscard]] bool is_corpus_file(const std::filesystem::path& p);

/// Reads corpus files into `files` and `diagnostics`; each element goes to `read_element`.
class corpus_reader {
public:
  corpus_reader(const corpus_kind& kind, std::vector<std::string>& files, std::vector<diagnostic>& diagnostics)
      : kind_(kind), files_(files), diagnostics_(diagnostics) {}
  corpus_reader(const corpus_reader&) = delete;
  corpus_reader& operator=(const corpus_reader&) = delete;
  virtual ~corpus_reader() = default;

  /// A file, or a folder's corpus files (sorted, not recursive).
  void add_path(const std::filesystem::path& path);
  void add_file(const std::filesystem::path& path);
  void add_text(std::string_view text, const std::string& file);

protected:
  /// Element `index` of the file's list. `keep` is false when the file or this element already
  /// failed the structure pass: the element is then checked but not kept.
  virtual void read_element(const json& element, std::size_t index, const std::string& file, const std::string& area,
                            bool keep) = 0;
  /// The start of every element: an object, with known keys only, and the common keys read into the
  /// result (with `file` and `area`). `label` becomes its id when usable, else "#index".
  [[nodiscard]] std::optional<test_case> read_common(const json& v, std::size_t index, const std::string& file,
                                                     const std::string& area, std::string& label,
                                                     problem_list& problems) const;
  /// Reports an element's problems under its label (its id, or "#index").
  void report(const std::string& file, const std::string& label, const problem_list& problems);
  /// Claims `id` for `file`: false, with a diagnostic, when an earlier element has it.
  [[nodiscard]] bool claim_id(const std::string& id, const std::string& file, const std::string& label);

private:
  /// Every problem is counted, the first ones of each file are listed: a file of 20,000 duplicate
  /// keys gives 50 lines and a count, not megabytes.
  static constexpr std::size_t max_diagnostics_per_file = 50;

  const corpus_kind& kind_;
  std::vector<std::string>& files_;
  std::vector<diagnostic>& diagnostics_;
  std::map<std::string, std::string> ids_;  // id -> the file that defined it first
  std::size_t file_diagnostics_ = 0;

  void read_checked(std::string_view text, const std::string& file);
  /// format_version, area, title; returns the list of elements, or nullptr.
  const json* read_file_keys(const json& root, std::string& area, problem_list& problems) const;
  void add(const std::string& file, std::string element, std::string key, std::string message);
  void file_problem(const std::string& file, std::string message);
};

/// A corpus_reader whose elements are `Element`s: `read` completes one from its common keys (it
/// reports problems; an element with any is dropped), collected in `out` when unique and kept.
template <class Element>
class element_collector final : public corpus_reader {
public:
  using read_fn = Element (*)(const json& v, test_case common, problem_list& problems);
  using id_fn = const std::string& (*)(const Element&);

  element_collector(const corpus_kind& kind, read_fn read, id_fn id, std::vector<Element>& out,
                    std::vector<std::string>& files, std::vector<diagnostic>& diagnostics)
      : corpus_reader(kind, files, diagnostics), read_(read), id_(id), out_(out) {}

private:
  read_fn read_;
  id_fn id_;
  std::vector<Element>& out_;

  void read_element(const json& v, std::size_t index, const std::string& file, const std::string& area,
                    bool keep) override {
    problem_list problems;
    std::string label;
    auto common = read_common(v, index, file, area, label, problems);
    if (!common) return report(file, label, problems);
    Element element = read_(v, std::move(*common), problems);
    report(file, label, problems);
    if (problems.empty() && claim_id(id_(element), file, label) && keep) out_.push_back(std::move(element));
  }
};

/// Where a load reads from: files and folders, or one in-memory document.
struct corpus_source {
  std::vector<std::filesystem::path> paths;
  std::optional<std::pair<std::string_view, std::string>> text;  ///< the document, and its name
};

/// Loads `source` with an element_collector.
template <class Element>
void load_elements(const corpus_kind& kind, typename element_collector<Element>::read_fn read,
                   typename element_collector<Element>::id_fn id, const corpus_source& source,
                   std::vector<Element>& out, std::vector<std::string>& files, std::vector<diagnostic>& diagnostics) {
  element_collector<Element> reader(kind, read, id, out, files, diagnostics);
  if (source.text) reader.add_text(source.text->first, source.text->second);
  for (const auto& p : source.paths) reader.add_path(p);
}

}  // namespace sse::conformance::detail
