#include "commands.hpp"

#include "limited_reference.hpp"
#include "text_util.hpp"

#include <cstdlib>
#include <mutex>
#include <thread>

namespace sse::runner {

namespace conf = sse::conformance;

void add_corpus_options(CLI::App& command, corpus_options& options) {
  command
      .add_option("--corpus", options.paths,
                  "Fixture file or folder (its *.json files); repeatable. Default: the bundled fixtures/")
      ->type_name("PATH");
  command
      .add_option("--filter", options.filters,
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
  command
      .add_option("--timeout", options.timeout_ms,
                  "Adapters: the longest wait for any one answer (a hang is a TIMEOUT after this), in ms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--case-timeout", options.case_timeout_ms,
                  "Adapters: the longest one case under one chunking may take in total, in ms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-line-bytes", options.max_line_bytes,
                  "Longest protocol line accepted from an adapter; longer is a PROTOCOL-ERROR")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
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

std::string adapters_dir() {
  if (const char* env = std::getenv("SSE_CONFORMANCE_ADAPTERS_DIR"); env != nullptr && *env != '\0') return env;
  return SSE_RUNNER_ADAPTERS_DIR;
}

namespace {

struct builtin {
  const char* name;
  const char* script;  ///< In adapters_dir(); empty for the in-process reference.
  const char* what;
};
constexpr builtin builtins[] = {
    {"reference", "", "the in-process reference parser (default)"},
    {"wasm", "wasm.mjs", "this project's WebAssembly package, under Node"},
    {"eventsource-parser", "eventsource-parser.mjs", "the eventsource-parser npm package"},
    {"undici", "undici.mjs", "the EventSourceStream parser behind undici's EventSource"},
    {"fetch-event-source", "fetch-event-source.mjs", "@microsoft/fetch-event-source's getLines/getMessages"},
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string builtin_implementations_help() {
  std::string out;
  for (const auto& b : builtins) out += std::string("\n  ") + b.name + ": " + b.what;
  return out;
}

opened_implementation open_implementation(const std::string& spec, const execution_options& options) {
  opened_implementation out;
  if (spec == "reference") {
    out.info.name = "reference";
    out.info.version = SSE_RUNNER_VERSION;
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
  for (const auto& b : builtins)
    if (spec == b.name && *b.script != '\0')
      command = "exec node " + shell_quote(adapters_dir() + "/" + b.script);

  adapter_options adapter;
  adapter.command = command;
  adapter.timeout = std::chrono::milliseconds(options.timeout_ms);
  adapter.case_timeout = std::chrono::milliseconds(options.case_timeout_ms);
  adapter.max_line_bytes = options.max_line_bytes;
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

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

}  // namespace sse::runner
