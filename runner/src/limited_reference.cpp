#include "limited_reference.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace sse::runner {
namespace {

class limited_reference final : public conformance::implementation {
public:
  explicit limited_reference(parser_limits limits) : limits_(limits) {}

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
  [[nodiscard]] conformance::capabilities caps() const override { return conformance::capabilities::all(); }

private:
  void check(parse_error error) const {
    if (error == parse_error::line_too_long)
      throw std::runtime_error("the reference parser stopped: a line is longer than --parser-max-line-bytes " +
                               std::to_string(limits_.max_line_bytes));
    if (error == parse_error::event_too_large)
      throw std::runtime_error(
          "the reference parser stopped: an event's data is larger than --parser-max-event-bytes " +
          std::to_string(limits_.max_event_bytes));
  }

  parser_limits limits_;
  observation_recorder recorder_;
  std::unique_ptr<parser> parser_;
};

}  // namespace

std::unique_ptr<conformance::implementation> make_limited_reference(parser_limits limits) {
  return std::make_unique<limited_reference>(limits);
}

}  // namespace sse::runner
