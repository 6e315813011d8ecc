#include "scenario_judge.hpp"

#include "browser_observation.hpp"

#include <sse/conformance/fuzz.hpp>

#include <algorithm>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;

/// Milliseconds with one decimal, for people.
std::string shown_ms(double ms) {
  const auto tenths = static_cast<long long>(std::max(ms, 0.0) * 10.0 + 0.5);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " ms";
}

/// The min_delay_ms of each request entry, in order.
std::vector<std::optional<std::uint64_t>> required_delays(const conf::scenario& s) {
  std::vector<std::optional<std::uint64_t>> out;
  for (const auto& e : s.expected)
    if (e.kind == conf::log_kind::request) out.push_back(e.min_delay_ms);
  return out;
}

}  // namespace

std::size_t required_requests(const conf::scenario& s) {
  std::size_t required = 0;
  for (const auto& e : s.expected)
    if (e.kind == conf::log_kind::request && !e.may_not_arrive) ++required;
  return required;
}

conf::scenario_log page_entries(const conf::scenario& s) {
  conf::scenario_log out;
  for (const auto& e : s.expected)
    if (e.kind != conf::log_kind::request) out.push_back(e);
  return out;
}

namespace {

conf::scenario_log without_origins(conf::scenario_log log) {
  for (auto& e : log) e.origin.clear();
  return log;
}

}  // namespace

stream_verdict judge_stream(const conf::scenario& s, const scenario_observation& seen) {
  stream_verdict v;
  std::string problems;
  const auto found = [&](const std::string& signature, const std::string& problem) {
    if (v.signature.empty()) v.signature = signature;
    problems += problem;
  };
  if (seen.constructor_threw) found("constructor threw", "the constructor threw: " + *seen.constructor_threw + "\n");
  const conf::scenario_log expected = without_origins(page_entries(s));
  const conf::scenario_log observed = without_origins(seen.page);
  if (const std::string page = conf::scenario_log_difference(expected, observed); !page.empty()) found(page, {});

  const auto& requests = seen.served.requests;
  const auto& ends = seen.served.response_ends;
  if (v.signature.empty() && ends.size() > 1 && ends[1] && s.exchanges.size() > 1 &&
      s.exchanges[1].response.end_delay_ms > 0) {
    // The body stayed open after its last chunk: the messages it dispatches (exchange 1: after its
    // request, before the error its end fires) must each have been observed by the time it ended.
    std::size_t body_messages = 0;
    bool in_body = false;
    for (const auto& e : s.expected) {
      if (e.kind == conf::log_kind::request)
        in_body = e.exchange == 1;
      else if (e.kind == conf::log_kind::error)
        in_body = false;
      else if (in_body && e.kind == conf::log_kind::message)
        ++body_messages;
    }
    std::size_t messages = 0;
    for (std::size_t k = 0; k < seen.page.size() && k < seen.page_times.size() && messages < body_messages; ++k) {
      if (seen.page[k].kind != conf::log_kind::message) continue;
      ++messages;
      if (seen.page_times[k] > *ends[1]) {
        found("latency: message held until the end of the body",
              "message " + std::to_string(messages) + " of the stream came " +
                  shown_ms(std::chrono::duration<double, std::milli>(seen.page_times[k] - *ends[1]).count()) +
                  " after its body ended: its last chunk had already been sent\n");
        break;
      }
    }
  }
  const auto delays = required_delays(s);
  if (requests.size() < required_requests(s))
    found(requests.empty() ? "no request" : "did not reconnect",
          "request #" + std::to_string(requests.size()) + " did not come\n");
  if (requests.size() > s.exchanges.size())
    found("extra request",
          std::to_string(requests.size()) + " requests, " + std::to_string(s.exchanges.size()) + " expected\n");
  for (std::size_t i = 1; i < requests.size() && i < s.exchanges.size(); ++i) {
    const std::string where = "request #" + std::to_string(i) + ": ";
    // As HTTP carries it: without the leading and trailing spaces and tabs a header value cannot hold.
    std::optional<std::string> want = s.exchanges[i].request.last_event_id;
    if (want) want = header_value_form(*want);
    const std::optional<std::string> sent = get_header(requests[i].request.headers, "Last-Event-ID");
    if (want != sent) {
      const std::string shape = !want   ? "request.last_event_id: sent, expected absent"
                                : !sent ? "request.last_event_id: absent, expected sent"
                                        : conf::value_difference("request.last_event_id", *want, *sent);
      found(shape, where + "Last-Event-ID " + (sent ? "\"" + conf::escape_bytes(*sent) + "\"" : "absent") +
                       ", expected " + (want ? "\"" + conf::escape_bytes(*want) + "\"" : "absent") + "\n");
    }
    // A runtime's timers run on an event loop's cached clock, which can be a few milliseconds stale
    // when the timer is set (libuv's is), so a timer can fire a little before its time has passed.
    // Only a wait shorter by more than that slack is a reconnection that ignored the time, and only
    // a time of 50 ms or more is checked: below it the slack and the scheduling are the whole wait
    // (a client that kept the primed 1 ms for `retry: 10` waited 3.7 ms in one run, 4.6 in the next).
    if (!ends[i - 1] || !delays[i] || *delays[i] < 50) continue;
    const double waited = std::chrono::duration<double, std::milli>(requests[i].arrival - *ends[i - 1]).count();
    const double required = static_cast<double>(*delays[i]);
    if (waited < required - (5.0 + required / 20.0))
      found("reconnected before the reconnection time", where + "came " + shown_ms(waited) +
                                                            " after the response ended, " + std::to_string(*delays[i]) +
                                                            " ms required (5 ms + 5% of slack allowed)\n");
  }
  v.result.outcome = v.signature.empty() ? conf::outcome::pass : conf::outcome::fail;
  v.result.diff = problems + conf::diff_logs(expected, observed);
  v.result.observed = {};
  return v;
}

conf::test_case scenario_metadata(const conf::scenario& s) {
  conf::test_case c;
  c.id = s.id;
  c.description = s.description;
  c.file = s.file;
  c.area = s.area;
  c.rules = s.rules;
  c.tags = s.tags;
  c.evidence = s.evidence;
  c.klass = s.klass;
  c.gap = s.gap;
  c.guards = s.guards;
  return c;
}

conf::case_result judge_scenario(const conf::scenario& s, const conf::scenario_run_options& origins,
                                 const scenario_observation& seen, const scenario_limits& limits) {
  std::string problems;
  std::string notes;
  if (seen.constructor_threw) problems += "the constructor threw: " + *seen.constructor_threw + "\n";

  const auto delays = required_delays(s);
  const auto& requests = seen.served.requests;
  const auto& ends = seen.served.response_ends;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const served_request& r = requests[i];
    if (i >= s.exchanges.size()) {
      problems += "request #" + std::to_string(i) + " to \"" + conf::escape_bytes(r.request.url) +
                  "\": the scenario has only " + std::to_string(s.exchanges.size()) +
                  " exchanges, so the client was not expected to send it (answered 204)\n";
      continue;
    }
    problems += conf::check_request(s, i, r.request, origins);
    if (i == 0 || !ends[i - 1]) continue;  // the first request, or one made while a response was still going
    const double waited = std::chrono::duration<double, std::milli>(r.arrival - *ends[i - 1]).count();
    const std::optional<std::uint64_t>& required = delays[i];
    if (!required) {
      notes += "request #" + std::to_string(i) + " came " + shown_ms(waited) +
               " after the previous response ended (only the initial reconnection time applies: not checked)\n";
    } else if (*required > 0 && waited < static_cast<double>(*required)) {
      // (A wait of 0 always holds: a redirected request may even arrive before the server has
      // closed the redirect's connection.)
      problems += "request #" + std::to_string(i) + " came " + shown_ms(waited) +
                  " after the previous response ended: the standard requires a wait of at least " +
                  std::to_string(*required) + " ms\n";
    } else if (*required > 0 && waited > static_cast<double>(*required) + 50.0) {
      notes += "request #" + std::to_string(i) + " came " + shown_ms(waited) + " after the previous response ended (" +
               std::to_string(*required) + " ms required; longer is allowed)\n";
    }
  }
  if (requests.size() < required_requests(s)) {
    const std::size_t missing = requests.size();
    const std::uint64_t required = delays[missing].value_or(0);
    problems += missing == 0
                    ? std::string("the client never sent its first request")
                    : "did not reconnect: request #" + std::to_string(missing) + " (exchanges[" +
                          std::to_string(missing) + "]) did not come within " +
                          std::to_string(required + static_cast<std::uint64_t>(limits.reconnect_budget.count())) +
                          " ms (" + std::to_string(required) + " ms required + the budget of " +
                          std::to_string(limits.reconnect_budget.count()) + " ms)";
    problems += ", so " + std::to_string(s.exchanges.size() - missing) + " of " + std::to_string(s.exchanges.size()) +
                " exchanges were not played\n";
  }

  const std::string log_diff = conf::diff_logs(page_entries(s), seen.page);
  conf::case_result result;
  result.outcome = problems.empty() && log_diff.empty() ? conf::outcome::pass : conf::outcome::fail;
  result.diff = problems + log_diff;
  result.detail = notes;
  return result;
}

}  // namespace sse::runner
