// browser_observation.hpp: what a browser's EventSource lets us observe, and how it is judged.
//
// A page cannot see comments, `retry` lines or id-only commits: it sees the events its EventSource
// fires (type, data, lastEventId). The server that sent the stream sees the rest: the browser's
// reconnection request carries the final last event ID string in its `Last-Event-ID` header (the
// `end` observation, id-only blocks included), and the time between the end of the stream and that
// request is the reconnection time the browser settled on (`retry`, within a tolerance).
//
// The browser model (runner/BROWSERS.md):
//  1. First response on the case's URL (the "priming" response, not part of the case): `retry: 1`
//     and, when the case has an initial last event ID, `id: <it>` with an event of a type nobody
//     listens for (so every browser commits the id), then a blank line. It makes the
//     browser reconnect at once instead of after its default reconnection time (3-5 s), and it gives
//     the case's stream the last event ID string it starts from (gap G1).
//  2. Second response: the case's bytes, exactly, in its chunking, each chunk flushed on its own.
//  3. Third request: its `Last-Event-ID` header and its delay after the end of (2) are recorded, and
//     it is answered 204, so the EventSource closes.
// The observed log is the events the page saw plus `end` with that header ("" when absent), compared
// with the expected log projected to events + end, by conformance::compare_logs. When a case sets
// `retry` (it has retry observations or cites R22-R24), the measured delay must also agree with the
// final reconnection time.
#pragma once

#include <sse/conformance/conformance.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sse::runner {

/// The browser engines the runner knows. `other` is any browser the page does not recognise.
enum class browser_engine : std::uint8_t { chromium, firefox, webkit, other };
[[nodiscard]] std::string_view to_string(browser_engine e) noexcept;
[[nodiscard]] std::optional<browser_engine> browser_engine_from_string(std::string_view name) noexcept;

/// What a given engine is known to do to reconnection times (kept small and documented).
struct engine_profile {
  browser_engine engine = browser_engine::other;
  /// Firefox never reconnects sooner than about 500 ms whatever `retry` says. The standard lets a
  /// user agent "optionally wait some more", so a floor is not a divergence; waiting less is.
  std::uint64_t reconnect_floor_ms = 0;
};
[[nodiscard]] engine_profile profile_for(browser_engine e) noexcept;

/// The type of the event the priming response fires when it sets an initial last event ID.
inline constexpr std::string_view priming_event_type = "sse-conformance-priming";
/// The reconnection time the priming response sets (ms).
inline constexpr std::uint64_t priming_retry_ms = 1;
/// The longest the page waits for the final reconnection after the case's stream has ended (ms).
/// A case whose reconnection time is longer cannot show its `end`; that is said in its note.
inline constexpr std::uint64_t reconnect_wait_cap_ms = 5000;
/// A reconnection may come at least this much after the reconnection time (load, timers).
inline constexpr std::uint64_t reconnect_late_tolerance_ms = 1000;
/// How much longer than the expected reconnection time the page waits, to see a late browser's delay.
inline constexpr std::uint64_t reconnect_extra_wait_ms = 3500;
/// A reconnection may come this much before the reconnection time (timer and clock granularity).
inline constexpr std::uint64_t reconnect_early_tolerance_ms = 50;

/// `value` as an HTTP header can carry it: without leading and trailing spaces and tabs.
[[nodiscard]] std::string header_value_form(std::string_view value);

/// The body of the priming response for a case that starts from `initial_last_event_id`.
[[nodiscard]] std::string priming_body(std::string_view initial_last_event_id);

/// The case's retry expectations for an engine.
struct reconnect_expectation {
  bool retry_checked = false;      ///< The case sets `retry`, so the delay is compared.
  std::uint64_t expected_ms = 0;   ///< The reconnection time after the stream, per the reference.
  std::uint64_t effective_ms = 0;  ///< max(expected, engine floor).
  std::uint64_t late_ms = 0;       ///< Latest acceptable delay: effective + max(1000, effective / 2).
  std::uint64_t wait_ms = 0;       ///< How long the page waits for the reconnection (capped).
  bool end_observable = true;      ///< false when the latest acceptable reconnection is past the cap.
};
[[nodiscard]] reconnect_expectation expect_reconnect(const conformance::test_case& c, const engine_profile& p);

/// What the server saw of the reconnection request after the case's stream.
struct reconnect_record {
  bool seen = false;
  bool header_present = false;
  std::string last_event_id;  ///< The header's value ("" when absent).
  double delay_ms = 0;        ///< Since the server finished sending the case's stream.
};

/// Everything observed of one case in one browser.
struct browser_observation {
  observation_log events;      ///< event observations, in the order the page saw them
  bool stream_served = false;  ///< The server sent the case's stream (the second response).
  reconnect_record reconnect;
  bool page_timed_out = false;  ///< The page gave up waiting for the final reconnection.
  std::string page_error;       ///< A problem the page reported (empty when none).
};

/// A browser case judged: the result every driver produces (it becomes a run_record through
/// to_record()), plus what the page shows beside it.
struct browser_judgement {
  conformance::case_result result;  ///< outcome, diff (log and reconnection-time problems), detail (notes)
  observation_log expected;         ///< The expected log, projected to what the browser can show.
  /// The reconnection came later than allowed, or not within the wait: on a loaded machine this is
  /// usually the machine, so the page retries such a case once, alone.
  bool reconnect_late = false;
};

/// The capabilities of a browser page: events and end; `retry` only approximately (see above).
[[nodiscard]] conformance::capabilities browser_capabilities() noexcept;

/// Judges one case: SKIP when the browser cannot show what the case is about; otherwise PASS when
/// the projected logs are equal and the reconnection time agrees, FAIL with a diff when not.
[[nodiscard]] browser_judgement judge_browser_case(const conformance::test_case& c, const browser_observation& seen,
                                                   const engine_profile& p);

}  // namespace sse::runner
