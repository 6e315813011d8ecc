// sse-conformance lint: validates corpus files. Every problem names the file, the case and the key.
#include "commands.hpp"

#include <iostream>
#include <memory>

namespace sse::runner {
namespace {

int lint_command(const std::vector<std::string>& paths_in) {
  const auto start = clock_type::now();
  std::vector<std::filesystem::path> paths;
  for (const auto& p : paths_in) paths.emplace_back(p);
  if (paths.empty()) paths.push_back(conformance::bundled_fixtures_dir());
  for (const auto& p : paths) require_corpus_path(p);
  const auto result = conformance::load_corpus(paths);
  for (const auto& d : result.diagnostics) std::cout << d.to_string() << '\n';
  const auto& files = result.loaded.files;
  std::cout << (result.ok() ? "OK: " : "INVALID: ") << files.size() << " file" << (files.size() == 1 ? "" : "s") << ", "
            << result.loaded.cases.size() << " valid case" << (result.loaded.cases.size() == 1 ? "" : "s");
  if (!result.ok())
    std::cout << ", " << result.diagnostics.size() << " problem" << (result.diagnostics.size() == 1 ? "" : "s");
  std::cout << " (" << static_cast<long>(seconds_since(start) * 1000) << " ms)\n";
  if (files.empty() && result.ok()) {
    std::cout << "no fixture files found\n";
    return exit_usage;
  }
  return result.ok() ? exit_passed : exit_usage;
}

}  // namespace

void add_lint_command(CLI::App& app, int& exit_code) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("lint", "Validate corpus files: schema, unique ids, known rule ids, decodable bytes");
  cmd->add_option("paths", *paths, "Fixture files or folders. Default: the bundled fixtures/")->type_name("PATH...");
  cmd->footer("Exit codes: 0 the corpus is valid; 2 it is not (every problem is listed), or bad usage.");
  cmd->callback([paths, &exit_code] { exit_code = lint_command(*paths); });
}

}  // namespace sse::runner
