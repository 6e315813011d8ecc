// scenario_judge.hpp: judging a real client on a connection scenario, from what the page observed
// (the client adapter's log) and what the scenario server saw (requests and response ends).
//
// The two projections of the scenario's expected log are compared separately, as fixtures/README.md
// ("The expected log") says a runner that observes the page and the server apart does: the page
// entries in order, with conformance::diff_logs; and the requests in order, each checked with
// conformance::check_request (the reference's own check) and its delay measured on the server's clock
// from the end of the previous response to the request's arrival:
//   - shorter than the scenario's min_delay_ms: FAIL (the standard requires at least that wait);
//   - longer: allowed ("optionally longer"), reported in the record's detail, not failed;
//   - a request that never came within the budget after the previous response ended: FAIL, "did
//     not reconnect", unless its entry says it may not arrive (its fetch was aborted before the
//     response: the standard does not say whether it leaves the client);
//   - min_delay_ms null (only the implementation-defined initial reconnection time applies, R64):
//     not checked; the measured delay is reported, which is how an engine's default is measured.
// The verdict is a conformance::case_result, so it becomes a run_record through to_record() like
// every other driver's.
#pragma once

#include "scenario_server.hpp"

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/scenario.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace sse::runner {

struct scenario_limits {
  /// Longest a request may come after the wait the scenario requires (min_delay_ms, or 0 when it is
  /// null) before it counts as "did not reconnect".
  std::chrono::milliseconds reconnect_budget{10000};
  /// Quiet time after the expected log is complete before the scenario ends (to catch extra
  /// requests and observations).
  std::chrono::milliseconds settle{250};
};

/// What a run of a scenario through a real client produced.
struct scenario_observation {
  conformance::scenario_log page;                  ///< The client's page entries, origins made symbolic.
  std::vector<clock_type::time_point> page_times;  ///< When the runner read each page entry.
  served_log served;                               ///< What the server saw.
  std::optional<std::string> constructor_threw;    ///< The exception, when the constructor threw.
  clock_type::time_point connected;                ///< When the runner asked the client to construct.
};

/// How many requests the server must see: the request entries, less one that may not arrive.
[[nodiscard]] std::size_t required_requests(const conformance::scenario& s);

/// The page entries of a scenario's expected log (every kind but `request`).
[[nodiscard]] conformance::scenario_log page_entries(const conformance::scenario& s);

/// Judges one run: PASS, or FAIL with every difference in `diff`; the measured delays in `detail`.
[[nodiscard]] conformance::case_result judge_scenario(const conformance::scenario& s,
                                                      const conformance::scenario_run_options& origins,
                                                      const scenario_observation& seen, const scenario_limits& limits);

/// A generated stream's scenario (conformance::fuzz_scenario) judged on what the stream decides:
/// the page entries (message origins aside), how many requests came, their Last-Event-ID, and the
/// reconnection waits (one shorter than required by more than 5 ms + 5% fails: the slack is a timer's
/// on a stale event-loop clock), and whether the messages the stream's body dispatches were
/// observed before that body ended (its end waits when the stream ends in CR, so a client that
/// holds a final CR until it knows whether an LF follows shows as late). Request URLs, Accept, Cache-Control and
/// Origin, and message origins, are the connection scenarios' business: a client that fails one of them there would
/// fail every stream.
struct stream_verdict {
  conformance::case_result result;  ///< FAIL with the differences in `diff`, or PASS.
  std::string signature;            ///< The first difference, in difference_signature's words; "" on PASS.
};
[[nodiscard]] stream_verdict judge_stream(const conformance::scenario& s, const scenario_observation& seen);

/// The case metadata of a scenario (id, file, area, rules, class, gap ...), for run records.
[[nodiscard]] conformance::test_case scenario_metadata(const conformance::scenario& s);

}  // namespace sse::runner
