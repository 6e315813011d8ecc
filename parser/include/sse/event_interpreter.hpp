// sse/event_interpreter.hpp: stage 3, lines to observations (§9.2.6 "process the field" and
// "dispatch the event").
//
// Lines arrive as fragments then an end-of-line, so a field's value is consumed as it arrives: a
// `data` value goes straight into the data buffer and an unknown field's value is not stored at all.
// Memory is bounded by the pending event plus the `event`/`id` value being read.
#pragma once

#include <sse/types.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sse {

class event_interpreter {
public:
  event_interpreter(parser_handler& handler, parser_options options);

  /// The next piece of the current line (UTF-8 text without CR or LF), which goes on later.
  void on_fragment(std::string_view text);
  /// The current line ends with `last_fragment` (possibly empty): the same as on_fragment() of it,
  /// then the end of the line. When no fragment came before, the line is processed whole, without
  /// staging the field value (the common case, and the fast path).
  void on_line_end(std::string_view last_fragment = {});
  /// The text that the fragments and lines since the last call were views of is about to go away:
  /// a data value still borrowed from it is copied into the data buffer.
  void on_text_end() {
    if (has_borrowed_data_) keep_borrowed_data();
  }
  /// One whole line (for tests and simple callers); nothing refers to `line` afterwards.
  void process_line(std::string_view line) {
    on_line_end(line);
    on_text_end();
  }
  /// End of stream: discards the partial line and the pending block (R35, R36), then on_end().
  void finish();
  /// A new response (reconnection): buffers empty, the last event ID buffer and string start from
  /// `last_event_id` (G1); the reconnection time is kept (R37).
  void reset(std::string_view last_event_id);

  [[nodiscard]] std::string_view last_event_id() const noexcept { return last_event_id_; }
  [[nodiscard]] std::int64_t reconnection_time() const noexcept { return reconnection_time_; }
  [[nodiscard]] parse_error error() const noexcept { return error_; }

private:
  // What the current line turned out to be, once known.
  enum class line_kind : std::uint8_t { name, comment, data, event, id, retry, unknown };

  void process_whole_line(std::string_view line);
  void begin_value(std::string_view name);
  void consume_value(std::string_view value);
  bool append_to_data_buffer(std::string_view text) {  // inline: the hot step of every data line
    if (has_borrowed_data_) keep_borrowed_data();
    if (options_.limits.max_event_bytes != 0 && data_buffer_.size() + text.size() > options_.limits.max_event_bytes) {
      fail(parse_error::event_too_large);
      return false;
    }
    data_buffer_.append(text);
    return true;
  }
  void keep_borrowed_data();
  void end_field_without_colon();
  void end_line();
  void dispatch();
  void fail(parse_error e);
  void clear_line() noexcept;

  parser_handler* handler_;
  parser_options options_;

  // The stream's buffers (§9.2.6): data, event type, last event ID; and the EventSource's state.
  std::string data_buffer_;
  // The first data line of a block, when it arrives whole, is borrowed rather than copied: the data
  // buffer is then borrowed_data_ followed by an LF (data_buffer_ itself is empty). A blank line in
  // the same text dispatches it without a copy; anything else, or the end of the text, copies it.
  std::string_view borrowed_data_;
  bool has_borrowed_data_ = false;
  std::string type_buffer_;
  // The last event ID buffer is id_buffer_ while id_buffer_changed_ (an `id` field assigned it since
  // the last commit), and equal to last_event_id_ otherwise (id_buffer_'s storage is then unused).
  // Commits are then O(id length) and never copy.
  std::string id_buffer_;
  bool id_buffer_changed_ = false;
  std::string last_event_id_;            // the "last event ID string"
  std::int64_t reconnection_time_ = -1;  // -1: never set by this parser
  parse_error error_ = parse_error::none;

  // The current line.
  line_kind kind_ = line_kind::name;
  std::size_t line_bytes_ = 0;  // bytes of the line so far
  std::string name_;            // the field name while no ':' has been seen (at most 5 bytes)
  bool value_started_ = false;  // the first value byte has been seen (the one-space rule is done)
  std::string value_;           // `event`, `id` or comment value being read
  bool id_has_nul_ = false;
  std::uint64_t retry_value_ = 0;
  std::size_t retry_digits_ = 0;
  bool retry_digits_only_ = true;
};

}  // namespace sse
