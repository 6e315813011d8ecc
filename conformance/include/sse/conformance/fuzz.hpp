// sse/conformance/fuzz.hpp: generated streams, difference signatures and shrinking (`sse-conformance
// fuzz`, runner/README.md).
//
// A fuzz stream is an ordinary parsing case: exact bytes, pinned chunks, and the reference's log of
// those bytes as `expected`. So an implementation is judged on it by run_case(), the one comparison
// (final log and latency after every chunk), exactly as on a corpus case; nothing here compares logs.
//
// @example
//   auto impl = sse::conformance::make_reference_implementation();
//   for (std::uint64_t i = 0; i < 1000; ++i) {
//     const fuzz_stream s = generate_stream(seed, i);
//     const case_result r = run_case(*impl, s.test, s.chunks, {});
//     if (is_failure(r.outcome)) std::cout << difference_signature(s.test, r, impl->caps()) << '\n';
//   }
#pragma once

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/scenario.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sse::conformance {

/// One generated stream: a parsing case whose `expected` is the reference's log and whose pinned
/// chunks are the chunking it is fed with (`chunks`, named "pinned").
struct fuzz_stream {
  test_case test;
  chunking chunks;
};

/// The stream of `bytes` cut at `splits` (non-decreasing, in [0, size]; repeated offsets are empty
/// chunks), with the reference's log as expected. The case id is `id`.
[[nodiscard]] fuzz_stream make_fuzz_stream(std::string bytes, std::vector<std::size_t> splits, std::string id = "fuzz");

/// A corpus case as a stream: its bytes in its pinned chunks, or whole (as `browser` and the clients
/// are fed a case), with the case's id.
[[nodiscard]] fuzz_stream case_stream(const test_case& c);

/// The shapes the generator draws from (each stream picks one; the weights are in fuzz_generator.cpp).
enum class stream_shape : std::uint8_t {
  fields,           ///< 1..16 lines of real fields, comments, colon-less and unknown names, blank lines
  long_value,       ///< one field with a value of 1..256 KiB (sometimes 1..4 MiB)
  many_data_lines,  ///< one event of up to 10,000 `data` lines, over up to a few hundred chunks
  many_events,      ///< up to 100 events in one chunk
};

/// Stream `index` of the run seeded with `seed`: the same pair always gives the same bytes and chunks,
/// whatever else was generated (streams can be made in any order, by any number of threads).
/// `scale`: also draw the long_value / many_data_lines / many_events shapes (rarely; they are large).
[[nodiscard]] fuzz_stream generate_stream(std::uint64_t seed, std::uint64_t index, bool scale = true);

/// What differs, and how, in words that do not depend on the stream's particular values: which
/// observation differs first (by kind and field: `extra event`, `missing retry`, `event instead of
/// end`) and how its value differs (the shape of the edit: `event.data: cut before LF`,
/// `event.type: differs`, `end.last_event_id: empty, expected non-empty`), or the
/// latency kind (`latency: reported early`) when the final logs agree, or the fault (`CRASH`). Two
/// failures with one signature are taken to be one bug class.
[[nodiscard]] std::string difference_signature(const test_case& c, const case_result& result, const capabilities& caps);

/// The rule ids ("R3") and gap ids ("G4") the reference reaches on `bytes` cut by `ch`, in id order.
/// Traced from the reference's own stages run outside the parser: utf8_decoder (a BOM removed, a
/// U+FFFD made, a code point kept whole across a cut), line_splitter (each line, a CR that ends a
/// chunk and swallows the next chunk's LF) and event_interpreter (what each line and each blank line
/// reported: an event, an id commit, a retry, nothing). For the reach report and the `rules` of the
/// cases that fuzz writes.
[[nodiscard]] std::vector<std::string> rules_reached(std::string_view bytes, const chunking& ch);

/// Delta debugging: returns the smallest stream found for which `still_fails` stays true, trying in
/// turn fewer lines, fewer bytes (halves down to single bytes), fewer chunks (merging neighbours,
/// dropping empty chunks), until no step makes progress or `max_attempts` candidates were tried.
/// Every candidate is a make_fuzz_stream() (its expected log recomputed by the reference).
using fuzz_predicate = std::function<bool(const fuzz_stream&)>;
[[nodiscard]] fuzz_stream shrink_stream(const fuzz_stream& failing, const fuzz_predicate& still_fails,
                                        std::size_t max_attempts = 20000);

/// How two values of one field differ, by the shape of the edit (the words of difference_signature:
/// `event.data: cut before LF`, `message.type: differs`); "" when they are equal.
[[nodiscard]] std::string value_difference(std::string_view field, std::string_view expected,
                                           std::string_view observed);

// ---- a stream through a real EventSource client (`fuzz --client`) --------------------------------

struct fuzz_scenario_options {
  std::uint64_t chunk_delay_ms = 10;           ///< Between two chunks of the stream (each sent on its own).
  std::uint64_t longest_retry_wait_ms = 1000;  ///< A reconnection time above this is not waited for.
  /// When the stream ends in CR, how long its body stays open after the last chunk: a client that
  /// holds that CR until it sees whether an LF follows dispatches only when the body ends.
  std::uint64_t end_after_cr_ms = 300;
};

/// The connection scenario that plays `stream` to an EventSource client, its expected log the
/// reference connection model's (run_scenario):
///   - exchange 0 primes the reconnection time: `retry: 1`, then the body ends;
///   - exchange 1 is the stream in its chunks, `chunk_delay_ms` apart, then the body ends
///     (`end_after_cr_ms` after the last chunk when the stream ends in CR);
///   - exchange 2 is the reconnection: its Last-Event-ID is the stream's final last event ID and its
///     wait the stream's final reconnection time; it is answered 204, so the client fails the
///     connection (CLOSED) and the scenario is over.
/// When a reconnection time the stream sets (any `retry`, not only the last: a client that missed a
/// later one may wait that long) is above `longest_retry_wait_ms`, exchange 1 holds instead, and the
/// page closes the client once every chunk has been sent after its last observation: the final last
/// event ID and reconnection time are then not observed.
/// The id is the stream's; the scenario's rules are the parsing rules the stream reaches.
[[nodiscard]] scenario fuzz_scenario(const fuzz_stream& stream, const fuzz_scenario_options& options = {});

/// The first difference of two scenario page logs (no request entries), in the words of
/// difference_signature: `extra message`, `missing error`, `error instead of message`,
/// `message.data: cut before LF`, `message.ready_state: 2, expected 1`; "" when they are equal.
/// Message origins are not compared (fuzzing judges what the stream decides, not the origin).
[[nodiscard]] std::string scenario_log_difference(const scenario_log& expected, const scenario_log& observed);

}  // namespace sse::conformance
