// fixture_loader.cpp: reads fixture files (fixtures/README.md is the contract) and checks everything,
// so that a fixture mistake is reported once, clearly, and never turns into a confusing test failure.
// Every diagnostic names the file, the case (id, or #index) and the key path, and says what was
// expected and what was found. Nothing here throws for bad input.
#include "corpus_file.hpp"
#include "json_model.hpp"
#include "json_read.hpp"
#include <sse/utf8.hpp>

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/json_limits.hpp>

#include <algorithm>
#include <cstdlib>

namespace sse::conformance {
namespace {

using namespace detail;  // the loader vocabulary (json_read.hpp, corpus_file.hpp)

/// What this corpus's files and elements are called, and the keys an element adds.
const detail::corpus_kind fixture_files{
    "fixture file", "cases", "case", "", "line-endings", {"input", "chunks", "initial_last_event_id", "expected"}};

// ---------------------------------------------------------------------------------------------
// The case reader (pass 2, on the DOM): the fixture model.

bool no_line_breaks_or_nul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

/// The body: `input` or `chunks` (pinned boundaries), and the last event ID string it starts from.
void read_body(const json& v, test_case& c, problem_list& problems) {
  const auto input = v.find("input");
  const auto chunks = v.find("chunks");
  if (input != v.end() && chunks != v.end()) {
    problems.push_back({"chunks", "a case has either \"input\" or \"chunks\", not both"});
  } else if (input != v.end()) {
    if (auto b = read_byte_string(*input, "input", problems)) c.bytes = std::move(*b);
  } else if (chunks != v.end()) {
    if (!chunks->is_array() || chunks->empty()) {
      problems.push_back({"chunks", "expected a non-empty array of byte strings, found " + describe(*chunks)});
    } else {
      c.has_pinned_chunks = true;
      for (std::size_t i = 0; i < chunks->size(); ++i) {
        if (i > 0) c.pinned_splits.push_back(c.bytes.size());
        if (auto b = read_byte_string((*chunks)[i], index_path("chunks", i), problems)) c.bytes += *b;
      }
    }
  } else {
    problems.push_back({"input",
                        "missing key: a case has \"input\" (the whole body) or \"chunks\" (the body with "
                        "pinned chunk boundaries)"});
  }
  if (const auto i = v.find("initial_last_event_id"); i != v.end()) {
    if (auto s = read_string(*i, "initial_last_event_id", problems)) {
      if (!no_line_breaks_or_nul(*s)) {
        problems.push_back(
            {"initial_last_event_id", "a last event ID string never holds CR, LF or NUL, found " + describe(*i)});
      } else {
        c.initial_last_event_id = *s;
      }
    }
  }
}

/// Completes a case from its common keys: the body and the expected log.
test_case read_case(const json& v, test_case c, problem_list& problems) {
  read_body(v, c, problems);
  if (const json* e =
          require(v, "expected", "", "the complete observation log, ending with an end observation", problems)) {
    if (auto log = detail::read_observation_log(*e, "expected", detail::strictness::corpus, problems)) {
      c.expected = std::move(*log);
    }
  }
  return c;
}

load_result load_corpus_from(const detail::corpus_source& source) {
  load_result r;
  detail::load_elements<test_case>(
      fixture_files, read_case, [](const test_case& c) -> const std::string& { return c.id; }, source, r.loaded.cases,
      r.loaded.files, r.diagnostics);
  return r;
}

}  // namespace

std::string_view to_string(case_class c) noexcept { return c == case_class::spec ? "spec" : "implementation-defined"; }

std::string diagnostic::to_string() const {
  std::string out = file;
  if (!case_id.empty()) out += ": case '" + case_id + "'";
  if (!key.empty()) out += ": key '" + key + "'";
  out += ": " + message;
  return out;
}

load_result load_corpus(const std::vector<std::filesystem::path>& paths) { return load_corpus_from({paths, {}}); }

load_result load_corpus_text(std::string_view json_text, const std::string& file) {
  return load_corpus_from({{}, std::pair{json_text, file}});
}

std::filesystem::path bundled_fixtures_dir() {
  // An installed runner points here at its share/sse-conformance/fixtures (runner/src/main.cpp).
  if (const char* dir = std::getenv("SSE_CONFORMANCE_CORPUS_DIR"); dir != nullptr && *dir != '\0')
    return std::filesystem::path(dir);
  return std::filesystem::path(SSE_CONFORMANCE_FIXTURES_DIR);
}

}  // namespace sse::conformance
