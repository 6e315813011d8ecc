// browser_observation.cpp: judging what a browser's EventSource showed (see the header).
#include "browser_observation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace sse::runner {

namespace conf = sse::conformance;

std::string_view to_string(browser_engine e) noexcept {
  static constexpr std::string_view names[] = {"chromium", "firefox", "webkit", "other"};
  const auto i = static_cast<std::size_t>(e);
  return i < std::size(names) ? names[i] : "other";
}

std::optional<browser_engine> browser_engine_from_string(std::string_view name) noexcept {
  for (auto e : {browser_engine::chromium, browser_engine::firefox, browser_engine::webkit, browser_engine::other})
    if (to_string(e) == name) return e;
  return std::nullopt;
}

engine_profile profile_for(browser_engine e) noexcept {
  engine_profile p;
  p.engine = e;
  p.reconnect_floor_ms = e == browser_engine::firefox ? 500 : 0;
  return p;
}

std::string priming_body(std::string_view initial_last_event_id) {
  std::string body = "retry: " + std::to_string(priming_retry_ms) + "\n";
  if (!initial_last_event_id.empty()) {
    // The id goes with an event, so that it is committed by every browser: Firefox does not commit
    // the id of a block that fires no event (an id-only block), which the corpus tests separately.
    // The event's type has no listener, and the page ignores events before the priming ends anyway.
    body += "id: ";
    body += initial_last_event_id;
    body += "\nevent: ";
    body += priming_event_type;
    body += "\ndata: priming\n";
  }
  body += "\n";
  return body;
}

std::string header_value_form(std::string_view value) {
  const auto ows = [](char ch) { return ch == ' ' || ch == '\t'; };
  while (!value.empty() && ows(value.front())) value.remove_prefix(1);
  while (!value.empty() && ows(value.back())) value.remove_suffix(1);
  return std::string(value);
}

namespace {

std::string fmt_ms(double ms) {
  const auto rounded = static_cast<long long>(std::llround(ms));
  return std::to_string(rounded) + " ms";
}

}  // namespace

reconnect_expectation expect_reconnect(const conf::test_case& c, const engine_profile& p) {
  reconnect_expectation e;
  e.expected_ms = priming_retry_ms;
  bool sets_retry = false;
  for (const auto& o : c.expected) {
    if (o.kind == observation_kind::retry) {
      e.expected_ms = o.ms;
      sets_retry = true;
    }
  }
  e.retry_checked = sets_retry || conf::cites_rule_shown_only_by(c, observation_kind::retry);
  e.effective_ms = std::max(e.expected_ms, p.reconnect_floor_ms);
  // Generous, because a loaded CI machine delays timers and requests; what matters are the
  // differences of seconds (a default of 3000 ms instead of the value sent, a value ignored).
  const std::uint64_t slack = std::max<std::uint64_t>(reconnect_late_tolerance_ms, e.effective_ms / 2);
  // Saturating: the expected time can be up to 2^53-1 ms.
  e.late_ms = e.effective_ms > UINT64_MAX - slack ? UINT64_MAX : e.effective_ms + slack;
  // Wait past the latest acceptable time, long enough to see a browser fall back to a default of a
  // few seconds (so the report can say "reconnected after 3000 ms" rather than "no reconnection"),
  // but never longer than the cap. This costs time only when the browser is late.
  e.wait_ms = std::min(std::max(e.late_ms, e.effective_ms + reconnect_extra_wait_ms), reconnect_wait_cap_ms);
  e.end_observable = e.late_ms <= reconnect_wait_cap_ms;
  return e;
}

conf::capabilities browser_capabilities() noexcept {
  conf::capabilities caps;
  caps.events = true;
  caps.last_event_id_commits = false;
  caps.retry = true;  // approximately: the final reconnection time, measured by the server
  caps.comments = false;
  caps.end = true;
  return caps;
}

browser_judgement judge_browser_case(const conf::test_case& c, const browser_observation& seen,
                                     const engine_profile& p) {
  browser_judgement v;
  if (std::string why = conf::why_unchecked(c, browser_capabilities()); !why.empty()) {
    v.result.outcome = conf::outcome::skip;
    v.result.detail = std::move(why);
    return v;
  }
  const reconnect_expectation rx = expect_reconnect(c, p);

  conf::capabilities compare_caps = browser_capabilities();
  compare_caps.retry = false;  // checked below, from the measured delay
  // Without a reconnection within the wait, `end` is observable only if it was due within it.
  compare_caps.end = seen.reconnect.seen || rx.end_observable;
  v.expected = conf::project(c.expected, compare_caps);
  // HTTP carries a header's value without leading or trailing spaces and tabs (RFC 9110 5.5: that
  // whitespace is not part of the field value), so `end` is compared as the header can carry it.
  bool trimmed = false;
  for (auto& o : v.expected) {
    if (o.kind != observation_kind::end) continue;
    const std::string carried = header_value_form(o.last_event_id);
    trimmed = carried != o.last_event_id;
    o.last_event_id = carried;
  }

  auto& observed = v.result.observed;
  observed = seen.events;
  if (seen.reconnect.seen) observed.push_back(observation::end(seen.reconnect.last_event_id));

  std::string problems;
  if (!seen.page_error.empty()) problems += "page: " + seen.page_error + "\n";
  if (!seen.stream_served) problems += "the browser never requested the case's stream (after the priming response)\n";

  const auto cmp = conf::compare_logs(v.expected, observed);
  if (!cmp.equal) problems += cmp.diff;
  if (!cmp.equal && !seen.reconnect.seen && rx.end_observable && seen.stream_served) {
    problems += "(no reconnection within " + std::to_string(rx.wait_ms) + " ms after the stream ended)\n";
    v.reconnect_late = true;
  }

  std::string note;
  if (seen.reconnect.seen) {
    note = "reconnected after " + fmt_ms(seen.reconnect.delay_ms) +
           (seen.reconnect.header_present ? ", Last-Event-ID present" : ", no Last-Event-ID");
  } else if (!rx.end_observable) {
    note = "end not observable: the reconnection time (" + std::to_string(rx.expected_ms) + " ms) is past the " +
           std::to_string(reconnect_wait_cap_ms) + " ms wait";
  }

  if (rx.retry_checked && seen.reconnect.seen) {
    const double d = seen.reconnect.delay_ms;
    const double early = static_cast<double>(rx.expected_ms) - static_cast<double>(reconnect_early_tolerance_ms);
    const bool too_early = d < early;
    const bool too_late = static_cast<double>(rx.late_ms) < d;
    if (too_early || too_late) {
      problems += "- reconnection time " + std::to_string(rx.expected_ms) + " ms";
      if (rx.effective_ms != rx.expected_ms)
        problems += " (" + std::to_string(rx.effective_ms) + " ms with this engine's floor)";
      problems += "\n+ reconnected after " + fmt_ms(d) + (too_early ? " (too early)" : " (too late)") + "\n";
      v.reconnect_late = too_late;
    }
  }
  if (trimmed)
    note += std::string(note.empty() ? "" : "; ") + "end compared without the spaces/tabs HTTP strips from a header";
  v.result.detail = std::move(note);
  if (!problems.empty()) {
    v.result.outcome = conf::outcome::fail;
    v.result.diff = std::move(problems);
  }
  return v;
}

}  // namespace sse::runner
