// capabilities.cpp: what an implementation can observe, and what that means for a verdict.
#include <sse/conformance/conformance.hpp>

#include <algorithm>

namespace sse::conformance {
namespace {

bool cites(const test_case& c, std::initializer_list<std::string_view> rules) {
  return std::any_of(c.rules.begin(), c.rules.end(), [&](const std::string& r) {
    return std::find(rules.begin(), rules.end(), r) != rules.end();
  });
}

}  // namespace

bool capabilities::observes(observation_kind kind) const noexcept {
  switch (kind) {
    case observation_kind::event: return events;
    case observation_kind::retry: return retry;
    case observation_kind::last_event_id: return last_event_id_commits;
    case observation_kind::comment: return comments;
    case observation_kind::end: return end;
  }
  return false;
}

observation_log project(const observation_log& log, const capabilities& caps) {
  observation_log out;
  out.reserve(log.size());
  for (const auto& o : log) {
    if (caps.observes(o.kind)) out.push_back(o);
  }
  return out;
}

bool can_check(const test_case& c, const capabilities& caps) {
  // A retry case is about retry observations (or their absence): without them nothing is checked.
  if (!caps.retry && cites(c, {"R22", "R23", "R24"})) return false;
  // A case about committing the last event ID string (R26) needs to see the commit or its effect.
  if (!caps.last_event_id_commits && !caps.end && cites(c, {"R26"})) return false;
  // Comments are dropped silently: a consumer that hides them is checked on everything else.
  return true;
}

}  // namespace sse::conformance
