// sse/observation.hpp: the observation log, the data model of the fixtures' `expected` arrays.
#pragma once

#include <sse/types.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sse {

enum class observation_kind : std::uint8_t { event, retry, last_event_id, comment, end };

[[nodiscard]] constexpr std::string_view to_string(observation_kind k) noexcept {
  switch (k) {
    case observation_kind::event: return "event";
    case observation_kind::retry: return "retry";
    case observation_kind::last_event_id: return "last_event_id";
    case observation_kind::comment: return "comment";
    case observation_kind::end: return "end";
  }
  return "unknown";
}

/// One observation. Which members are meaningful depends on `kind`:
///   event:          type, data, last_event_id
///   retry:          ms
///   last_event_id:  last_event_id (the newly committed value; JSON key "value")
///   comment:        text
///   end:            last_event_id
/// Unused members stay empty/zero, so defaulted equality compares exactly the meaningful ones.
struct observation {
  observation_kind kind = observation_kind::end;
  std::string type;
  std::string data;
  std::string last_event_id;
  std::string text;
  std::uint64_t ms = 0;

  static observation event(std::string_view type, std::string_view data, std::string_view last_event_id) {
    return {observation_kind::event, std::string(type), std::string(data), std::string(last_event_id), {}, 0};
  }
  static observation retry(std::uint64_t ms) { return {observation_kind::retry, {}, {}, {}, {}, ms}; }
  static observation id_commit(std::string_view value) {
    return {observation_kind::last_event_id, {}, {}, std::string(value), {}, 0};
  }
  static observation comment(std::string_view text) {
    return {observation_kind::comment, {}, {}, {}, std::string(text), 0};
  }
  static observation end(std::string_view last_event_id) {
    return {observation_kind::end, {}, {}, std::string(last_event_id), {}, 0};
  }

  bool operator==(const observation&) const = default;
};

using observation_log = std::vector<observation>;

/// A parser_handler that appends every observation to a log. Use with report_comments = true to
/// record comments too.
class observation_recorder : public parser_handler {
public:
  observation_log log;

  void on_event(const event_view& e) override { log.push_back(observation::event(e.type, e.data, e.last_event_id)); }
  void on_retry(std::uint64_t ms) override { log.push_back(observation::retry(ms)); }
  void on_last_event_id(std::string_view id) override { log.push_back(observation::id_commit(id)); }
  void on_comment(std::string_view text) override { log.push_back(observation::comment(text)); }
  void on_end(std::string_view id) override { log.push_back(observation::end(id)); }
};

}  // namespace sse
