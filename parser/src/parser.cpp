#include <sse/parser.hpp>

#include <utility>

namespace sse {

parser::parser(parser_handler& handler, parser_options options) : interpreter_(handler, std::move(options)) {}

parse_error parser::feed(std::string_view bytes) {
  return feed(std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

parse_error parser::feed(std::span<const std::byte> bytes) {
  return feed(std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

parse_error parser::feed(std::span<const unsigned char> bytes) {
  if (finished_ || interpreter_.error() != parse_error::none) return interpreter_.error();
  decoder_.decode(bytes.data(), bytes.size(), [this](std::string_view text) { splitter_.split(text, interpreter_); });
  return interpreter_.error();
}

void parser::finish() {
  if (finished_) return;
  finished_ = true;
  if (interpreter_.error() == parse_error::none) {
    // A held-back BOM prefix or incomplete sequence still reaches the (then discarded) last line.
    decoder_.finish([this](std::string_view text) { splitter_.split(text, interpreter_); });
  }
  interpreter_.finish();
}

void parser::reset(std::string_view last_event_id) {
  decoder_.reset();
  splitter_.reset();
  interpreter_.reset(last_event_id);
  finished_ = false;
}

observation_log observe(std::string_view bytes, std::string_view initial_last_event_id) {
  observation_recorder recorder;
  parser_options options;
  options.initial_last_event_id = std::string(initial_last_event_id);
  options.report_comments = true;
  parser p(recorder, std::move(options));
  p.feed(bytes);
  p.finish();
  return std::move(recorder.log);
}

}  // namespace sse
