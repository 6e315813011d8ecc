// sse-conformance bench: the throughput of every implementation on the same streams, side by side.
// The reference parser is measured in process; an adapter that says `"bench": true` in its hello
// parses each stream in its own process, in a loop, through its library's own way of being fed
// bytes, and answers what it fed, how many events it saw and the CPU time it took (runner/ADAPTERS.md,
// "Bench mode"). Every event count is checked against the reference's on the same bytes. Writes a
// summary to stdout and, on request, JSON, a markdown table (runner/SPEED.md) and an SVG chart.
#include "adapter_answer.hpp"
#include "bench_streams.hpp"
#include "cmd_bench.hpp"
#include "commands.hpp"
#include "report.hpp"
#include "text_util.hpp"

#include <sse/parser.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

namespace sse::runner {
namespace {

using json = nlohmann::json;

struct workload {
  std::string name;
  std::string what;
  std::string stream;
  std::size_t chunk_bytes = 0;
  std::size_t events = 0;  ///< What the reference sees in one pass.
  /// Whether passes are run before measuring: not for the 16 MiB line, whose one pass is about how
  /// time grows with the input, not about peak speed.
  bool warm_up = true;
};

/// The events the reference parser dispatches on `stream` (the count every answer is checked against).
struct event_counter final : parser_handler {
  std::size_t events = 0;
  void on_event(const event_view&) override { ++events; }
};

std::size_t reference_events(const std::string& stream) {
  event_counter counter;
  parser p(counter);
  p.feed(stream);
  p.finish();
  return counter.events;
}

/// The workloads of issue 12, `scale` times their full size (the tests run them tiny).
std::vector<workload> make_workloads(double scale) {
  const auto sized = [scale](std::size_t bytes) {
    return std::max<std::size_t>(64, static_cast<std::size_t>(static_cast<double>(bytes) * scale));
  };
  const std::string llm = bench::llm_stream(sized(4u << 20));
  std::vector<workload> out = {
      {"llm-64KiB", "LLM-token stream (~120-byte JSON events with an id), 64 KiB chunks", llm, 64u << 10},
      {"llm-1KiB", "the same stream, 1 KiB chunks", llm, 1u << 10},
      {"llm-16B", "the same stream, 16-byte chunks", llm, 16},
      {"lines-1MiB", "16 events of one 1 MiB data line, 64 KiB chunks", bench::big_lines(sized(1u << 20), 16),
       64u << 10},
      {"line-16MiB-1B", "one 16 MiB data line fed one byte per chunk", bench::big_lines(sized(16u << 20), 1), 1, 0,
       false},
  };
  for (auto& w : out) w.events = reference_events(w.stream);
  return out;
}

/// A bench answer, from an adapter or from the in-process reference.
struct measurement {
  std::size_t bytes = 0;       ///< Bytes fed in the complete measured passes (or in all, when none completed).
  std::size_t events = 0;      ///< Events seen in the complete passes, warm-up included.
  std::size_t iterations = 0;  ///< Complete passes, warm-up included.
  std::size_t warmup_passes = 0;
  bool complete = true;  ///< false: the time cap stopped the run before a measured pass completed.
  double cpu_ms = 0;     ///< CPU time of what `bytes` counts.
  double elapsed_ms = 0;
  std::vector<std::pair<double, double>> progress;  ///< [bytes, cpu ms] at each doubling, first pass.
};

struct bench_limits {
  double warmup_ms = 300;  ///< CPU time of the passes run before measuring (a JIT compiles meanwhile).
  double min_ms = 500;     ///< CPU time of the measured passes.
  double max_ms = 10000;   ///< Wall-clock time after which a pass is stopped mid-stream.
};

double thread_cpu_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

/// The reference, in process: the same loop an adapter runs (ADAPTERS.md, "Bench mode").
measurement bench_reference(const workload& w, bench_limits limits) {
  if (!w.warm_up) limits.warmup_ms = 0;
  measurement m;
  event_counter counter;
  parser p(counter);
  const auto wall_start = clock_type::now();
  const double cpu_start = thread_cpu_ms();
  const auto wall_ms = [&] { return seconds_since(wall_start) * 1e3; };
  const std::string_view stream(w.stream);
  std::size_t fed = 0;
  std::size_t measured_from_bytes = 0;
  double measured_from_cpu = cpu_start;
  bool measured = false;
  bool capped = false;
  while (!capped) {
    p.reset({});
    const std::size_t events_before = counter.events;
    std::size_t next_mark = m.iterations == 0 ? 1024 : 0;
    std::size_t chunks = 0;
    for (std::size_t offset = 0; offset < stream.size() && !capped; offset += w.chunk_bytes) {
      const auto chunk = stream.substr(offset, w.chunk_bytes);
      p.feed(chunk);
      fed += chunk.size();
      if (next_mark != 0 && offset + chunk.size() >= next_mark) {
        m.progress.emplace_back(static_cast<double>(offset + chunk.size()), thread_cpu_ms() - cpu_start);
        next_mark *= 2;
      }
      capped = ++chunks % 64 == 0 && wall_ms() > limits.max_ms;
    }
    if (capped) break;
    p.finish();
    m.events += counter.events - events_before;
    ++m.iterations;
    const double now = thread_cpu_ms();
    if (!measured && now - cpu_start < limits.warmup_ms) {
      m.warmup_passes = m.iterations;
      measured_from_bytes = fed;
      measured_from_cpu = now;
      continue;
    }
    measured = true;
    m.bytes = fed - measured_from_bytes;
    m.cpu_ms = now - measured_from_cpu;
    if (m.cpu_ms >= limits.min_ms || wall_ms() > limits.max_ms) break;
  }
  m.complete = measured;
  if (!measured) {
    m.bytes = fed;
    m.cpu_ms = thread_cpu_ms() - cpu_start;
  }
  m.elapsed_ms = wall_ms();
  return m;
}

/// Reads a number key of a bench answer; rejects the line when it is missing or not a number.
double number_of(adapter_implementation& adapter, const json& answer, const char* key, const std::string& line) {
  const json v = answer.value(key, json());
  if (!v.is_number() || v.get<double>() < 0)
    adapter.reject(std::string("key '") + key + "': expected a non-negative number", line);
  return v.get<double>();
}

measurement bench_adapter(adapter_implementation& adapter, const workload& w, const bench_limits& limits) {
  const json request = {{"type", "bench"},
                        {"data", base64_encode(w.stream)},
                        {"chunk_bytes", w.chunk_bytes},
                        {"warmup_ms", w.warm_up ? limits.warmup_ms : 0.0},
                        {"min_ms", limits.min_ms},
                        {"max_ms", limits.max_ms}};
  const std::string line = adapter.request(request.dump(), "the bench result");
  const json answer = json::parse(line, nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || answer.value("type", json()) != "bench_result")
    adapter.reject(R"(expected {"type":"bench_result",...})", line);
  measurement m;
  m.bytes = static_cast<std::size_t>(number_of(adapter, answer, "bytes", line));
  m.events = static_cast<std::size_t>(number_of(adapter, answer, "events", line));
  m.iterations = static_cast<std::size_t>(number_of(adapter, answer, "iterations", line));
  m.warmup_passes = static_cast<std::size_t>(answer.value("warmup_passes", 0));
  m.cpu_ms = number_of(adapter, answer, "cpu_ms", line);
  m.elapsed_ms = number_of(adapter, answer, "elapsed_ms", line);
  const json complete = answer.value("complete", json());
  if (!complete.is_boolean()) adapter.reject("key 'complete': expected true or false", line);
  m.complete = complete.get<bool>();
  for (const auto& mark : answer.value("progress", json::array())) {
    if (!mark.is_array() || mark.size() != 2 || !mark[0].is_number() || !mark[1].is_number())
      adapter.reject("key 'progress': expected [[bytes, cpu_ms], ...]", line);
    m.progress.emplace_back(mark[0].get<double>(), mark[1].get<double>());
  }
  return m;
}

/// How the time of the first pass grows with the bytes fed: p in time ~ bytes^p, from the last two
/// doublings that took long enough to measure (each >= 20 ms of CPU). Marks below 64 KiB are not
/// used: a Node adapter's fed session lets an asynchronous library catch up only every 64 KiB, so
/// before that the marks time the pushes, not the parsing. nullopt when no doubling qualifies.
constexpr double first_usable_mark = 64 * 1024;

std::optional<double> growth_exponent(std::vector<std::pair<double, double>> progress) {
  constexpr double measurable_ms = 20;
  std::erase_if(progress, [](const auto& mark) { return mark.first < first_usable_mark; });
  for (std::size_t i = progress.size(); i >= 3; --i) {
    const double later = progress[i - 1].second - progress[i - 2].second;
    const double earlier = progress[i - 2].second - progress[i - 3].second;
    if (earlier >= measurable_ms && later > 0) {
      const double bytes_ratio =
          (progress[i - 1].first - progress[i - 2].first) / (progress[i - 2].first - progress[i - 3].first);
      return std::log(later / earlier) / std::log(bytes_ratio);
    }
  }
  return std::nullopt;
}

/// Time growing faster than bytes^1.5 is reported as quadratic (a linear parser measures ~1).
constexpr double quadratic_exponent = 1.5;

enum class result_status { ok, capped, miscounted, unsupported, fault };

const char* to_string(result_status s) {
  static constexpr std::array<const char*, 5> names = {"ok", "capped", "miscounted", "unsupported", "fault"};
  return names.at(static_cast<std::size_t>(s));
}

struct result {
  result_status status = result_status::ok;
  measurement m;
  std::string note;
  std::optional<double> exponent;
  [[nodiscard]] bool measured() const { return status != result_status::unsupported && status != result_status::fault; }
  /// 10^6 input bytes per second of CPU time.
  [[nodiscard]] double mb_per_s() const { return m.cpu_ms > 0 ? static_cast<double>(m.bytes) / m.cpu_ms / 1e3 : 0; }
};

/// Judges a measurement: the event count against the reference's, and the time cap.
result judge(const workload& w, measurement m) {
  result r;
  r.exponent = growth_exponent(m.progress);
  r.m = std::move(m);
  const std::size_t expected = w.events * r.m.iterations;
  if (r.m.events != expected) {
    r.status = result_status::miscounted;
    r.note = std::to_string(r.m.events) + " events in " + std::to_string(r.m.iterations) + " passes, the reference " +
             std::to_string(expected);
  } else if (!r.m.complete) {
    r.status = result_status::capped;
    r.note = "stopped by the time cap after " + std::to_string(r.m.bytes) + " bytes, before a measured pass ended";
  }
  if (r.exponent && *r.exponent >= quadratic_exponent) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << *r.exponent;
    r.note += std::string(r.note.empty() ? "" : "; ") + "quadratic: time grows as bytes^" + s.str();
  }
  return r;
}

struct row {
  std::string spec;
  implementation_info info;
  std::string error;  ///< The implementation could not be started (no results then).
  std::vector<result> results;
};

struct bench_options {
  std::vector<std::string> impls;
  std::vector<std::string> workload_names;
  double scale = 1.0;
  bench_limits limits;
  unsigned timeout_ms = 20000;
  std::string json_file;
  std::string markdown_file;
  std::string svg_file;
};

result fault_result(result_status status, std::string note) {
  result r;
  r.status = status;
  r.note = std::move(note);
  return r;
}

/// One implementation over every workload: an adapter gets a fresh process per workload (a capped
/// pass leaves its library mid-stream).
row bench_implementation(const std::string& spec, const std::vector<workload>& workloads, const bench_options& o) {
  row out;
  out.spec = spec;
  if (spec == "reference") {
    out.info = reference_info();
    out.info.name = "reference (native)";
    for (const auto& w : workloads) out.results.push_back(judge(w, bench_reference(w, o.limits)));
    return out;
  }
  execution_options execution;
  execution.timeout_ms = static_cast<unsigned>(o.limits.max_ms) + o.timeout_ms;
  execution.case_timeout_ms = execution.timeout_ms;
  try {
    const auto opened = open_implementation(spec, execution);
    out.info = opened.info;
    for (const auto& w : workloads) {
      auto made = opened.make();
      auto* adapter = dynamic_cast<adapter_implementation*>(made.get());
      if (adapter == nullptr ||
          json::parse(adapter->hello_line(), nullptr, false).value("bench", json(false)) != true) {
        out.results.push_back(fault_result(result_status::unsupported, "the adapter does not answer bench requests"));
        continue;
      }
      try {
        out.results.push_back(judge(w, bench_adapter(*adapter, w, o.limits)));
      } catch (const adapter_fault& f) {
        out.results.push_back(fault_result(
            result_status::fault, std::string(conformance::to_string(f.kind)) + ": " + f.what() +
                                      (f.offending_line.empty() ? "" : ": " + shorten_line(f.offending_line))));
      }
      std::cerr << "  " << spec << " " << w.name << ": " << to_string(out.results.back().status) << "\n";
    }
  } catch (const adapter_fault& f) {
    out.error = f.what();
  }
  return out;
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

/// MB/s with three significant digits at most ("1270", "45.2", "0.31").
std::string mb(double v) { return fixed(v, v >= 100 ? 0 : v >= 10 ? 1 : 2); }

/// The reference's figure for workload i (the ratios' denominator), when it was measured.
std::optional<double> reference_rate(const std::vector<row>& rows, std::size_t i) {
  for (const auto& r : rows)
    if (r.spec == "reference" && i < r.results.size() && r.results[i].measured()) return r.results[i].mb_per_s();
  return std::nullopt;
}

std::string cell_text(const result& r, std::optional<double> reference) {
  // A figure for a parse that saw other events than the reference is not a comparable figure.
  if (!r.measured() || r.status == result_status::miscounted) return std::string(to_string(r.status)) + ": " + r.note;
  std::string text = mb(r.mb_per_s()) + " MB/s";
  if (reference && *reference > 0)
    text += " (" + fixed(r.mb_per_s() / *reference, r.mb_per_s() / *reference >= 0.1 ? 2 : 3) + "×)";
  if (!r.note.empty()) text += "; " + r.note;
  return text;
}

json to_json(const std::vector<workload>& workloads, const std::vector<row>& rows, const bench_options& o) {
  json doc = {{"warmup_ms", o.limits.warmup_ms},
              {"min_time_ms", o.limits.min_ms},
              {"max_time_ms", o.limits.max_ms},
              {"scale", o.scale}};
  doc["workloads"] = json::array();
  for (const auto& w : workloads)
    doc["workloads"].push_back({{"name", w.name},
                                {"what", w.what},
                                {"bytes", w.stream.size()},
                                {"chunk_bytes", w.chunk_bytes},
                                {"events", w.events}});
  doc["implementations"] = json::array();
  for (const auto& r : rows) {
    json j = {{"impl", r.spec}, {"name", r.info.name}, {"version", r.info.version}};
    if (!r.error.empty()) j["error"] = r.error;
    j["results"] = json::array();
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      const auto& res = r.results[i];
      json x = {{"workload", workloads[i].name}, {"status", to_string(res.status)}, {"note", res.note}};
      if (res.measured()) {
        x["mb_per_s"] = res.mb_per_s();
        if (const auto ref = reference_rate(rows, i); ref && *ref > 0) x["ratio_to_reference"] = res.mb_per_s() / *ref;
        x["bytes"] = res.m.bytes;
        x["events"] = res.m.events;
        x["expected_events"] = workloads[i].events * res.m.iterations;
        x["iterations"] = res.m.iterations;
        x["warmup_passes"] = res.m.warmup_passes;
        x["complete"] = res.m.complete;
        x["cpu_ms"] = res.m.cpu_ms;
        x["elapsed_ms"] = res.m.elapsed_ms;
        x["growth_exponent"] = res.exponent ? json(*res.exponent) : json();
      }
      j["results"].push_back(std::move(x));
    }
    doc["implementations"].push_back(std::move(j));
  }
  return doc;
}

/// The machine's load averages (/proc/loadavg's first three fields), or "unknown".
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  std::string five;
  std::string fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

struct run_conditions {
  std::string load_before;
  std::string load_after;
  unsigned cores = 0;
};

std::string markdown(const std::vector<workload>& workloads, const std::vector<row>& rows, const bench_options& o,
                     const run_conditions& conditions) {
  std::ostringstream md;
  md << "# Speed: every implementation on the same streams\n\n"
     << "Written by `sse-conformance bench --markdown` (one run; " << conditions.cores
     << " hardware threads; load average " << conditions.load_before << " when it started, " << conditions.load_after
     << " when it ended). Absolute figures move with the machine's load; the ratios to the reference come from "
        "the same run. Every event count was checked against the reference's on the same bytes.\n\n";
  md << "| implementation |";
  for (const auto& w : workloads) md << " " << w.name << " |";
  md << "\n| --- |";
  for (std::size_t i = 0; i < workloads.size(); ++i) md << " ---: |";
  md << '\n';
  for (const auto& r : rows) {
    md << "| " << r.info.name << (r.info.version.empty() ? "" : " " + r.info.version) << " |";
    if (!r.error.empty()) md << " did not start: " << r.error << " |";
    for (std::size_t i = 0; i < r.results.size(); ++i)
      md << " " << cell_text(r.results[i], reference_rate(rows, i)) << " |";
    md << '\n';
  }
  md << "\nWorkloads (MB/s: 10^6 input bytes per second of the parsing process's CPU time; × the in-process "
        "native reference's figure in the same run):\n\n";
  for (const auto& w : workloads)
    md << "- `" << w.name << "`: " << w.what << " (" << w.stream.size() << " bytes, " << w.events
       << " events a pass)\n";
  md << "\nEach implementation parsed each stream in a loop, a fresh stream each pass: warm-up passes for "
     << o.limits.warmup_ms << " ms of CPU time (none for the 16 MiB line), then measured passes for at least "
     << o.limits.min_ms << " ms of CPU time, with a cap of " << o.limits.max_ms
     << " ms of wall-clock time (a capped figure is over the bytes fed by then). "
     << "*quadratic*: in the first pass, the CPU time of the last measurable doubling of the input grew faster than "
        "bytes^"
     << quadratic_exponent
     << ".\n\nRegenerate (after `npm ci --prefix runner/adapters` and building the WASM "
        "package and the Go adapters): `build/release/runner/sse-conformance bench --markdown runner/SPEED.md --svg "
        "runner/speed.svg --json speed.json`.\n";
  return md.str();
}

/// A horizontal bar per implementation and workload, on a logarithmic MB/s axis.
std::string chart_svg(const std::vector<workload>& workloads, const std::vector<row>& rows) {
  static const char* const colours[] = {"#1f77b4", "#6baed6", "#c6dbef", "#ff7f0e", "#2ca02c", "#9467bd"};
  constexpr int label_w = 260;
  constexpr int plot_w = 520;
  constexpr int bar_h = 7;
  constexpr int gap = 8;
  constexpr int legend_h = 24;
  double lo = 1e9;
  double hi = 0;
  for (const auto& r : rows)
    for (const auto& res : r.results)
      if (res.measured() && res.mb_per_s() > 0) {
        lo = std::min(lo, res.mb_per_s());
        hi = std::max(hi, res.mb_per_s());
      }
  if (hi <= 0) lo = hi = 1;
  const double decade_lo = std::floor(std::log10(lo));
  const double decade_hi = std::max(decade_lo + 1, std::ceil(std::log10(hi)));
  const auto x_of = [&](double v) {
    return label_w + static_cast<int>((std::log10(v) - decade_lo) / (decade_hi - decade_lo) * plot_w);
  };
  const int group_h = static_cast<int>(workloads.size()) * bar_h + gap;
  const int height = legend_h + static_cast<int>(rows.size()) * group_h + 40;
  const int width = label_w + plot_w + 40;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << ' ' << height
      << "\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  for (std::size_t i = 0; i < workloads.size(); ++i) {
    const int x = 6 + static_cast<int>(i) * 150;
    svg << "<rect x=\"" << x << "\" y=\"6\" width=\"10\" height=\"10\" fill=\"" << colours[i % 6] << "\"/><text x=\""
        << x + 14 << "\" y=\"15\">" << xml_escape(workloads[i].name) << "</text>\n";
  }
  const int plot_bottom = legend_h + static_cast<int>(rows.size()) * group_h;
  for (double d = decade_lo; d <= decade_hi; ++d) {
    const int x = x_of(std::pow(10.0, d));
    svg << "<line x1=\"" << x << "\" y1=\"" << legend_h << "\" x2=\"" << x << "\" y2=\"" << plot_bottom
        << "\" stroke=\"#dddddd\"/><text x=\"" << x << "\" y=\"" << plot_bottom + 14 << "\" text-anchor=\"middle\">"
        << fixed(std::pow(10.0, d), d < 0 ? static_cast<int>(-d) : 0) << "</text>\n";
  }
  svg << "<text x=\"" << label_w + plot_w / 2 << "\" y=\"" << plot_bottom + 30
      << "\" text-anchor=\"middle\" fill=\"#444444\">MB/s of CPU time (log scale); hatched: stopped by the time cap or "
         "miscounted</text>\n";
  int y = legend_h;
  for (const auto& r : rows) {
    svg << "<text x=\"" << label_w - 6 << "\" y=\"" << y + group_h / 2 << "\" text-anchor=\"end\">"
        << xml_escape(r.info.name.empty() ? r.spec : r.info.name) << "</text>\n";
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      const auto& res = r.results[i];
      const int bar_y = y + static_cast<int>(i) * bar_h;
      if (!res.measured() || res.mb_per_s() <= 0) continue;
      const bool doubtful = res.status != result_status::ok;
      svg << "<g><title>"
          << xml_escape(r.info.name + " — " + workloads[i].name + ": " + cell_text(res, reference_rate(rows, i)))
          << "</title><rect x=\"" << label_w << "\" y=\"" << bar_y << "\" width=\""
          << std::max(1, x_of(std::max(res.mb_per_s(), std::pow(10.0, decade_lo))) - label_w) << "\" height=\""
          << bar_h - 1 << "\" fill=\"" << colours[i % 6] << "\""
          << (doubtful ? " fill-opacity=\"0.4\" stroke=\"#d62728\"" : "") << "/></g>\n";
    }
    y += group_h;
  }
  svg << "</svg>\n";
  return svg.str();
}

int bench_command(const bench_options& o) {
  std::vector<workload> workloads;
  for (auto& w : make_workloads(o.scale))
    if (o.workload_names.empty() ||
        std::find(o.workload_names.begin(), o.workload_names.end(), w.name) != o.workload_names.end())
      workloads.push_back(std::move(w));
  if (workloads.empty())
    throw usage_error("--workload names none of llm-64KiB, llm-1KiB, llm-16B, lines-1MiB, line-16MiB-1B");
  std::vector<std::string> specs = o.impls;
  if (specs.empty()) {
    specs = {"reference"};
    for (const auto& name : bundled_adapter_names()) specs.push_back(name);
  }
  run_conditions conditions{load_average(), {}, std::thread::hardware_concurrency()};
  std::vector<row> rows;
  for (const auto& spec : specs) {
    std::cerr << "bench: " << spec << "\n";
    rows.push_back(bench_implementation(spec, workloads, o));
  }
  conditions.load_after = load_average();
  bool all_counted = true;
  for (const auto& r : rows) {
    std::cout << (r.info.name.empty() ? r.spec : r.info.name) << (r.info.version.empty() ? "" : " " + r.info.version)
              << '\n';
    if (!r.error.empty()) {
      std::cout << "  did not start: " << r.error << '\n';
      all_counted = false;
    }
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      std::cout << "  " << std::left << std::setw(14) << workloads[i].name
                << cell_text(r.results[i], reference_rate(rows, i)) << '\n';
      if (r.results[i].status == result_status::miscounted || r.results[i].status == result_status::fault)
        all_counted = false;
    }
  }
  std::string error;
  if (!o.json_file.empty() && !write_file(o.json_file, to_json(workloads, rows, o).dump(2) + "\n", &error))
    throw usage_error(error);
  if (!o.markdown_file.empty() && !write_file(o.markdown_file, markdown(workloads, rows, o, conditions), &error))
    throw usage_error(error);
  if (!o.svg_file.empty() && !write_file(o.svg_file, chart_svg(workloads, rows), &error)) throw usage_error(error);
  return all_counted ? exit_passed : exit_gate_failed;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] = new_command<bench_options>(
      app, "bench", "Measure the throughput of implementations on the same streams, and check their event counts");
  cmd->footer("Implementations (--impl, repeatable; default: reference and every bundled adapter):" +
              builtin_implementations_help() +
              "\n  anything else: an adapter command whose hello says \"bench\": true (runner/ADAPTERS.md, "
              "\"Bench mode\")\n\nExit codes: 0 every event count matched the reference's; 1 a count differed, or "
              "an adapter failed; 2 bad usage.");
  cmd->add_option("--impl", o->impls, "An implementation to measure (repeatable)")->type_name("NAME|COMMAND");
  cmd->add_option("--workload", o->workload_names,
                  "Only these workloads (repeatable): llm-64KiB, llm-1KiB, llm-16B, lines-1MiB, line-16MiB-1B")
      ->type_name("NAME");
  // The numbers that shape a run: shown with their defaults, positive (the warm-up may be 0).
  const auto number = [&cmd](const std::string& name, auto& value, const std::string& help) {
    return cmd->add_option(name, value, help)->capture_default_str();
  };
  number("--scale", o->scale, "Stream sizes times this (the tests use tiny ones)")->check(CLI::PositiveNumber);
  number("--warmup-ms", o->limits.warmup_ms, "CPU time of the passes run before measuring each stream")
      ->check(CLI::NonNegativeNumber);
  number("--min-time-ms", o->limits.min_ms, "CPU time the measured passes of each stream take at least")
      ->check(CLI::PositiveNumber);
  number("--max-time-ms", o->limits.max_ms, "Wall-clock time after which a stream is stopped mid-way")
      ->check(CLI::PositiveNumber);
  number("--timeout", o->timeout_ms, "Adapters: how much longer than --max-time-ms an answer may take, in ms")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--json", o->json_file, "Write the figures as JSON")->type_name("FILE");
  cmd->add_option("--markdown", o->markdown_file, "Write the table as markdown (runner/SPEED.md)")->type_name("FILE");
  cmd->add_option("--svg", o->svg_file, "Write a bar chart of the figures")->type_name("FILE");
  cmd->callback([o, &exit_code] { exit_code = bench_command(*o); });
}

}  // namespace sse::runner
