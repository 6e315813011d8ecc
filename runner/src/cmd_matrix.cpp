// sse-conformance matrix: runs several implementations and writes a Markdown (and JSON) matrix:
// per implementation, pass/fail counts per area and the failing case ids.
#include "commands.hpp"
#include "matrix.hpp"
#include "report.hpp"

#include <nlohmann/json.hpp>

#include <sse/conformance/json_limits.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
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
  bool impls_given = false;               ///< --impl was given (otherwise --from alone runs nothing)
  std::vector<std::string> from_reports;  ///< --from: JSON reports of `run`/`browser` made elsewhere
  corpus_options corpus;
  execution_options execution;
  std::string markdown_file;
  std::string json_file;
  std::string svg_file;
};

/// --impl bundled: every built-in name, in the default order.
const std::vector<std::string>& bundled_impls() {
  static const std::vector<std::string> all = matrix_options{}.impls;
  return all;
}

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
  std::string chunkings;  ///< The chunkings its records were made with.
  std::string source;     ///< Empty: run here; otherwise the report file it was read from.
  double seconds = 0;
  std::size_t runs = 0;
  matrix_column counts;
  std::vector<failing_case> failing;
};

std::string title(const column& c) {
  if (!c.available) return c.spec;
  return c.info.version.empty() ? c.info.name : c.info.name + " " + c.info.version;
}

/// The column of one implementation's records: judged without a baseline (a known failure is still a
/// failure in the matrix), counted per area, failing cases listed.
void fill_column(column& col, std::vector<run_record>& records, const selected_corpus& corpus) {
  col.available = true;
  (void)evaluate_gate(records, nullptr, corpus.all_ids);
  col.runs = records.size();
  col.counts = count_column(title(col), records);
  col.counts.engine = col.info.engine;
  for (const auto& c : summarise_cases(records)) {
    if (!is_failure(c.outcome)) continue;
    failing_case f;
    f.id = c.test->id;
    f.verdict = std::string(to_string(c.outcome));
    f.implementation_defined = c.status == gate_status::implementation_defined;
    f.runs = c.records.size();
    for (const auto* r : c.records)
      if (is_failure(r->outcome)) f.chunkings.push_back(r->chunking);
    col.failing.push_back(std::move(f));
  }
}

column run_one(const std::string& spec, const selected_corpus& corpus, const execution_options& options) {
  column col;
  col.spec = spec;
  col.chunkings = options.chunkings;
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
  col.info = impl.info;
  auto records = run_cases(corpus.cases, impl.info, impl.make, make_run_settings(options));
  impl.make = nullptr;
  fill_column(col, records, corpus);
  col.seconds = seconds_since(start);
  return col;
}

/// A column from a JSON report of `run --json` or `browser --json` (report_version 1), made
/// elsewhere. Refused (usage_error) unless it was made from this very corpus: same digest.
column read_report(const std::string& file, const selected_corpus& corpus) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw usage_error("--from " + file + ": cannot read the file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (auto too_deep = conf::check_json_depth(text)) throw usage_error("--from " + file + ": " + *too_deep);
  const json j = json::parse(text, nullptr, false);
  const auto bad = [&](const std::string& what) { return usage_error("--from " + file + ": " + what); };
  if (j.is_discarded() || !j.is_object() || j.value("tool", json()) != "sse-conformance" ||
      j.value("report_version", json()) != 1)
    throw bad("not a JSON report of `sse-conformance run --json` or `browser --json` (report_version 1)");
  const json digest = j.value("corpus", json::object()).value("digest", json());
  if (!digest.is_string() || digest.get<std::string>().empty())
    throw bad("the report names no corpus digest (made by an older runner): regenerate it");
  if (digest.get<std::string>() != corpus.digest)
    throw bad("made from another corpus version (digest " + digest.get<std::string>() + ", this corpus is " +
              corpus.digest + "): every merged report must be made from the same fixtures");
  std::map<std::string, const conf::test_case*> by_id;
  for (const auto* c : corpus.cases) by_id[c->id] = c;
  column col;
  col.spec = file;
  col.source = file;
  try {
    const json& impl = j.at("implementation");
    col.info.name = impl.at("name").get<std::string>();
    col.info.version = impl.at("version").get<std::string>();
    col.info.command = impl.value("command", std::string());
    col.info.engine = impl.value("engine", false);
    const json& caps = impl.at("capabilities");
    for (const auto& key : conf::capability_keys())
      col.info.caps.*key.member = caps.value(std::string(key.name), key.if_missing);
    col.chunkings = j.value("chunkings", std::string());
    col.seconds = j.value("seconds", 0.0);
    std::vector<run_record> records;
    for (const json& r : j.at("results")) {
      const auto it = by_id.find(r.at("case").get<std::string>());
      if (it == by_id.end()) continue;  // filtered out of this matrix (--filter)
      const auto verdict = outcome_from_string(r.at("verdict").get<std::string>());
      if (!verdict) throw bad("results: unknown verdict " + r.at("verdict").dump());
      run_record record;
      record.test = it->second;
      record.chunking = r.at("chunking").get<std::string>();
      record.outcome = *verdict;
      records.push_back(std::move(record));
    }
    // Records in corpus order, as run_cases() gives them (summarise_cases() groups neighbours).
    std::map<const conf::test_case*, std::size_t> order;
    for (std::size_t i = 0; i < corpus.cases.size(); ++i) order[corpus.cases[i]] = i;
    std::stable_sort(records.begin(), records.end(),
                     [&](const run_record& a, const run_record& b) { return order[a.test] < order[b.test]; });
    if (records.empty()) throw bad("no result for any selected case");
    fill_column(col, records, corpus);
  } catch (const json::exception& e) {
    throw bad(std::string("not a report of the expected shape: ") + e.what());
  }
  return col;
}

/// One line in words: the area where it fails most cases, with one of them and what that case
/// requires (its description: a statement about the standard, true of every implementation that
/// fails it; its `guards` line names bugs seen elsewhere, which this one need not share). Empty when
/// nothing fails.
std::string worst_bug_class(const column& c, const selected_corpus& corpus) {
  std::map<std::string, std::size_t> per_area;
  std::map<std::string, const conf::test_case*> example;
  std::map<std::string, const conf::test_case*> by_id;
  for (const auto* t : corpus.cases) by_id[t->id] = t;
  for (const auto& f : c.failing) {
    if (f.implementation_defined) continue;
    const auto it = by_id.find(f.id);
    if (it == by_id.end()) continue;
    const conf::test_case* t = it->second;
    ++per_area[t->area];
    if (example[t->area] == nullptr) example[t->area] = t;
  }
  if (per_area.empty()) return {};
  const auto worst = std::max_element(per_area.begin(), per_area.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
  const conf::test_case* t = example[worst->first];
  return "most failures in *" + worst->first + "* (" + std::to_string(worst->second) + " case" +
         (worst->second == 1 ? "" : "s") + "); it fails, for example, `" + t->id + "`: " + t->description;
}

std::string chunking_list(const failing_case& f) {
  if (f.chunkings.size() == f.runs) return "all chunkings";
  std::string out;
  for (std::size_t i = 0; i < f.chunkings.size() && i < 4; ++i) out += (i == 0 ? "" : ", ") + f.chunkings[i];
  if (f.chunkings.size() > 4)
    out += ", … (" + std::to_string(f.chunkings.size()) + " of " + std::to_string(f.runs) + ")";
  return out;
}

std::string markdown(const std::vector<column>& cols, const selected_corpus& corpus, const matrix_options& o,
                     const std::string& generated) {
  std::ostringstream md;
  md << "# SSE conformance matrix\n\n"
     << "Generated by `sse-conformance matrix` on " << generated << " from " << corpus.cases.size() << " cases in "
     << corpus.loaded.loaded.files.size() << " fixture files (corpus `" << corpus.digest
     << "`), each library run under "
     << "the chunkings `" << o.execution.chunkings << "` (random ×" << o.execution.random_variants
     << "); columns read from reports keep their own chunkings. " << cell_legend() << "\n\n![heat map](matrix.svg)\n\n";
  std::vector<matrix_column> columns;
  for (const auto& c : cols) {
    columns.push_back(c.counts);
    columns.back().title = title(c);
    columns.back().available = c.available;
  }
  md << area_table(columns, corpus.cases);
  md << "\n## Worst bug class per implementation\n\n";
  for (const auto& c : cols) {
    if (!c.available) continue;
    const std::string worst = worst_bug_class(c, corpus);
    md << "- **" << title(c) << "**: " << (worst.empty() ? "no failing case." : worst) << '\n';
  }
  md << "\n## Implementations\n\n| implementation | reports | adapter | time |\n| --- | --- | --- | --- |\n";
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
    if (!c.source.empty()) adapter += "` from report `" + c.source;
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
  md << "\nRegenerate: see runner/README.md, \"The matrix\" (one command, `sse-conformance matrix`; engine "
        "columns from `sse-conformance browser --json` reports merged with `--from`).\n";
  return md.str();
}

json to_json(const std::vector<column>& cols, const selected_corpus& corpus, const matrix_options& o,
             const std::string& generated) {
  // o.execution applies to the columns run here; report columns carry their own chunkings.
  json j;
  j["tool"] = "sse-conformance";
  j["generated"] = generated;
  j["corpus"] = {{"files", corpus.loaded.loaded.files}, {"cases", corpus.cases.size()}, {"digest", corpus.digest}};
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
    i["engine"] = c.info.engine;
    i["chunkings"] = c.chunkings;
    if (!c.source.empty()) i["report"] = c.source;
    i["worst_bug_class"] = worst_bug_class(c, corpus);
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
    for (const auto& [area, a] : c.counts.areas) areas[area] = counts(a);
    i["areas"] = areas;
    i["total"] = counts(c.counts.total);
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

void print_progress(const column& c) {
  if (c.available)
    std::cerr << c.counts.total.pass << " pass, " << c.counts.total.fail << " fail, "
              << c.counts.total.implementation_defined << " impl-def, " << c.counts.total.skip << " skip of "
              << c.counts.total.cases << " cases (" << c.runs << " runs) in " << std::fixed << std::setprecision(2)
              << c.seconds << " s\n";
  else
    std::cerr << "not available: " << c.error << '\n';
}

int matrix_command(const matrix_options& o) {
  selected_corpus corpus;
  load_selected(o.corpus, corpus);
  (void)make_run_settings(o.execution);  // validates --chunkings before anything runs
  std::vector<std::string> impls;
  if (o.impls_given || o.from_reports.empty())
    for (const auto& spec : o.impls)
      for (const auto& name : spec == "bundled" ? bundled_impls() : std::vector<std::string>{spec})
        impls.push_back(name);
  std::vector<column> cols;
  // Reports first: a report from another corpus version stops the command before anything runs.
  std::vector<column> from_reports;
  for (const auto& file : o.from_reports) from_reports.push_back(read_report(file, corpus));
  for (const auto& spec : impls) {
    std::cerr << "matrix: " << spec << "... " << std::flush;
    cols.push_back(run_one(spec, corpus, o.execution));
    print_progress(cols.back());
  }
  for (auto& c : from_reports) {
    std::cerr << "matrix: " << c.source << " (" << title(c) << "): ";
    print_progress(c);
    cols.push_back(std::move(c));
  }
  // Libraries first, engines after them (the heat map draws them apart).
  std::stable_partition(cols.begin(), cols.end(), [](const column& c) { return !c.info.engine; });
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
  if (!o.svg_file.empty()) {
    std::vector<matrix_column> columns;
    for (const auto& c : cols) {
      columns.push_back(c.counts);
      columns.back().title = title(c);
      columns.back().available = c.available;
      columns.back().engine = c.info.engine;
    }
    const std::string caption = "sse-conformance matrix, " + std::string(date) + ": " +
                                std::to_string(corpus.cases.size()) + " cases (corpus " + corpus.digest + ")";
    if (!write_file(o.svg_file, heat_map_svg(columns, corpus.cases, caption), &error)) throw usage_error(error);
    std::cerr << "SVG heat map: " << o.svg_file << '\n';
  }
  return exit_passed;
}

}  // namespace

void add_matrix_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] =
      new_command<matrix_options>(app, "matrix", "Run several implementations and write a Markdown (and JSON) matrix");
  cmd->add_option("--impl", o->impls,
                  "Implementations to run here (built-in names, `bundled` for all of them, or adapter commands); "
                  "repeatable")
      ->capture_default_str()
      ->type_name("NAME|COMMAND")
      ->each([o](const std::string&) { o->impls_given = true; });
  cmd->add_option("--from", o->from_reports,
                  "Also add columns from JSON reports of `run --json` / `browser --json` made elsewhere (same "
                  "corpus version, checked by its digest). Without --impl, only these are shown")
      ->type_name("REPORT.json ...");
  add_corpus_options(*cmd, o->corpus);
  add_execution_options(*cmd, o->execution);
  cmd->add_option("--markdown", o->markdown_file, "Write the Markdown matrix here (default: stdout)")
      ->type_name("FILE");
  cmd->add_option("--json", o->json_file, "Also write the matrix as JSON")->type_name("FILE");
  cmd->add_option("--svg", o->svg_file, "Also write the heat map (areas x implementations) as SVG")->type_name("FILE");
  cmd->footer("Implementations:" + builtin_implementations_help() +
              "\nAn implementation that does not start is shown as not available.\n"
              "Exit codes: 0 written (a matrix reports, it does not gate); 2 bad usage or bad corpus.");
  cmd->callback([o, &exit_code] { exit_code = matrix_command(*o); });
}

}  // namespace sse::runner
