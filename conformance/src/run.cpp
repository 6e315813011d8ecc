// run.cpp: one case, one chunking, one implementation: feed, check latency after every chunk, compare.
#include <sse/conformance/conformance.hpp>

#include <algorithm>
#include <utility>

namespace sse::conformance {
namespace {

/// The reference parser with every capability: comments reported, G1 initial last event ID.
class reference_implementation final : public implementation {
public:
  reference_implementation(parser_limits limits, limit_handler on_limit)
      : limits_(limits), on_limit_(std::move(on_limit)) {}

  void begin(std::string_view initial_last_event_id) override {
    parser_options options;
    options.initial_last_event_id = std::string(initial_last_event_id);
    options.report_comments = true;
    options.limits = limits_;
    parser_.reset();  // it refers to recorder_, so it goes first
    recorder_.log.clear();
    parser_ = std::make_unique<parser>(recorder_, std::move(options));
  }
  observation_log feed(std::string_view chunk) override {
    if (!parser_) begin({});
    check(parser_->feed(chunk));
    return std::exchange(recorder_.log, {});
  }
  observation_log finish() override {
    if (!parser_) begin({});
    check(parser_->error());
    parser_->finish();
    return std::exchange(recorder_.log, {});
  }
  [[nodiscard]] capabilities caps() const override { return capabilities::all(); }

private:
  void check(parse_error error) const {
    if (error != parse_error::none && on_limit_) on_limit_(error);
  }

  parser_limits limits_;
  limit_handler on_limit_;
  observation_recorder recorder_;
  std::unique_ptr<parser> parser_;
};

std::string list_observations(const observation* first, const observation* last) {
  std::string out;
  for (; first != last; ++first) out += "\n  " + format_observation(*first);
  return out;
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

/// The latency problem after a chunk, in plain words. Judged only when the final log is right, so
/// every observation here is an expected one that came too early or too late.
std::string describe_latency(std::size_t chunk_index, std::size_t chunk_count, std::size_t chunk_begin,
                             std::size_t delivered, std::size_t body_size, const observation_log& due,
                             const observation_log& observed) {
  std::string where = "after chunk " + std::to_string(chunk_index + 1) + " of " + std::to_string(chunk_count) + " (";
  where += delivered == chunk_begin ? "empty, at byte " + std::to_string(chunk_begin)
                                    : "bytes " + std::to_string(chunk_begin) + ".." + std::to_string(delivered - 1);
  where += "; " + std::to_string(delivered) + " of " + plural(body_size, "byte") + " delivered) expected " +
           plural(due.size(), "observation") + ", got " + std::to_string(observed.size());
  if (observed.size() < due.size()) {
    return where + "; still pending although its last byte has arrived:" +
           list_observations(due.data() + observed.size(), due.data() + due.size());
  }
  return where + "; reported before the bytes that complete it arrived:" +
         list_observations(observed.data() + due.size(), observed.data() + observed.size());
}

}  // namespace

std::unique_ptr<implementation> make_reference_implementation(parser_limits limits, limit_handler on_limit) {
  return std::make_unique<reference_implementation>(limits, std::move(on_limit));
}

std::vector<std::size_t> due_counts(const test_case& c) {
  parser_options options;
  options.initial_last_event_id = c.initial_last_event_id;
  options.report_comments = true;
  observation_recorder recorder;
  parser p(recorder, std::move(options));
  std::vector<std::size_t> due;
  due.reserve(c.bytes.size() + 1);
  due.push_back(0);
  for (std::size_t i = 0; i < c.bytes.size(); ++i) {
    (void)p.feed(std::string_view(c.bytes).substr(i, 1));
    due.push_back(recorder.log.size());
  }
  return due;
}

std::string_view to_string(outcome o) noexcept {
  static constexpr std::string_view names[] = {"PASS", "FAIL", "SKIP", "CRASH", "TIMEOUT", "PROTOCOL-ERROR"};
  static_assert(std::size(names) == std::size(all_outcomes));
  const auto i = static_cast<std::size_t>(o);
  return i < std::size(names) ? names[i] : "UNKNOWN";
}

std::optional<outcome> outcome_from_string(std::string_view s) noexcept {
  for (auto o : all_outcomes)
    if (to_string(o) == s) return o;
  return std::nullopt;
}

case_result run_case(implementation& impl, const test_case& c, const chunking& ch,
                     const std::vector<std::size_t>& due) {
  case_result result;
  if (std::string why = why_unchecked(c, impl.caps()); !why.empty()) {
    result.outcome = outcome::skip;
    result.detail = std::move(why);
    return result;
  }
  const capabilities caps = capabilities_for(c, impl.caps());
  std::vector<std::size_t> computed_due;
  const std::vector<std::size_t>& due_at = due.size() == c.bytes.size() + 1 ? due : (computed_due = due_counts(c));

  const observation_log expected = project(c.expected, caps);
  // observable_before[k]: how many of the first k expected observations survive the projection.
  std::vector<std::size_t> observable_before{0};
  for (const auto& o : c.expected) {
    observable_before.push_back(observable_before.back() + (caps.observes(o.kind) ? 1 : 0));
  }

  const std::vector<owned_chunk> chunks = cut(c.bytes, ch);
  std::string latency_problem;
  std::size_t delivered = 0;
  impl.begin(c.initial_last_event_id);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const std::size_t chunk_begin = delivered;
    for (auto& o : project(impl.feed(chunks[i].view()), caps)) result.observed.push_back(std::move(o));
    delivered += chunks[i].size;
    // A final-log implementation reports at end of body by declaration: its lateness is reported
    // once per run, not per case.
    if (caps.final_log || !latency_problem.empty()) continue;  // the first problem says it
    const std::size_t due_now = observable_before[std::min(due_at[delivered], c.expected.size())];
    if (result.observed.size() != due_now) {
      const observation_log due_prefix(
          expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(std::min(due_now, expected.size())));
      latency_problem =
          describe_latency(i, chunks.size(), chunk_begin, delivered, c.bytes.size(), due_prefix, result.observed);
    }
  }
  for (auto& o : project(impl.finish(), caps)) result.observed.push_back(std::move(o));

  // Wrong content is a content problem, whatever the chunk it showed in; lateness is judged only
  // when the content is right (then the count after a chunk is the whole question).
  if (const comparison final_log = compare_logs(expected, result.observed); !final_log.equal) {
    result.diff = "the final log differs from the expected one (- expected, + observed):\n" + final_log.diff;
  } else if (!latency_problem.empty()) {
    result.diff = "latency: " + latency_problem;
  }
  result.outcome = result.diff.empty() ? outcome::pass : outcome::fail;
  if (const auto unchecked = unchecked_observations(c, impl.caps()); !unchecked.empty()) {
    result.detail = "partial: not checked:";
    for (std::size_t i = 0; i < unchecked.size(); ++i) result.detail += (i == 0 ? " " : "; ") + unchecked[i];
  }
  return result;
}

}  // namespace sse::conformance
