// sse-conformance rules: the rule and gap ids of fixtures/rules.json, for people: one or a few in
// full, or the whole catalogue as the Markdown table fixtures/RULES.md is generated from.
#include "commands.hpp"

#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;

struct rules_options {
  std::vector<std::string> ids;
  std::string markdown_file;
};

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

/// A table cell: pipes escaped, so the summary's words cannot end the cell.
std::string cell_text(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

/// How many cases of the bundled corpus cite each id (rules and gaps).
std::map<std::string, std::size_t> citations() {
  std::map<std::string, std::size_t> count;
  const auto loaded = conf::load_corpus({conf::bundled_fixtures_dir()});
  for (const auto& c : loaded.loaded.cases) {
    for (const auto& r : c.rules) ++count[r];
    if (!c.gap.empty()) ++count[c.gap];
  }
  return count;
}

std::string markdown(const conf::rule_catalogue& rules) {
  const auto cited = citations();
  const auto count = [&](const std::string& id) {
    const auto it = cited.find(id);
    return it == cited.end() ? std::size_t{0} : it->second;
  };
  std::ostringstream md;
  md << "# Rules and gaps\n\n"
     << "Generated from `fixtures/rules.json` by `sse-conformance rules --markdown fixtures/RULES.md`; edit the JSON, "
        "not this file (a test checks that the two agree). Each rule is one testable requirement of the ["
     << rules.standard_title << "](" << rules.standard_url
     << "), in this project's words; the link goes to the standard's text, which is the authority. *Corpus* says "
        "which data corpora can exercise a rule, *observable by* which observation kinds are needed to judge it (an "
        "implementation that reports none of them is not judged on it: its cases are compared on the rest, and "
        "skipped when nothing else is observable), *cases* how many parsing cases of the bundled corpus cite it.\n";
  for (const auto& g : rules.groups) {
    md << "\n## " << g.title
       << "\n\n| id | rule | section | corpus | observable by | cases |\n| --- | --- | --- | --- | "
          "--- | --- |\n";
    for (const auto& r : rules.rules) {
      if (r.group != g.id) continue;
      md << "| " << r.id << " | " << cell_text(r.summary) << " | [§" << r.section << "](" << r.link << ") | "
         << (r.corpus.empty() ? "—" : join(r.corpus, ", ")) << " | "
         << (r.observable_by.empty() ? "—" : join(r.observable_by, ", ")) << " | " << count(r.id) << " |\n";
    }
  }
  md << "\n## Gaps and the reference's decisions\n\nWhere the standard is silent or contradicts its own tests, the "
        "reference decides; cases whose expected log depends on a decision are `implementation-defined` and name "
        "the gap (`fixtures/README.md`, Decisions).\n\n| id | gap | rules | decision | cases |\n| --- | --- | --- | "
        "--- | --- |\n";
  for (const auto& g : rules.gaps)
    md << "| [" << g.id << "](" << g.link << ") | " << cell_text(g.summary) << " | " << join(g.rules, ", ") << " | "
       << cell_text(g.decision) << " | " << count(g.id) << " |\n";
  return md.str();
}

int rules_command(const rules_options& o) {
  const conf::rule_catalogue& rules = conf::bundled_rules();
  if (!o.markdown_file.empty()) {
    std::string error;
    if (!write_file(o.markdown_file, markdown(rules), &error)) throw usage_error(error);
    std::cerr << "Rules table: " << o.markdown_file << " (" << rules.rules.size() << " rules, " << rules.gaps.size()
              << " gaps)\n";
    return exit_passed;
  }
  if (o.ids.empty()) {
    for (const auto& r : rules.rules) std::cout << r.id << "  " << r.summary << '\n';
    for (const auto& g : rules.gaps) std::cout << g.id << "  " << g.summary << '\n';
    std::cout << rules.rules.size() << " rules, " << rules.gaps.size() << " gaps (fixtures/rules.json)\n";
    return exit_passed;
  }
  for (const auto& id : o.ids) {
    if (const auto* r = rules.rule(id)) {
      std::cout << r->id << " (§" << r->section << ", " << r->group << ")\n  " << r->summary << "\n  " << r->link
                << "\n  corpus: " << (r->corpus.empty() ? "none" : join(r->corpus, ", "))
                << "; observable by: " << (r->observable_by.empty() ? "none" : join(r->observable_by, ", ")) << '\n';
    } else if (const auto* g = rules.gap(id)) {
      std::cout << g->id << " (rules " << join(g->rules, ", ") << ")\n  " << g->summary
                << "\n  decision: " << g->decision << "\n  " << g->link << '\n';
    } else {
      throw usage_error("no rule or gap '" + id + "' in fixtures/rules.json (`sse-conformance rules` lists them)");
    }
  }
  return exit_passed;
}

}  // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] =
      new_command<rules_options>(app, "rules", "Show the rules and gaps that cases cite (fixtures/rules.json)");
  cmd->add_option("ids", o->ids, "Rule or gap ids to show in full (default: one line each for all)")
      ->type_name("ID...");
  cmd->add_option("--markdown", o->markdown_file, "Write the whole catalogue as a Markdown table (fixtures/RULES.md)")
      ->type_name("FILE");
  cmd->footer("Exit codes: 0 shown; 2 an unknown id, or an unusable rules file.");
  cmd->callback([o, &exit_code] { exit_code = rules_command(*o); });
}

}  // namespace sse::runner
