// fuzz_scenario.cpp: a generated stream as a connection scenario, so that a real EventSource client
// (a runtime's, a library's, a browser's through `connect`'s path) is fuzzed on what it observes.
#include <sse/conformance/fuzz.hpp>

#include <algorithm>

namespace sse::conformance {
namespace {

scenario_request stream_request(std::optional<std::string> last_event_id) {
  scenario_request r;
  r.url = "{origin}/stream";
  r.method = "GET";
  r.accept = "text/event-stream";
  r.cache_control = "no-cache";
  r.last_event_id = std::move(last_event_id);
  return r;
}

scenario_response event_stream(std::vector<scenario_chunk> body, response_end end) {
  scenario_response r;
  r.status = 200;
  r.headers = {{"Content-Type", "text/event-stream"}};
  r.body = std::move(body);
  r.end = end;
  return r;
}

/// The stream's chunks as a response body (empty chunks dropped: a server cannot send one).
std::vector<scenario_chunk> stream_body(const fuzz_stream& stream, std::uint64_t delay_ms) {
  std::vector<scenario_chunk> body;
  std::size_t from = 0;
  std::vector<std::size_t> cuts = stream.chunks.splits;
  cuts.push_back(stream.test.bytes.size());
  for (const std::size_t to : cuts) {
    if (to > from) body.push_back({stream.test.bytes.substr(from, to - from), body.empty() ? 0 : delay_ms});
    from = std::max(from, to);
  }
  return body;
}

/// The longest reconnection time the stream sets (any accepted `retry`), or the primed 1 ms: a
/// client that missed a later `retry` legitimately waits that long, so the scenario must allow it.
std::uint64_t longest_reconnection_time(const observation_log& expected) {
  std::uint64_t ms = 1;
  for (const auto& o : expected)
    if (o.kind == observation_kind::retry) ms = std::max(ms, o.ms);
  return ms;
}

std::size_t page_observations(const scenario_log& log) {
  return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [](const log_entry& e) {
    return e.kind == log_kind::open || e.kind == log_kind::message || e.kind == log_kind::error;
  }));
}

}  // namespace

fuzz_stream case_stream(const test_case& c) {
  return make_fuzz_stream(c.bytes, c.has_pinned_chunks ? c.pinned_splits : std::vector<std::size_t>{}, c.id);
}

scenario fuzz_scenario(const fuzz_stream& stream, const fuzz_scenario_options& options) {
  scenario s;
  s.id = stream.test.id;
  s.description = "A generated stream played to a client: a priming response (retry: 1), the stream, the reconnection.";
  s.area = "fuzz";
  s.rules = rules_reached(stream.test.bytes, stream.chunks);
  s.url = "{origin}/stream";
  std::vector<scenario_chunk> body = stream_body(stream, options.chunk_delay_ms);
  const bool waits = longest_reconnection_time(stream.test.expected) <= options.longest_retry_wait_ms;
  s.exchanges.push_back({stream_request(std::nullopt), event_stream({{"retry: 1\n\n", 0}}, response_end::close)});
  s.exchanges.push_back(
      {stream_request(std::nullopt), event_stream(body, waits ? response_end::close : response_end::hold)});
  if (waits && !stream.test.bytes.empty() && stream.test.bytes.back() == '\r')
    s.exchanges[1].response.end_delay_ms = options.end_after_cr_ms;
  if (waits) {
    std::string last_event_id;
    for (const auto& o : stream.test.expected)
      if (o.kind == observation_kind::end) last_event_id = o.last_event_id;
    scenario_exchange reconnection{stream_request(last_event_id.empty() ? std::nullopt : std::optional(last_event_id)),
                                   {}};
    reconnection.response.status = 204;
    s.exchanges.push_back(std::move(reconnection));
  } else {
    // Close once the last chunk has been sent after the last observation the reference makes.
    const scenario_result held = run_scenario(s);
    const std::uint64_t sending = options.chunk_delay_ms * body.size() + 200;
    s.actions.push_back({page_action_kind::close, page_observations(held.observed), sending});
  }
  s.expected = run_scenario(s).observed;
  return s;
}

}  // namespace sse::conformance
