// sse-conformance matrix: runs several implementations and writes a Markdown (and JSON) matrix:
// per implementation, pass/fail counts per area and the failing case ids.
#include "commands.hpp"
#include "report.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace sse::runner {
namespace {

using json = nlohmann::json;
namespace conf = sse::conformance;

struct matrix_options {
  std::vector<std::string> impls = {"reference",
                                    "eventsource-parser",
                                    "eventsource-parser-3",
                                    "undici",
                                    "undici-7",
                                    "fetch-event-source",
                                    "openai",
                                    "effect",
                                    "azure-core-sse",
                                    "fetch-event-stream",
                                    "parse-sse",
                                    "eventsource",
                                    "node-eventsource",
                                    "eventsource-client",
                                    "launchdarkly-eventsource",
                                    "event-source-polyfill",
                                    "extended-eventsource",
                                    "donovanhide-eventsource",
                                    "gin-contrib-sse",
                                    "wasm"};
  corpus_options corpus;
  execution_options execution;
  std::string markdown_file;
  std::string json_file;
};

struct area_counts {
  std::size_t cases = 0;
  std::size_t pass = 0;
  std::size_t fail = 0;  ///< gate-relevant failures (FAIL, CRASH, TIMEOUT, PROTOCOL-ERROR)
  std::size_t skip = 0;
  std::size_t implementation_defined = 0;
};

struct failing_case {
  std::string id;
  std::string verdict;
  std::vector<std::string> chunkings;
  std::size_t runs = 0;
  bool implementation_defined = false;
};

struct column {
  std::string spec;
  bool available = false;
  std::string error;
  implementation_info info;
  double seconds = 0;
  std::size_t runs = 0;
  std::map<std::string, area_counts> areas;
  area_counts total;
  std::vector<failing_case> failing;
};

column run_one(const std::string& spec, const selected_corpus& corpus, const execution_options& options) {
  column col;
  col.spec = spec;
  const auto start = clock_type::now();
  opened_implementation impl;
  try {
    impl = open_implementation(spec, options);
  } catch (const adapter_fault& f) {
    col.error = f.what();
    if (!f.stderr_tail.empty()) {
      std::string tail = f.stderr_tail;
      const auto first_line = tail.find('\n');
      col.error += " — " + (first_line == std::string::npos ? tail : tail.substr(0, first_line));
    }
    return col;
  }
  col.available = true;
  col.info = impl.info;
  auto records = run_cases(corpus.cases, impl.info, impl.make, make_run_settings(options));
  impl.make = nullptr;
  (void)evaluate_gate(records, nullptr, corpus.all_ids);
  col.seconds = seconds_since(start);
  col.runs = records.size();
  for (const auto& c : summarise_cases(records)) {
    auto& a = col.areas[c.test->area];
    for (auto* counts : {&a, &col.total}) {
      ++counts->cases;
      if (c.status == gate_status::ok) ++counts->pass;
      if (c.status == gate_status::skipped) ++counts->skip;
      if (c.status == gate_status::new_failure) ++counts->fail;
      if (c.status == gate_status::implementation_defined) ++counts->implementation_defined;
    }
    if (c.status != gate_status::new_failure && c.status != gate_status::implementation_defined) continue;
    failing_case f;
    f.id = c.test->id;
    f.verdict = std::string(to_string(c.verdict));
    f.implementation_defined = c.status == gate_status::implementation_defined;
    f.runs = c.records.size();
    for (const auto* r : c.records)
      if (is_failure(r->verdict)) f.chunkings.push_back(r->chunking);
    col.failing.push_back(std::move(f));
  }
  return col;
}

std::string cell(const area_counts& a) {
  const std::size_t checked = a.cases - a.skip;
  std::string out = std::to_string(a.pass + a.implementation_defined) + "/" + std::to_string(checked);
  if (a.fail != 0) out += " · **" + std::to_string(a.fail) + " ✗**";
  if (a.implementation_defined != 0) out += " · " + std::to_string(a.implementation_defined) + " i-d";
  if (a.skip != 0) out += " · " + std::to_string(a.skip) + " skip";
  return out;
}

std::string title(const column& c) {
  if (!c.available) return c.spec;
  return c.info.version.empty() ? c.info.name : c.info.name + " " + c.info.version;
}

std::string chunking_list(const failing_case& f) {
  if (f.chunkings.size() == f.runs) return "all chunkings";
  std::string out;
  for (std::size_t i = 0; i < f.chunkings.size() && i < 4; ++i) out += (i == 0 ? "" : ", ") + f.chunkings[i];
  if (f.chunkings.size() > 4) out += ", … (" + std::to_string(f.chunkings.size()) + " of " + std::to_string(f.runs) + ")";
  return out;
}

std::string markdown(const std::vector<column>& cols, const selected_corpus& corpus, const matrix_options& o,
                     const std::string& generated) {
  std::ostringstream md;
  md << "# SSE conformance matrix\n\n"
     << "Generated by `sse-conformance matrix` on " << generated << " from " << corpus.cases.size() << " cases in "
     << corpus.loaded.loaded.files.size() << " fixture files, each run under the chunkings `" << o.execution.chunkings
     << "` (random ×" << o.execution.random_variants << "). A cell is *cases passed / cases checked*: a case passes "
     << "when every chunking passes; **✗** counts failing cases, *i-d* implementation-defined cases whose log differs "
     << "from the reference's decision (never a failure), *skip* cases that need an observation the implementation "
     << "cannot report.\n\n";
  std::map<std::string, std::size_t> areas;
  for (const auto* c : corpus.cases) ++areas[c->area];
  md << "| area (cases) |";
  for (const auto& c : cols) md << ' ' << title(c) << " |";
  md << "\n| --- |";
  for (std::size_t i = 0; i < cols.size(); ++i) md << " --- |";
  md << '\n';
  for (const auto& [area, n] : areas) {
    md << "| " << area << " (" << n << ") |";
    for (const auto& c : cols) {
      if (!c.available) {
        md << " n/a |";
        continue;
      }
      const auto it = c.areas.find(area);
      md << ' ' << (it == c.areas.end() ? std::string("–") : cell(it->second)) << " |";
    }
    md << '\n';
  }
  md << "| **total** (" << corpus.cases.size() << ") |";
  for (const auto& c : cols) md << ' ' << (c.available ? cell(c.total) : std::string("n/a")) << " |";
  md << "\n\n## Implementations\n\n| implementation | reports | adapter | time |\n| --- | --- | --- | --- |\n";
  for (const auto& c : cols) {
    if (!c.available) {
      md << "| " << c.spec << " | not available: " << c.error << " | | |\n";
      continue;
    }
    std::string adapter = c.info.command.empty() ? "in-process" : c.info.command;
    // Paths as seen from the source tree (adapters_dir() is its runner/adapters).
    const auto source_dir = std::filesystem::path(adapters_dir()).parent_path().parent_path();
    for (const std::string& dir : {adapters_dir(), go_adapters_dir()}) {
      const std::string shown = std::filesystem::path(dir).lexically_relative(source_dir).string();
      for (auto pos = adapter.find(dir); pos != std::string::npos; pos = adapter.find(dir))
        adapter.replace(pos, dir.size(), shown);
    }
    md << "| " << title(c) << " | " << describe(c.info.caps) << " | `" << adapter << "` | " << std::fixed
       << std::setprecision(1) << c.seconds << " s |\n";
  }
  md << "\n## Failing cases\n";
  for (const auto& c : cols) {
    if (!c.available) continue;
    md << "\n### " << title(c) << "\n\n";
    std::size_t shown = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& f : c.failing) {
        if (f.implementation_defined != (pass == 1)) continue;
        md << "- `" << f.id << "` " << f.verdict << " (" << chunking_list(f) << ")"
           << (f.implementation_defined ? " — implementation-defined" : "") << '\n';
        ++shown;
      }
    }
    if (shown == 0) md << "None.\n";
  }
  md << "\nRegenerate: `npm ci --prefix runner/adapters && build/release/runner/sse-conformance matrix --markdown "
        "runner/MATRIX.md --json runner/MATRIX.json` (see runner/README.md).\n";
  return md.str();
}

json to_json(const std::vector<column>& cols, const selected_corpus& corpus, const matrix_options& o,
             const std::string& generated) {
  json j;
  j["tool"] = "sse-conformance";
  j["generated"] = generated;
  j["corpus"] = {{"files", corpus.loaded.loaded.files}, {"cases", corpus.cases.size()}};
  j["chunkings"] = o.execution.chunkings;
  j["random_variants"] = o.execution.random_variants;
  json impls = json::array();
  for (const auto& c : cols) {
    json i = {{"spec", c.spec}, {"available", c.available}};
    if (!c.available) {
      i["error"] = c.error;
      impls.push_back(std::move(i));
      continue;
    }
    i["name"] = c.info.name;
    i["version"] = c.info.version;
    i["capabilities"] = describe(c.info.caps);
    i["seconds"] = c.seconds;
    i["runs"] = c.runs;
    json areas = json::object();
    auto counts = [](const area_counts& a) {
      return json{{"cases", a.cases},
                  {"pass", a.pass},
                  {"fail", a.fail},
                  {"skip", a.skip},
                  {"implementation_defined", a.implementation_defined}};
    };
    for (const auto& [area, a] : c.areas) areas[area] = counts(a);
    i["areas"] = areas;
    i["total"] = counts(c.total);
    json failing = json::array();
    for (const auto& f : c.failing)
      failing.push_back({{"case", f.id},
                         {"verdict", f.verdict},
                         {"implementation_defined", f.implementation_defined},
                         {"chunkings", f.chunkings},
                         {"runs", f.runs}});
    i["failing"] = failing;
    impls.push_back(std::move(i));
  }
  j["implementations"] = impls;
  return j;
}

int matrix_command(const matrix_options& o) {
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  (void)make_run_settings(o.execution);  // validates --chunkings before anything runs
  std::vector<column> cols;
  for (const auto& spec : o.impls) {
    std::cerr << "matrix: " << spec << "... " << std::flush;
    cols.push_back(run_one(spec, corpus, o.execution));
    const auto& c = cols.back();
    if (c.available)
      std::cerr << c.total.pass << " pass, " << c.total.fail << " fail, " << c.total.implementation_defined
                << " impl-def, " << c.total.skip << " skip of " << c.total.cases << " cases (" << c.runs << " runs) in "
                << std::fixed << std::setprecision(2) << c.seconds << " s\n";
    else
      std::cerr << "not available: " << c.error << '\n';
  }
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  const std::string md = markdown(cols, corpus, o, date);
  std::string error;
  if (!o.markdown_file.empty()) {
    if (!write_file(o.markdown_file, md, &error)) throw usage_error(error);
    std::cerr << "Markdown matrix: " << o.markdown_file << '\n';
  } else {
    std::cout << md;
  }
  if (!o.json_file.empty()) {
    if (!write_file(o.json_file, to_json(cols, corpus, o, date).dump(1) + "\n", &error)) throw usage_error(error);
    std::cerr << "JSON matrix: " << o.json_file << '\n';
  }
  return exit_passed;
}

}  // namespace

void add_matrix_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<matrix_options>();
  auto* cmd = app.add_subcommand("matrix", "Run several implementations and write a Markdown (and JSON) matrix");
  cmd->add_option("--impl", o->impls, "Implementations (built-in names or adapter commands); repeatable")
      ->capture_default_str()
      ->type_name("NAME|COMMAND");
  add_corpus_options(*cmd, o->corpus);
  add_execution_options(*cmd, o->execution);
  cmd->add_option("--markdown", o->markdown_file, "Write the Markdown matrix here (default: stdout)")->type_name("FILE");
  cmd->add_option("--json", o->json_file, "Also write the matrix as JSON")->type_name("FILE");
  cmd->footer("Implementations:" + builtin_implementations_help() +
              "\nAn implementation that does not start is shown as not available.\n"
              "Exit codes: 0 written (a matrix reports, it does not gate); 2 bad usage or bad corpus.");
  cmd->callback([o, &exit_code] { exit_code = matrix_command(*o); });
}

}  // namespace sse::runner
