// sse-conformance list: the cases of a corpus with their ids, rules and classes.
#include "commands.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <memory>

namespace sse::runner {
namespace {

struct list_options {
  corpus_options corpus;
  bool json = false;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

int list_command(const list_options& o) {
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto* c : corpus.cases) {
      nlohmann::json j = {{"id", c->id},
                          {"area", c->area},
                          {"file", c->file},
                          {"class", conformance::to_string(c->klass)},
                          {"rules", c->rules},
                          {"tags", c->tags},
                          {"bytes", c->bytes.size()},
                          {"description", c->description}};
      if (!c->gap.empty()) j["gap"] = c->gap;
      out.push_back(std::move(j));
    }
    std::cout << out.dump(1) << '\n';
    return exit_passed;
  }
  std::size_t width = 2;
  for (const auto* c : corpus.cases) width = std::max(width, c->id.size());
  std::cout << std::left << std::setw(static_cast<int>(width)) << "id"
            << "  " << std::setw(26) << "class"
            << "  rules  [tags]\n";
  for (const auto* c : corpus.cases) {
    std::string klass(conformance::to_string(c->klass));
    if (!c->gap.empty()) klass += " (" + c->gap + ")";
    std::cout << std::setw(static_cast<int>(width)) << c->id << "  " << std::setw(26) << klass << "  "
              << join(c->rules);
    if (!c->tags.empty()) std::cout << "  [" << join(c->tags) << "]";
    std::cout << '\n';
  }
  std::cout << corpus.cases.size() << " of " << corpus.all_ids.size() << " cases, from "
            << corpus.loaded.loaded.files.size() << " files\n";
  return exit_passed;
}

}  // namespace

void add_list_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] =
      new_command<list_options>(app, "list", "List the cases of the corpus with their ids, rules and classes");
  add_corpus_options(*cmd, o->corpus);
  cmd->add_flag("--json", o->json, "Print a JSON array instead of a table");
  cmd->footer("Exit codes: 0 listed; 2 bad usage or bad corpus.");
  cmd->callback([o, &exit_code] { exit_code = list_command(*o); });
}

}  // namespace sse::runner
