// rules.cpp: fixtures/rules.json, the rule and gap ids that cases cite, read once.
#include "bundled_rules.hpp"
#include "json_model.hpp"
#include "schema_check.hpp"

#include <sse/conformance/conformance.hpp>

#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>

namespace sse::conformance {
namespace {

using detail::json;

std::vector<std::string> strings(const json& array) { return array.get<std::vector<std::string>>(); }

/// The schema of the rules format: fixtures/rules.schema.json, built in.
const detail::schema_check& rules_schema() {
  static const detail::schema_check check(detail::bundled_rules_schema_json, "fixtures/rules.schema.json (built in)");
  return check;
}

}  // namespace

const rule_entry* rule_catalogue::rule(std::string_view id) const noexcept {
  for (const auto& r : rules)
    if (r.id == id) return &r;
  return nullptr;
}

const gap_entry* rule_catalogue::gap(std::string_view id) const noexcept {
  for (const auto& g : gaps)
    if (g.id == id) return &g;
  return nullptr;
}

std::optional<rule_catalogue> load_rules_text(std::string_view json_text, const std::string& file,
                                              std::vector<diagnostic>& diagnostics) {
  const auto report = [&](const std::string& key, const std::string& message) {
    diagnostics.push_back({file, {}, key, message});
  };
  const json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    report("", "not valid JSON");
    return std::nullopt;
  }
  detail::problem_list problems;
  if (!rules_schema().validate(document, problems)) {
    for (const auto& p : problems) report(p.key, p.message + " (see fixtures/rules.schema.json)");
    return std::nullopt;
  }
  // Valid by the schema: every key below exists and has its type.
  rule_catalogue catalogue;
  catalogue.standard_title = document["standard"]["title"];
  catalogue.standard_url = document["standard"]["url"];
  for (const auto& g : document["groups"]) catalogue.groups.push_back({g["id"], g["title"]});
  const std::size_t before = diagnostics.size();
  for (std::size_t i = 0; i < document["rules"].size(); ++i) {
    const json& r = document["rules"][i];
    rule_entry e{
        r["id"], r["group"], r["section"], r["link"], r["summary"], strings(r["corpus"]), strings(r["observable_by"])};
    const std::string key = detail::index_path("rules", i);
    if (catalogue.rule(e.id) != nullptr) report(key + ".id", "duplicate rule id " + e.id);
    bool group_known = false;
    for (const auto& g : catalogue.groups) group_known = group_known || g.id == e.group;
    if (!group_known) report(key + ".group", "no group '" + e.group + "' in `groups`");
    catalogue.rules.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < document["gaps"].size(); ++i) {
    const json& g = document["gaps"][i];
    gap_entry e{g["id"], g["summary"], g["link"], g["decision"], strings(g["rules"])};
    const std::string key = detail::index_path("gaps", i);
    if (catalogue.gap(e.id) != nullptr) report(key + ".id", "duplicate gap id " + e.id);
    for (const auto& id : e.rules)
      if (catalogue.rule(id) == nullptr) report(key + ".rules", "names " + id + ", which is not in `rules`");
    catalogue.gaps.push_back(std::move(e));
  }
  if (diagnostics.size() != before) return std::nullopt;
  return catalogue;
}

std::optional<rule_catalogue> load_rules(const std::filesystem::path& file, std::vector<diagnostic>& diagnostics) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    diagnostics.push_back({file.string(), {}, {}, "cannot read the rules file"});
    return std::nullopt;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load_rules_text(text, file.string(), diagnostics);
}

const rule_catalogue& bundled_rules() {
  static const rule_catalogue catalogue = [] {
    std::vector<diagnostic> diagnostics;
    auto loaded = load_rules_text(detail::bundled_rules_json, "fixtures/rules.json (built in)", diagnostics);
    if (!loaded) {
      std::string message = "the bundled rules file is unusable:";
      for (const auto& d : diagnostics) message += "\n  " + d.to_string();
      throw std::runtime_error(message);
    }
    return std::move(*loaded);
  }();
  return catalogue;
}

}  // namespace sse::conformance
