// sse-conformance lint: validates corpus files of the three kinds (parsing cases, connection
// scenarios, encoder cases). Every problem names the file, the case and the key.
#include "commands.hpp"

#include <sse/conformance/encoder_case.hpp>
#include <sse/conformance/scenario.hpp>

#include <algorithm>
#include <iostream>
#include <memory>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;
namespace fs = std::filesystem;

/// What one corpus kind's loader said about its paths.
struct linted {
  std::string kind;
  std::size_t files = 0;
  std::size_t cases = 0;
  std::vector<conf::diagnostic> diagnostics;
};

template <class Result>
linted summarise(std::string kind, const Result& r, std::size_t files, std::size_t cases) {
  return {std::move(kind), files, cases, r.diagnostics};
}

/// A folder or file is a connection scenario file when it lies in (or is) a folder named
/// `connection`, an encoder case file in `encoder`; anything else is a parsing case file.
std::string kind_of(const fs::path& p) {
  std::error_code ec;  // a path that cannot be examined is a parsing path: its loader reports why
  fs::path folder = (fs::is_directory(p, ec) ? p : p.parent_path()).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "connection/" -> "connection"
  const std::string name = folder.filename().string();
  if (name == "connection") return "connection scenarios";
  if (name == "encoder") return "encoder cases";
  return "parsing cases";
}

linted lint_kind(const std::string& kind, const std::vector<fs::path>& paths) {
  if (kind == "connection scenarios") {
    const auto r = conf::load_scenarios(paths);
    return summarise(kind, r, r.files.size(), r.scenarios.size());
  }
  if (kind == "encoder cases") {
    const auto r = conf::load_encoder_cases(paths);
    return summarise(kind, r, r.files.size(), r.cases.size());
  }
  const auto r = conf::load_corpus(paths);
  return summarise(kind, r, r.loaded.files.size(), r.loaded.cases.size());
}

int lint_command(const std::vector<std::string>& paths_in) {
  const auto start = clock_type::now();
  std::vector<fs::path> paths(paths_in.begin(), paths_in.end());
  if (paths.empty())
    paths = {conf::bundled_fixtures_dir(), conf::bundled_scenarios_dir(), conf::bundled_encoder_fixtures_dir()};
  for (const auto& p : paths) require_corpus_path(p);
  std::vector<std::pair<std::string, std::vector<fs::path>>> by_kind;
  for (const auto& p : paths) {
    const std::string kind = kind_of(p);
    auto it = std::find_if(by_kind.begin(), by_kind.end(), [&](const auto& k) { return k.first == kind; });
    if (it == by_kind.end()) it = by_kind.insert(by_kind.end(), {kind, {}});
    it->second.push_back(p);
  }
  bool ok = true;
  std::size_t files = 0;
  for (const auto& [kind, kind_paths] : by_kind) {
    const linted l = lint_kind(kind, kind_paths);
    for (const auto& d : l.diagnostics) std::cout << d.to_string() << '\n';
    std::cout << (l.diagnostics.empty() ? "OK: " : "INVALID: ") << kind << ": " << l.files << " file"
              << (l.files == 1 ? "" : "s") << ", " << l.cases << " valid";
    if (!l.diagnostics.empty())
      std::cout << ", " << l.diagnostics.size() << " problem" << (l.diagnostics.size() == 1 ? "" : "s");
    std::cout << '\n';
    ok = ok && l.diagnostics.empty();
    files += l.files;
  }
  std::cout << (ok ? "OK" : "INVALID") << " (" << static_cast<long>(seconds_since(start) * 1000) << " ms)\n";
  if (files == 0 && ok) {
    std::cout << "no fixture files found\n";
    return exit_usage;
  }
  return ok ? exit_passed : exit_usage;
}

}  // namespace

void add_lint_command(CLI::App& app, int& exit_code) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(
      "lint",
      "Validate corpus files (parsing cases, connection scenarios, encoder cases): structure, unique ids, "
      "known rule ids, decodable bytes");
  cmd->add_option("paths", *paths,
                  "Files or folders. A folder named connection/ holds scenarios, encoder/ encoder cases, any other "
                  "parsing cases. Default: the bundled fixtures/, fixtures/connection/ and fixtures/encoder/")
      ->type_name("PATH...");
  cmd->footer("Exit codes: 0 the corpus is valid; 2 it is not (every problem is listed), or bad usage.");
  cmd->callback([paths, &exit_code] { exit_code = lint_command(*paths); });
}

}  // namespace sse::runner
