// sse/conformance/encoder_case.hpp: the writing side. An encoder case (fixtures/encoder/, format in
// fixtures/README.md "Encoder cases") gives an event to write and either the observation log the
// reference parser must read back from what was written, or a refusal.
//
// The flow: load the cases; hand each case's event to a writer (the reference encoder, or a real
// library through the adapter protocol's encode mode); judge what it wrote with judge_written() or
// its refusal with judge_refused(). Judging checks the §9.2.5 grammar, that nothing beyond the event
// was written (one event block, only the expected fields, each once), and the read-back log.
#pragma once

#include <sse/conformance/conformance.hpp>
#include <sse/encoder.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse::conformance {

/// A string member of an encoder case's event: a JSON string, or {"utf16": [code units]} for a
/// JavaScript string that may hold lone surrogates.
struct encoder_text {
  std::string utf8;                     ///< What a writer sends: UTF-8, a lone surrogate as U+FFFD.
  std::optional<std::u16string> utf16;  ///< Set when the case gave the UTF-16 form.
};

/// The event an encoder case hands to a writer. Absent members are not given to the writer.
struct encoder_event {
  std::optional<encoder_text> type;
  std::optional<encoder_text> data;
  std::optional<encoder_text> id;
  /// `retry` as the case gave it: any JSON number (1.5, -1, 1e21 included).
  std::optional<double> retry_number;
  std::optional<std::uint64_t> retry_integer;  ///< Set when the JSON number is a non-negative integer literal.
  std::vector<encoder_text> comments;
  std::string json;  ///< The event object exactly as the case wrote it (compact JSON), for adapters.
};

/// Which members of an event a writer's API takes (an adapter's hello declares them). A case whose
/// event needs something the writer cannot take is SKIP, never FAIL.
struct writer_capabilities {
  bool type = true;
  bool id = true;
  bool retry = true;
  bool comments = true;
  bool no_data = true;  ///< It can write an event without a `data` field (an id- or retry-only block).
  static writer_capabilities all() { return {}; }
};
[[nodiscard]] std::string describe(const writer_capabilities& caps);
/// Empty when `caps` can take the event; otherwise what is missing, in words.
[[nodiscard]] std::string missing_capability(const encoder_event& event, const writer_capabilities& caps);

struct encoder_case {
  test_case meta;  ///< id, description, file, area, rules, class, gap, guards, evidence, tags, and
                   ///< `expected` (the read-back log) and `initial_last_event_id`.
  encoder_event event;
  bool expect_refusal = false;
  std::string refusal_reason;  ///< With expect_refusal: the reason code (sse::to_string(encode_error)).
};

struct encoder_load_result {
  std::vector<encoder_case> cases;
  std::vector<std::string> files;
  std::vector<diagnostic> diagnostics;  ///< Every problem: file, case, key, message.
  [[nodiscard]] bool ok() const noexcept { return diagnostics.empty(); }
};

/// Loads encoder case files (a path is a file or a folder of *.json, not recursive). Checks the file
/// keys, every case key (the common ones as in the parsing corpus), the event's members, the
/// reason codes, and that `expected` is a log in the canonical order ending with `end`. Never throws.
[[nodiscard]] encoder_load_result load_encoder_cases(const std::vector<std::filesystem::path>& paths);
[[nodiscard]] encoder_load_result load_encoder_cases_text(std::string_view json_text, const std::string& file);
/// fixtures/encoder/ of this source tree.
[[nodiscard]] std::filesystem::path bundled_encoder_fixtures_dir();

/// The case's event as the reference encoder's input. A retry that is not an integer in range is
/// refused here (sse::retry_from_number), as a writer holding a JSON number must.
struct reference_input {
  outgoing_event event;
  encode_error error = encode_error::none;
};
[[nodiscard]] reference_input to_outgoing_event(const encoder_event& event);

/// The read-back log in canonical order: comments first, then retry observations, then the rest in
/// stream order (a writer may put comment and retry lines anywhere in the block; only their order
/// among themselves means something).
[[nodiscard]] observation_log canonical_order(observation_log log);

/// What kind of writer bug a failure shows (for reports and the encoders table).
enum class encoder_problem : std::uint8_t {
  none,
  malformed,              ///< Not a well-formed event stream by the §9.2.5 grammar (or not UTF-8).
  injection,              ///< More than the event: another event block, a field not asked for, a field twice.
  data_loss,              ///< The reader reads back something other than the event.
  wrote_unrepresentable,  ///< Wrote an event that cannot be represented instead of refusing it.
  refused_representable,  ///< Refused an event that can be written.
};
[[nodiscard]] std::string_view to_string(encoder_problem p) noexcept;

struct encoder_judgement {
  bool pass = true;
  encoder_problem problem = encoder_problem::none;
  std::string explanation;   ///< For a failure: what was wrong, bytes escaped, and the log diff.
  observation_log observed;  ///< The read-back log (canonical order); empty for a refusal.
};

/// Judges bytes a writer wrote for the case's event.
[[nodiscard]] encoder_judgement judge_written(const encoder_case& c, std::string_view bytes);
/// Judges a writer's refusal (`message`: its error, in its words).
[[nodiscard]] encoder_judgement judge_refused(const encoder_case& c, std::string_view message);

/// §9.2.5: the problems of `bytes` as an event stream (empty: well-formed): not UTF-8, a line not
/// terminated, a block without its blank line.
[[nodiscard]] std::vector<std::string> grammar_problems(std::string_view bytes);
/// Everything written beyond the event: fields in more than one block, unknown field names, fields the
/// event does not have, `event`/`id`/`retry` more than once. Blocks holding only comments or only a
/// `retry` line are allowed (they dispatch nothing and commit nothing).
[[nodiscard]] std::vector<std::string> injection_problems(const encoder_case& c, std::string_view bytes);

}  // namespace sse::conformance
