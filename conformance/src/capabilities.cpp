// capabilities.cpp: what an implementation can observe, and what that means for a verdict. Which
// observations a rule needs is data (fixtures/rules.json, `observable_by`), not code.
#include <sse/conformance/conformance.hpp>

#include <algorithm>
#include <array>

namespace sse::conformance {
namespace {

constexpr std::array<observation_kind, 5> parsing_kinds{observation_kind::event, observation_kind::retry,
                                                        observation_kind::last_event_id, observation_kind::comment,
                                                        observation_kind::end};

/// The parsing-corpus observation kinds among a rule's `observable_by` (connection and encoder
/// kinds say nothing about a parsing consumer).
std::vector<observation_kind> parsing_kinds_of(const rule_entry& r) {
  std::vector<observation_kind> kinds;
  for (const auto& name : r.observable_by)
    for (const auto k : parsing_kinds)
      if (to_string(k) == name) kinds.push_back(k);
  return kinds;
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

std::string describe(const capabilities& caps) {
  std::string out;
  const std::pair<const char*, bool> names[] = {{"events", caps.events},
                                                {"last_event_id_commits", caps.last_event_id_commits},
                                                {"retry", caps.retry},
                                                {"comments", caps.comments},
                                                {"end", caps.end}};
  for (const auto& [name, on] : names) {
    if (!on) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

observation_log project(const observation_log& log, const capabilities& caps) {
  observation_log out;
  out.reserve(log.size());
  for (const auto& o : log) {
    if (caps.observes(o.kind)) out.push_back(o);
  }
  return out;
}

std::string why_unchecked(const test_case& c, const capabilities& caps) {
  const rule_catalogue& rules = bundled_rules();
  for (const auto& id : c.rules) {
    const rule_entry* r = rules.rule(id);
    if (r == nullptr) continue;  // the loader reports unknown ids
    const auto kinds = parsing_kinds_of(*r);
    if (kinds.empty() || std::any_of(kinds.begin(), kinds.end(), [&](auto k) { return caps.observes(k); })) continue;
    std::string needed;
    for (const auto k : kinds) needed += (needed.empty() ? "" : " or ") + std::string(to_string(k));
    return "not checked: it cites " + id + ", which only " + needed +
           " observations show; the implementation reports " + describe(caps);
  }
  return {};
}

bool can_check(const test_case& c, const capabilities& caps) { return why_unchecked(c, caps).empty(); }

bool cites_rule_shown_only_by(const test_case& c, observation_kind k) {
  const rule_catalogue& rules = bundled_rules();
  return std::any_of(c.rules.begin(), c.rules.end(), [&](const std::string& id) {
    const rule_entry* r = rules.rule(id);
    return r != nullptr && parsing_kinds_of(*r) == std::vector<observation_kind>{k};
  });
}

}  // namespace sse::conformance
