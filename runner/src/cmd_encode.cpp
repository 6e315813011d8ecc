// sse-conformance encode: the writing side. Hands every encoder case's event to a writer (the
// reference encoder, or a real library behind the adapter protocol's encode mode), judges what it
// wrote with the reference parser (conformance/encoder_case.hpp), and decides the gate with the same
// records, verdicts, reports, baselines and exit codes as `run`. With --markdown, runs several
// writers and writes the encoders table instead.
#include "commands.hpp"
#include "report.hpp"
#include "text_util.hpp"

#include <sse/conformance/encoder_case.hpp>

#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace sse::runner {
namespace {

using json = nlohmann::json;
namespace conf = sse::conformance;

/// What a writer did with one event.
struct written_event {
  bool refused = false;
  std::string bytes;    ///< What it wrote (not refused).
  std::string message;  ///< Its refusal, in its words.
};

class event_writer {
public:
  virtual ~event_writer() = default;
  /// Throws adapter_fault when the writer misbehaves as a process.
  virtual written_event write(const conf::encoder_case& c) = 0;
};

class reference_writer final : public event_writer {
public:
  written_event write(const conf::encoder_case& c) override {
    const auto in = conf::to_outgoing_event(c.event);
    if (in.error != encode_error::none)
      return {true,
              {},
              "retry: " + std::string(to_string(in.error)) + " (a retry is a non-negative integer up to 2^53 - 1)"};
    auto out = sse::encode(in.event);
    if (!out.ok()) return {true, {}, out.message};
    return {false, std::move(out.bytes), {}};
  }
};

/// A writer behind the encode mode of the adapter protocol (runner/ADAPTERS.md, "Encode mode").
class adapter_writer final : public event_writer {
public:
  explicit adapter_writer(std::unique_ptr<adapter_implementation> adapter) : adapter_(std::move(adapter)) {}

  written_event write(const conf::encoder_case& c) override {
    const std::string line =
        adapter_->request(R"({"type":"encode","event":)" + c.event.json + "}", "the encoded event");
    const json reply = json::parse(line, nullptr, false);
    if (reply.is_discarded() || !reply.is_object())
      adapter_->reject("expected a JSON object while waiting for the encoded event", line);
    const json type = reply.value("type", json());
    if (type == "encoded") {
      const json data = reply.value("data", json());
      if (!data.is_string()) adapter_->reject("key 'data': expected the written bytes as a base64 string", line);
      auto bytes = base64_decode(data.get<std::string>());
      if (!bytes) adapter_->reject("key 'data': not base64 (RFC 4648, padded)", line);
      return {false, std::move(*bytes), {}};
    }
    if (type == "refused") {
      const json message = reply.value("message", json(""));
      if (!message.is_string()) adapter_->reject("key 'message': expected a string", line);
      return {true, {}, message.get<std::string>()};
    }
    adapter_->reject(R"(expected {"type":"encoded","data":...} or {"type":"refused","message":...})", line);
  }

private:
  std::unique_ptr<adapter_implementation> adapter_;
};

struct opened_writer {
  implementation_info info;
  conf::writer_capabilities caps;
  std::function<std::unique_ptr<event_writer>()> make;
};

struct builtin_writer {
  const char* name;
  const char* command;  ///< Relative to adapters_dir(); empty for the in-process reference.
  const char* what;
};
constexpr builtin_writer builtin_writers[] = {
    {"reference", "", "the in-process reference encoder, sse::encode (default)"},
    {"hono", "exec node encoders/hono.mjs", "hono's SSEStreamingApi.writeSSE (hono/streaming)"},
    {"h3", "exec node encoders/h3.mjs", "h3's EventStream push/pushComment (createEventStream)"},
    {"better-sse", "exec node encoders/better-sse.mjs", "better-sse's EventBuffer"},
    {"effect", "exec node encoders/effect.mjs", "effect's Sse.encoder (effect/encoding)"},
    {"gin-contrib-sse", "exec sh go/gin-contrib-sse-encode/run.sh", "Debian's Go gin-contrib/sse Encode"},
};

std::string builtin_writers_help() {
  std::string out;
  for (const auto& b : builtin_writers) out += std::string("\n  ") + b.name + ": " + b.what;
  return out;
}

/// The encode-mode keys of a hello: "mode":"encode" and "writes" (which event members the API takes).
conf::writer_capabilities parse_encode_hello(adapter_implementation& adapter) {
  const std::string& line = adapter.hello_line();
  const json hello = json::parse(line, nullptr, false);
  if (hello.value("mode", json()) != "encode")
    adapter.reject(R"(invalid hello: key 'mode': expected "encode" (a parsing adapter cannot encode))", line);
  const json writes = hello.value("writes", json());
  if (!writes.is_object()) adapter.reject("invalid hello: key 'writes': expected an object", line);
  conf::writer_capabilities caps;
  const std::pair<const char*, bool*> keys[] = {{"type", &caps.type},
                                                {"id", &caps.id},
                                                {"retry", &caps.retry},
                                                {"comments", &caps.comments},
                                                {"no_data", &caps.no_data}};
  for (const auto& [key, field] : keys) {
    const json v = writes.value(key, json(false));
    if (!v.is_boolean())
      adapter.reject(std::string("invalid hello: key 'writes.") + key + "': expected true or false", line);
    *field = v.get<bool>();
  }
  for (const auto& item : writes.items()) {
    bool known = false;
    for (const auto& k : keys) known = known || item.key() == k.first;
    if (!known) adapter.reject("invalid hello: key 'writes." + item.key() + "': unknown member", line);
  }
  return caps;
}

opened_writer open_writer(const std::string& spec, const execution_options& options) {
  opened_writer out;
  if (spec == "reference") {
    out.info = reference_info();
    out.make = [] { return std::make_unique<reference_writer>(); };
    return out;
  }
  std::string command = spec;
  for (const auto& b : builtin_writers)
    if (spec == b.name && *b.command != '\0') command = "cd '" + adapters_dir() + "' && " + b.command;
  const adapter_options adapter = make_adapter_options(command, options);
  auto first = std::make_unique<adapter_implementation>(adapter);
  out.caps = parse_encode_hello(*first);
  out.info.name = first->identity().name;
  out.info.version = first->identity().version;
  out.info.command = command;
  auto spare = std::make_shared<std::unique_ptr<adapter_implementation>>(std::move(first));
  out.make = [spare, adapter]() -> std::unique_ptr<event_writer> {
    if (*spare) return std::make_unique<adapter_writer>(std::move(*spare));
    auto fresh = std::make_unique<adapter_implementation>(adapter);
    (void)parse_encode_hello(*fresh);
    return std::make_unique<adapter_writer>(std::move(fresh));
  };
  return out;
}

/// One case's record and what the writer wrote (for the table).
struct encode_run {
  std::vector<run_record> records;
  std::vector<written_event> written;
  std::vector<conf::encoder_problem> problems;
};

constexpr int max_start_failures = 3;

encode_run run_writer(const std::vector<const conf::encoder_case*>& cases, const opened_writer& w) {
  encode_run out;
  std::unique_ptr<event_writer> writer;
  int start_failures = 0;
  std::string last_start_error;
  for (const auto* c : cases) {
    written_event written;
    conf::encoder_problem problem = conf::encoder_problem::none;
    const auto start = clock_type::now();
    // Every case is judged into a case_result and becomes a record through to_record(), as in `run`.
    conf::case_result result;
    std::optional<adapter_fault> fault;
    if (const auto missing = conf::missing_capability(c->event, w.caps); !missing.empty()) {
      result = {outcome::skip, {}, missing, {}};
    } else if (!writer && start_failures >= max_start_failures) {
      result = {outcome::crash,
                {},
                "not run: the adapter failed to start " + std::to_string(start_failures) +
                    " times in a row (last: " + last_start_error + ")",
                {}};
    } else {
      try {
        if (!writer) writer = w.make();
        start_failures = 0;
        written = writer->write(*c);
        const auto judged =
            written.refused ? conf::judge_refused(*c, written.message) : conf::judge_written(*c, written.bytes);
        result = {judged.pass ? outcome::pass : outcome::fail, judged.explanation,
                  judged.pass ? std::string() : std::string(to_string(judged.problem)), judged.observed};
        problem = judged.problem;
      } catch (const adapter_fault& f) {
        if (!writer) {
          ++start_failures;
          last_start_error = f.what();
        }
        result = {f.kind, {}, (writer ? "" : "the adapter did not start: ") + std::string(f.what()), {}};
        fault = f;
        writer.reset();  // a fresh process for the next case
      }
    }
    run_record r = to_record(c->meta, "encode", 1, std::move(result), 0);
    if (fault) {
      r.offending_line = fault->offending_line;
      r.stderr_tail = fault->stderr_tail;
    }
    r.milliseconds = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
    out.records.push_back(std::move(r));
    out.written.push_back(std::move(written));
    out.problems.push_back(problem);
  }
  return out;
}

struct encode_command_options {
  std::vector<std::string> impls;
  std::vector<std::string> corpus_paths;
  std::vector<std::string> filters;
  execution_options execution;
  report_options reports;
  std::string markdown_file;
};

struct selected_encoder_cases {
  conf::encoder_load_result loaded;
  std::vector<const conf::encoder_case*> cases;
  std::vector<std::string> all_ids;
};

void load_encoder_selection(const encode_command_options& o, selected_encoder_cases& out) {
  std::vector<std::filesystem::path> paths(o.corpus_paths.begin(), o.corpus_paths.end());
  if (paths.empty()) paths.push_back(conf::bundled_encoder_fixtures_dir());
  for (const auto& p : paths)
    if (!std::filesystem::exists(p)) throw usage_error(p.string() + ": no such encoder case file or folder");
  out.loaded = conf::load_encoder_cases(paths);
  if (!out.loaded.ok()) {
    std::string message = "the encoder cases are invalid:";
    for (std::size_t i = 0; i < out.loaded.diagnostics.size() && i < 20; ++i)
      message += "\n  " + out.loaded.diagnostics[i].to_string();
    throw usage_error(message);
  }
  for (const auto& c : out.loaded.cases) {
    out.all_ids.push_back(c.meta.id);
    if (matches_filter(c.meta, o.filters)) out.cases.push_back(&c);
  }
  if (out.cases.empty()) throw usage_error("no encoder case selected");
}

opened_writer open_or_usage_error(const std::string& spec, const execution_options& options) {
  try {
    return open_writer(spec, options);
  } catch (const adapter_fault& f) {
    std::string message = "the encoder '" + spec + "' did not start: " + f.what();
    if (!f.offending_line.empty()) message += "\n  offending output: " + conf::escape_bytes(f.offending_line);
    if (!f.stderr_tail.empty()) message += "\n  stderr:\n" + f.stderr_tail;
    throw usage_error(message);
  }
}

int gate_command(const encode_command_options& o, const selected_encoder_cases& selection) {
  const auto start = clock_type::now();
  const std::optional<baseline> expected = read_expected_failures(o.reports);
  const std::string spec = o.impls.empty() ? "reference" : o.impls.front();
  opened_writer writer = open_or_usage_error(spec, o.execution);
  auto run = run_writer(selection.cases, writer);
  writer.make = nullptr;

  run_report report;
  report.implementation = writer.info;
  report.corpus_files = selection.loaded.files;
  report.corpus_cases = selection.cases.size();
  report.chunkings = "encode (one write per case, read back by the reference parser)";
  report.expected_failures_file = o.reports.expected_failures;
  report.records = &run.records;
  report.gate = evaluate_gate(run.records, expected ? &*expected : nullptr, selection.all_ids);
  report.seconds = seconds_since(start);
  return publish(o.reports, report);
}

// ---- the encoders table (--markdown) -----------------------------------------------------------

std::string shorten(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole code points
  return text.substr(0, cut) + "…";
}

std::string code(const std::string& text) {
  std::string out = text;
  for (std::size_t i = 0; (i = out.find('`', i)) != std::string::npos; i += 2) out.replace(i, 1, "\\`");
  for (std::size_t i = 0; (i = out.find('|', i)) != std::string::npos; i += 2) out.replace(i, 1, "\\|");
  return "`` " + out + " ``";
}

/// What the reader makes of it, in one line: the observations (or the injection found).
std::string reader_sees(const run_record& r) {
  std::string out;
  for (const auto& o : r.observed) {
    if (o.kind == observation_kind::end) continue;
    out += (out.empty() ? "" : "; ") + conf::format_observation(o);
  }
  return out.empty() ? "nothing" : out;
}

struct writer_column {
  std::string spec;
  bool available = false;
  std::string error;
  opened_writer writer;
  encode_run run;
  std::size_t pass = 0, fail = 0, skip = 0, faults = 0, implementation_defined = 0;
  std::map<std::string, std::size_t> by_problem;
};

int matrix_command(const encode_command_options& o, const selected_encoder_cases& selection) {
  std::vector<std::string> specs = o.impls;
  if (specs.empty())
    for (const auto& b : builtin_writers) specs.emplace_back(b.name);
  std::vector<writer_column> cols;
  for (const auto& spec : specs) {
    writer_column col;
    col.spec = spec;
    std::cerr << "encode: " << spec << "... " << std::flush;
    try {
      col.writer = open_writer(spec, o.execution);
      col.available = true;
    } catch (const adapter_fault& f) {
      col.error = std::string(f.what()) +
                  (f.stderr_tail.empty() ? "" : " — " + f.stderr_tail.substr(0, f.stderr_tail.find('\n')));
      std::cerr << "not available: " << col.error << '\n';
      cols.push_back(std::move(col));
      continue;
    }
    col.run = run_writer(selection.cases, col.writer);
    col.writer.make = nullptr;
    (void)evaluate_gate(col.run.records, nullptr, selection.all_ids);
    for (std::size_t i = 0; i < col.run.records.size(); ++i) {
      const auto& r = col.run.records[i];
      if (r.status == gate_status::ok)
        ++col.pass;
      else if (r.status == gate_status::skipped)
        ++col.skip;
      else if (r.status == gate_status::implementation_defined)
        ++col.implementation_defined;
      else
        ++col.fail;
      if (is_fault(r.outcome)) ++col.faults;
      if (r.outcome == outcome::fail && r.status == gate_status::new_failure)
        ++col.by_problem[std::string(to_string(col.run.problems[i]))];
    }
    std::cerr << col.pass << " pass, " << col.fail << " fail, " << col.implementation_defined << " impl-def, "
              << col.skip << " skip\n";
    cols.push_back(std::move(col));
  }

  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  std::ostringstream md;
  md << "# SSE encoders\n\n"
     << "Generated by `sse-conformance encode --markdown` on " << date << " from " << selection.cases.size()
     << " encoder cases in " << selection.loaded.files.size() << " files (`fixtures/encoder/`). Each case hands one "
     << "event to the writer; what it writes is read back by the reference parser and must be exactly the event (after "
     << "the normalisation of `fixtures/README.md`, \"Encoder cases\"), well-formed by the §9.2.5 grammar, with "
        "nothing "
     << "injected; an event that cannot be represented must be refused. *passed* counts cases the writer could take "
     << "(*skip*: its API has no way to pass that member); *✗* counts failing cases, split by kind in the next "
     << "columns; *i-d* counts implementation-defined cases whose result differs from the reference's decision (never "
     << "a failure; listed below with the failures).\n\n"
     << "| encoder | version | API takes | passed | ✗ | injection | data loss | wrote unrepresentable | malformed | "
        "refused representable | faults | i-d | skip |\n"
     << "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& c : cols) {
    if (!c.available) {
      md << "| " << c.spec << " | not available: " << c.error << " | | | | | | | | | | | |\n";
      continue;
    }
    const auto count = [&](const char* k) {
      const auto it = c.by_problem.find(k);
      return it == c.by_problem.end() ? std::size_t{0} : it->second;
    };
    md << "| " << c.writer.info.name << " | " << c.writer.info.version << " | " << conf::describe(c.writer.caps)
       << " | " << c.pass << "/" << (c.run.records.size() - c.skip) << " | " << c.fail << " | " << count("injection")
       << " | " << count("data-loss") << " | " << count("wrote-unrepresentable") << " | " << count("malformed") << " | "
       << count("refused-representable") << " | " << c.faults << " | " << c.implementation_defined << " | " << c.skip
       << " |\n";
  }
  md << "\nKinds: *injection*: more than the event reached the reader (a second event block, a field not asked for, a "
        "field twice); *data loss*: the reader reads back something else (an eaten space, a lost line break or empty "
        "value, a dropped field); *wrote unrepresentable*: an event that cannot be represented (an id with NUL, CR or "
        "LF, a type with CR or LF, a bad retry) was written, altered or silently dropped instead of refused; "
        "*malformed*: the bytes are not a complete event block; *refused representable*: a valid event was refused.\n";
  for (const auto& c : cols) {
    if (!c.available) continue;
    md << "\n## " << c.writer.info.name << " " << c.writer.info.version << "\n\n";
    std::string adapter = c.writer.info.command.empty() ? "in-process" : c.writer.info.command;
    if (const auto pos = adapter.find(adapters_dir()); pos != std::string::npos)
      adapter.replace(pos, adapters_dir().size(), "runner/adapters");
    md << "Adapter: `" << adapter << "`.\n\n";
    std::size_t shown = 0;
    for (std::size_t i = 0; i < c.run.records.size(); ++i) {
      const auto& r = c.run.records[i];
      if (r.status != gate_status::new_failure && r.status != gate_status::implementation_defined) continue;
      ++shown;
      const auto& w = c.run.written[i];
      md << "- `" << r.test->id << "` "
         << (r.status == gate_status::implementation_defined ? "(implementation-defined) " : "") << "**"
         << (r.outcome == outcome::fail ? r.detail : std::string(to_string(r.outcome))) << "**: ";
      if (is_fault(r.outcome)) {
        md << shorten(r.detail, 200) << '\n';
        continue;
      }
      if (w.refused) {
        md << "refused (" << code(shorten(w.message, 120)) << ")\n";
        continue;
      }
      md << "wrote " << code(shorten(conf::escape_bytes(w.bytes), 160)) << "; the reader sees "
         << code(shorten(reader_sees(r), 200)) << '\n';
    }
    if (shown == 0) md << "No failure.\n";
  }
  md << "\nRegenerate: `npm ci --prefix runner/adapters/encoders && build/release/runner/sse-conformance encode "
        "--markdown runner/ENCODERS.md` (the Go adapter needs `golang-go` and `golang-github-gin-contrib-sse-dev`; see "
        "runner/ADAPTERS.md, \"Encode mode\").\n";
  std::string error;
  if (!write_file(o.markdown_file, md.str(), &error)) throw usage_error(error);
  std::cerr << "Markdown encoders table: " << o.markdown_file << '\n';
  return exit_passed;
}

int encode_command(const encode_command_options& o) {
  selected_encoder_cases selection;
  load_encoder_selection(o, selection);
  if (!o.markdown_file.empty()) return matrix_command(o, selection);
  if (o.impls.size() > 1)
    throw usage_error("--impl is given more than once: use --markdown FILE for a table of several encoders");
  return gate_command(o, selection);
}

}  // namespace

void add_encode_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] = new_command<encode_command_options>(
      app, "encode", "Run the encoder cases against a writer and decide the gate (or write the encoders table)",
      "Writers (--impl):" + builtin_writers_help() +
          R"(
  anything else: an encode-mode adapter command, run with /bin/sh -c (runner/ADAPTERS.md, "Encode mode")

)" + gate_exit_codes("bad cases, or an adapter") +
          " With --markdown, 0 means the table was written.");
  cmd->add_option("--impl", o->impls, "The writer: a built-in name or an adapter command (repeatable with --markdown)")
      ->type_name("NAME|COMMAND");
  add_corpus_options(*cmd, o->corpus_paths, o->filters, "the bundled fixtures/encoder/");
  add_positive_option(*cmd, "--timeout", o->execution.timeout_ms,
                      "Adapters: the longest wait for any one answer, in ms");
  add_positive_option(*cmd, "--max-line-bytes", o->execution.max_line_bytes,
                      "Longest protocol line accepted from an adapter");
  add_report_options(*cmd, o->reports);
  cmd->add_option("--markdown", o->markdown_file,
                  "Run every --impl (default: every built-in writer) and write the encoders table here")
      ->type_name("FILE");
  cmd->callback([o, &exit_code] {
    o->execution.case_timeout_ms = o->execution.timeout_ms;
    exit_code = encode_command(*o);
  });
}

}  // namespace sse::runner
