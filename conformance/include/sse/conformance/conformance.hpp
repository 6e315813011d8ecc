// sse/conformance/conformance.hpp: what "conforming" means, as code.
//
// The project's one flow: a corpus case (exact bytes, expected observation log; fixtures/README.md) is
// cut by a chunking plan, fed to an implementation under test, and the observed log is compared with
// the expected one into a case_result. This header is the contract used by the GoogleTest suites,
// the runner CLI (which turns case_results into run records: runner/src/gate.hpp) and the WebAssembly
// build alike, so a verdict never depends on where it was computed. Observations as nlohmann::json
// values: observation_json.hpp.
#pragma once

#include <sse/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse::conformance {

// ---------------------------------------------------------------------------------------------
// Fixture model (fixtures/README.md documents every key)

enum class case_class : std::uint8_t { spec, implementation_defined };
[[nodiscard]] std::string_view to_string(case_class c) noexcept;  // "spec" / "implementation-defined"

struct test_case {
  std::string id;
  std::string description;
  std::string file;  ///< The fixture file it came from, as given to the loader.
  std::string area;  ///< The file's `area`.
  std::vector<std::string> rules;
  std::vector<std::string> tags;
  std::vector<std::string> evidence;
  case_class klass = case_class::spec;
  std::string gap;     ///< Set for implementation-defined cases.
  std::string guards;  ///< The bug class it guards against (may be empty).
  std::string bytes;   ///< The whole response body (exact bytes).
  /// Chunk boundaries pinned by the case (`chunks` key): the offset where each chunk after the first
  /// starts, so non-decreasing and in [0, bytes.size()]; equal offsets (or 0, or bytes.size()) pin an
  /// empty chunk, which the format allows (R5: an empty first chunk must not use up the BOM). Empty
  /// when the case gave `input`.
  std::vector<std::size_t> pinned_splits;
  bool has_pinned_chunks = false;
  std::string initial_last_event_id;
  observation_log expected;
};

/// One problem found while loading: names the file, the case (id, or "#index" when the id itself is
/// bad) and the key path (for example `expected[2].kind`), and says what was expected.
struct diagnostic {
  std::string file;
  std::string case_id;  ///< Empty for file-level problems.
  std::string key;      ///< JSON path inside the case or file, e.g. "input[1].hex".
  std::string message;
  [[nodiscard]] std::string to_string() const;  ///< "file: case 'id': key 'k': message"
};

struct corpus {
  std::vector<test_case> cases;
  std::vector<std::string> files;  ///< Files that were read, in load order.
};

struct load_result {
  corpus loaded;                        ///< The valid cases (cases with errors are left out).
  std::vector<diagnostic> diagnostics;  ///< Every problem found; empty means the corpus is valid.
  [[nodiscard]] bool ok() const noexcept { return diagnostics.empty(); }
};

/// Loads fixture files. Each path is a JSON file or a folder (its *.json files except schema.json,
/// sorted by name, not recursive). Never throws for bad input: every problem is a diagnostic.
/// Checks: JSON syntax, format_version, required and unknown keys, types, id syntax and uniqueness
/// across all files, known rule ids (R1..R72) and gap ids, byte strings (hex, lone surrogates),
/// pinned chunks, observation shapes, and that `expected` ends with exactly one `end`.
[[nodiscard]] load_result load_corpus(const std::vector<std::filesystem::path>& paths);
/// Same, from an in-memory document (`file` is used in diagnostics only).
[[nodiscard]] load_result load_corpus_text(std::string_view json_text, const std::string& file);

/// The folder of the bundled corpus: $SSE_CONFORMANCE_CORPUS_DIR when set (an installed runner sets
/// it to its own share/sse-conformance/fixtures), else as configured at build time.
[[nodiscard]] std::filesystem::path bundled_fixtures_dir();

// ---------------------------------------------------------------------------------------------
// Observations as JSON (the fixture format) and as text

/// {"kind":"event","type":...,"data":...,"last_event_id":...} etc., as in fixtures/README.md.
[[nodiscard]] std::string observation_to_json(const observation& o);
/// A JSON array, one observation per element (compact).
[[nodiscard]] std::string log_to_json(const observation_log& log);
/// Parses a JSON array of observations (for adapters and the wasm/browser side).
/// Returns nullopt and sets `error` when the text is not a valid log.
[[nodiscard]] std::optional<observation_log> log_from_json(std::string_view json_text, std::string* error);

/// Escapes bytes for people, the project's one escaper (the page's escape.js is held to it by a test):
/// printable ASCII as is; \r \n \t \0 \\ \" as such; other C0 controls and DEL as \xHH; each byte
/// that is not part of a well-formed UTF-8 sequence as \xHH; invisible, blank-looking or non-printing
/// code points (C1 controls, U+FEFF, U+FFFD, U+2028, spaces, private use, noncharacters...) as
/// \uHHHH, or \UHHHHHHHH above U+FFFF; other valid UTF-8 as is.
[[nodiscard]] std::string escape_bytes(std::string_view bytes);
/// One line per observation: `event type="message" data="a\nb" last_event_id=""`, `retry ms=3000`,
/// `last_event_id value="x"`, `comment text=" hi"`, `end last_event_id="x"`.
[[nodiscard]] std::string format_observation(const observation& o);

// ---------------------------------------------------------------------------------------------
// Capabilities: which observation kinds an implementation can report

struct capabilities {
  bool events = true;                  ///< event observations (type, data, last_event_id)
  bool last_event_id_commits = false;  ///< last_event_id observations (id-only blocks)
  bool retry = false;                  ///< retry observations
  bool comments = false;               ///< comment observations
  bool end = true;                     ///< end observation (last event ID at end of stream)
  /// Events carry the last event ID. Without it, events are compared on type and data only (an
  /// adapter sends them without `last_event_id`).
  bool event_ids = true;
  /// The implementation can start a stream from a last event ID (a case's `initial_last_event_id`).
  /// Without it, what depends on that start (events' last event IDs, commits, `end`) is not checked
  /// on cases that set one; everything else is.
  bool initial_last_event_id = true;
  /// The implementation reports only at end of body (a whole-body decoder): the final log is judged
  /// on its own, and lateness is not judged per chunk (the run reports it once, separately).
  bool final_log = false;
  static capabilities all() {
    capabilities c;
    c.last_event_id_commits = c.retry = c.comments = true;
    return c;
  }
  /// True when an implementation with these capabilities reports observations of kind `k`.
  [[nodiscard]] bool observes(observation_kind k) const noexcept;
};
/// A capability as a key of the adapter's hello and of JSON reports, with its member and the value a
/// missing key means (false for what is reported, true for `event_ids` and `initial_last_event_id`).
struct capability_key {
  std::string_view name;
  bool capabilities::*member;
  bool if_missing;
};
/// Every key, in the order the protocol documents them.
[[nodiscard]] const std::vector<capability_key>& capability_keys();
/// The capabilities that apply to case `c`: without `initial_last_event_id`, a case that starts from a
/// last event ID is checked without event ids, commits and `end`.
[[nodiscard]] capabilities capabilities_for(const test_case& c, const capabilities& caps);
/// The log restricted to the kinds `caps` can observe (events without their last event ID when
/// `caps.event_ids` is false).
[[nodiscard]] observation_log project(const observation_log& log, const capabilities& caps);
/// The capabilities in words: "events, retry, end" ("none" when empty), then the limits
/// ("events without ids", "cannot start from a last event ID", "final log only").
[[nodiscard]] std::string describe(const capabilities& caps);
/// Why a case cannot be checked at all with `caps` (its verdict is then SKIP), or "" when it can. A
/// case is unchecked when nothing it expects is observable (its expected log, projected with
/// capabilities_for(), is empty) and it cites a rule whose `observable_by` kinds (fixtures/rules.json)
/// name parsing observations of which the implementation reports none: a retry rule needs `retry`, R26
/// needs `last_event_id` or `end`. The message names the observation kinds that were missing.
[[nodiscard]] std::string why_unchecked(const test_case& c, const capabilities& caps);
[[nodiscard]] bool can_check(const test_case& c, const capabilities& caps);
/// What a checked case leaves unchecked with `caps`, in words ("retry observations (R22)", "events'
/// last event IDs"), in a fixed order; empty when everything the case expects or cites is compared.
[[nodiscard]] std::vector<std::string> unchecked_observations(const test_case& c, const capabilities& caps);
/// True when the case cites a rule that only observations of kind `k` can show (for a browser,
/// whose `retry` is measured rather than reported: the retry rules).
[[nodiscard]] bool cites_rule_shown_only_by(const test_case& c, observation_kind k);

// ---------------------------------------------------------------------------------------------
// Rules: fixtures/rules.json, the ids that cases cite (fixtures/README.md, "Rules")

struct rule_entry {
  std::string id;       ///< "R14"
  std::string group;    ///< "line-classification"
  std::string section;  ///< "9.2.6"
  std::string link;     ///< The standard's URL with the anchor of the rule's text.
  std::string summary;
  std::vector<std::string> corpus;         ///< "parsing", "connection", "encoder"
  std::vector<std::string> observable_by;  ///< Observation kinds needed to judge it.
};
struct gap_entry {
  std::string id;  ///< "G1", or a project gap "P1"
  std::string summary;
  std::string link;
  std::string decision;
  std::vector<std::string> rules;
};
struct rule_group {
  std::string id;
  std::string title;
};
struct rule_catalogue {
  std::string standard_title;
  std::string standard_url;
  std::vector<rule_group> groups;
  std::vector<rule_entry> rules;
  std::vector<gap_entry> gaps;
  [[nodiscard]] const rule_entry* rule(std::string_view id) const noexcept;
  [[nodiscard]] const gap_entry* gap(std::string_view id) const noexcept;
};
/// Reads a rules file (fixtures/rules.json's format). Problems become diagnostics naming the file
/// and the key (`rules[3].id`); nullopt when there is any.
[[nodiscard]] std::optional<rule_catalogue> load_rules_text(std::string_view json_text, const std::string& file,
                                                            std::vector<diagnostic>& diagnostics);
[[nodiscard]] std::optional<rule_catalogue> load_rules(const std::filesystem::path& file,
                                                       std::vector<diagnostic>& diagnostics);
/// The bundled catalogue, bundled_fixtures_dir() / "rules.json", read once. Throws
/// std::runtime_error (listing the problems) when it is missing or invalid.
[[nodiscard]] const rule_catalogue& bundled_rules();

// ---------------------------------------------------------------------------------------------
// Comparison

struct comparison {
  bool equal = true;
  /// Empty when equal. Otherwise a readable diff: one line per observation, prefixed "  " (same),
  /// "- " (expected only) or "+ " (observed only), bytes escaped, aligned by a longest-common-
  /// subsequence, so a missing or extra event is obvious.
  std::string diff;
};
[[nodiscard]] comparison compare_logs(const observation_log& expected, const observation_log& observed);

// ---------------------------------------------------------------------------------------------
// Chunking plans

/// A way to cut a body into chunks: the split offsets, non-decreasing, in [0, size]; there are always
/// splits.size() + 1 chunks. Generated plans use strictly increasing offsets in (0, size); only
/// `pinned` can repeat an offset or use 0 or size, which gives the empty chunks the case pins.
struct chunking {
  std::string name;  ///< "whole", "bytewise", "split@17", "random#3", "crlf@8", "bom@1", "utf8@12", "pinned"
  std::vector<std::size_t> splits;
};

/// Plan families. Names accepted by parse_plan_names(): whole, bytewise, every-split, random,
/// boundaries (splits inside every CRLF pair, BOM and multi-byte UTF-8 sequence), pinned.
enum class plan : std::uint8_t { whole, bytewise, every_split, random, boundaries, pinned };
[[nodiscard]] std::string_view to_string(plan p) noexcept;
/// Parses a comma-separated list ("whole,bytewise" or "all"); nullopt and `error` on an unknown name.
[[nodiscard]] std::optional<std::vector<plan>> parse_plan_names(std::string_view names, std::string* error);
[[nodiscard]] std::vector<plan> all_plans();

struct chunking_options {
  std::vector<plan> plans = all_plans();
  unsigned random_variants = 8;  ///< Seeded random multi-way splits per case.
  /// every-split is quadratic (one chunking per offset, each feeding the whole body). Bodies longer
  /// than this many bytes are split only where the parser's state can change: within 8 bytes of a
  /// CR, LF, ':', space, NUL or non-ASCII byte, and in the first and last 64 bytes. Inside a long run
  /// of ordinary bytes every offset leaves the parser in the same state, so nothing is lost but time
  /// (a 100 KB line: ~150 chunkings instead of 100,000). 0: every offset, whatever the size.
  std::size_t every_split_limit = 4096;
  /// boundaries makes one chunking per cut inside a CRLF, BOM or UTF-8 sequence, each feeding the
  /// whole body. Beyond this many cuts, an evenly spaced sample of this many (the body's first and
  /// last cut included) is run one at a time, and the combined `boundaries` chunking still cuts at
  /// every one, so work and memory stay linear in the body. 0: every cut, whatever the size.
  std::size_t boundary_cut_limit = 256;
  std::uint64_t seed = 0x5EE5EE5EULL;  ///< Same seed, same case => same chunkings (reproducible).
};

/// The chunkings of a case under `options`, deduplicated by splits (first name wins), in plan order.
/// `pinned` yields a chunking only for cases with pinned chunks.
[[nodiscard]] std::vector<chunking> make_chunkings(const test_case& c, const chunking_options& options);

/// The chunks of `bytes` under `ch`, each copied into its own exact-size heap buffer so that
/// AddressSanitizer catches any read past a chunk.
struct owned_chunk {
  std::unique_ptr<unsigned char[]> bytes;
  std::size_t size = 0;
  [[nodiscard]] std::string_view view() const noexcept { return {reinterpret_cast<const char*>(bytes.get()), size}; }
};
[[nodiscard]] std::vector<owned_chunk> cut(std::string_view bytes, const chunking& ch);

// ---------------------------------------------------------------------------------------------
// Implementations under test, and running a case

/// An implementation under test, fed one chunk at a time. After every chunk it returns what it
/// observed during that chunk, so dispatch latency is checked as well as the final log.
class implementation {
public:
  virtual ~implementation() = default;
  /// Starts a new stream whose last event ID string starts as `initial_last_event_id` (gap G1).
  virtual void begin(std::string_view initial_last_event_id) = 0;
  /// Feeds one chunk; returns the observations reported while processing it.
  virtual observation_log feed(std::string_view chunk) = 0;
  /// Ends the stream; returns the observations reported (normally just `end`).
  virtual observation_log finish() = 0;
  [[nodiscard]] virtual capabilities caps() const = 0;
};

/// Called when one of the parser's optional limits stopped it (the standard has none).
using limit_handler = std::function<void(parse_error)>;

/// The in-process reference parser as an implementation (all capabilities). By default without
/// limits; with `limits`, `on_limit` hears of the limit that stopped the parser, before each chunk
/// and before the end (the runner turns it into a crash report that names the limit).
[[nodiscard]] std::unique_ptr<implementation> make_reference_implementation(parser_limits limits = {},
                                                                            limit_handler on_limit = {});

/// For every prefix length 0..bytes.size(), the number of observations (without `end`) that are due
/// once that prefix has been delivered: the size of the log of that prefix alone. Computed by the
/// reference fed one byte at a time.
[[nodiscard]] std::vector<std::size_t> due_counts(const test_case& c);

/// What happened to one case under one chunking: the one outcome type of the project. A comparison
/// says PASS, FAIL or SKIP; a driver of another process (an adapter, a browser) adds what a process
/// can do wrong: CRASH, TIMEOUT, PROTOCOL-ERROR.
enum class outcome : std::uint8_t { pass, fail, skip, crash, timeout, protocol_error };
inline constexpr outcome all_outcomes[] = {outcome::pass,  outcome::fail,    outcome::skip,
                                           outcome::crash, outcome::timeout, outcome::protocol_error};
/// "PASS", "FAIL", "SKIP", "CRASH", "TIMEOUT", "PROTOCOL-ERROR".
[[nodiscard]] std::string_view to_string(outcome o) noexcept;
[[nodiscard]] std::optional<outcome> outcome_from_string(std::string_view s) noexcept;
/// FAIL, CRASH, TIMEOUT and PROTOCOL-ERROR: the implementation did not produce the expected log.
[[nodiscard]] constexpr bool is_failure(outcome o) noexcept { return o != outcome::pass && o != outcome::skip; }
/// CRASH, TIMEOUT, PROTOCOL-ERROR: the implementation misbehaved as a process (not merely a wrong log).
[[nodiscard]] constexpr bool is_fault(outcome o) noexcept { return is_failure(o) && o != outcome::fail; }

/// A judged case: what every driver (in-process, adapter, browser page, HTTP client) produces for
/// one case under one chunking, before it becomes a record (runner: to_record()).
struct case_result {
  conformance::outcome outcome = outcome::pass;
  std::string diff;          ///< FAIL: the log diff and/or the latency or timing problem, in plain words.
  std::string detail;        ///< SKIP and faults: what happened; otherwise notes (what was not observable).
  observation_log observed;  ///< The whole observed log (all chunks + finish), projected.
};

/// Runs one case under one chunking: begin, feed each chunk (exact-size buffers), finish. Compares
/// the projected observed log with the projected expected log, and after every chunk checks that
/// exactly the due observations have been reported (latency). `due` is due_counts(c) (pass it to
/// avoid recomputing it per chunking).
[[nodiscard]] case_result run_case(implementation& impl, const test_case& c, const chunking& ch,
                                   const std::vector<std::size_t>& due);

}  // namespace sse::conformance
