// capabilities.cpp: what an implementation can observe, and what that means for a verdict. Which
// observations a rule needs is data (fixtures/rules.json, `observable_by`), not code.
#include <sse/conformance/conformance.hpp>

#include <algorithm>
#include <array>
#include <utility>

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

const std::vector<capability_key>& capability_keys() {
  static const std::vector<capability_key> keys{{"events", &capabilities::events, false},
                                                {"last_event_id_commits", &capabilities::last_event_id_commits, false},
                                                {"retry", &capabilities::retry, false},
                                                {"comments", &capabilities::comments, false},
                                                {"end", &capabilities::end, false},
                                                {"event_ids", &capabilities::event_ids, true},
                                                {"initial_last_event_id", &capabilities::initial_last_event_id, true},
                                                {"final_log", &capabilities::final_log, false}};
  return keys;
}

capabilities capabilities_for(const test_case& c, const capabilities& caps) {
  capabilities out = caps;
  if (!caps.initial_last_event_id && !c.initial_last_event_id.empty()) {
    // The stream starts from "" instead: every last event ID it reports may differ until an id
    // field sets one, so none of them is compared; types, data, retry and comments are.
    out.event_ids = false;
    out.last_event_id_commits = false;
    out.end = false;
  }
  return out;
}

std::string describe(const capabilities& caps) {
  std::string out;
  const std::pair<const char*, bool> names[] = {{"events", caps.events},
                                                {"last_event_id_commits", caps.last_event_id_commits},
                                                {"retry", caps.retry},
                                                {"comments", caps.comments},
                                                {"end", caps.end},
                                                {"events without ids", caps.events && !caps.event_ids},
                                                {"cannot start from a last event ID", !caps.initial_last_event_id},
                                                {"final log only", caps.final_log}};
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
    if (!caps.observes(o.kind)) continue;
    out.push_back(o);
    if (o.kind == observation_kind::event && !caps.event_ids) out.back().last_event_id.clear();
  }
  return out;
}

namespace {

/// The cited rules that only unobserved kinds can show (a retry rule without `retry`), each with the
/// parsing kinds it needs.
std::vector<std::pair<const rule_entry*, std::vector<observation_kind>>> unobservable_rules(const test_case& c,
                                                                                            const capabilities& caps) {
  std::vector<std::pair<const rule_entry*, std::vector<observation_kind>>> out;
  const rule_catalogue& rules = bundled_rules();
  for (const auto& id : c.rules) {
    const rule_entry* r = rules.rule(id);
    if (r == nullptr) continue;  // the loader reports unknown ids
    auto kinds = parsing_kinds_of(*r);
    if (kinds.empty() || std::any_of(kinds.begin(), kinds.end(), [&](auto k) { return caps.observes(k); })) continue;
    out.emplace_back(r, std::move(kinds));
  }
  return out;
}

}  // namespace

std::string why_unchecked(const test_case& c, const capabilities& caps) {
  const capabilities applied = capabilities_for(c, caps);
  if (!project(c.expected, applied).empty()) return {};
  const auto unobservable = unobservable_rules(c, applied);
  if (unobservable.empty()) return {};
  const auto& [rule, kinds] = unobservable.front();
  std::string needed;
  for (const auto k : kinds) needed += (needed.empty() ? "" : " or ") + std::string(to_string(k));
  return "not checked: it cites " + rule->id + ", which only " + needed +
         " observations show, and nothing else it expects is observable; the implementation reports " +
         describe(applied);
}

bool can_check(const test_case& c, const capabilities& caps) { return why_unchecked(c, caps).empty(); }

std::vector<std::string> unchecked_observations(const test_case& c, const capabilities& caps) {
  const capabilities applied = capabilities_for(c, caps);
  std::vector<std::string> out;
  for (const auto k : parsing_kinds) {
    if (applied.observes(k)) continue;
    const bool expected = std::any_of(c.expected.begin(), c.expected.end(), [&](const auto& o) { return o.kind == k; });
    std::string cited;
    for (const auto& [rule, kinds] : unobservable_rules(c, applied))
      if (std::find(kinds.begin(), kinds.end(), k) != kinds.end()) cited += (cited.empty() ? "" : ", ") + rule->id;
    if (!expected && cited.empty()) continue;
    out.push_back(std::string(to_string(k)) + " observations" + (cited.empty() ? "" : " (" + cited + ")"));
  }
  const bool has_events = std::any_of(c.expected.begin(), c.expected.end(),
                                      [](const auto& o) { return o.kind == observation_kind::event; });
  if (caps.events && !caps.event_ids && has_events) out.emplace_back("events' last event IDs");
  if (!caps.initial_last_event_id && !c.initial_last_event_id.empty())
    out.emplace_back("what depends on the initial last event ID (the implementation cannot start from one)");
  return out;
}

bool cites_rule_shown_only_by(const test_case& c, observation_kind k) {
  const rule_catalogue& rules = bundled_rules();
  return std::any_of(c.rules.begin(), c.rules.end(), [&](const std::string& id) {
    const rule_entry* r = rules.rule(id);
    return r != nullptr && parsing_kinds_of(*r) == std::vector<observation_kind>{k};
  });
}

}  // namespace sse::conformance
