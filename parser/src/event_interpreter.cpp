// The event-stream interpretation rules, §9.2.6 of the HTML Standard:
// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
#include <sse/event_interpreter.hpp>

#include <algorithm>
#include <cstring>
#include <utility>

namespace sse {

namespace {
constexpr std::size_t longest_field_name = 5;  // "event", "retry"

/// The position of the first ':' among the first `limit` bytes of `text`, or `limit` when there is
/// none (limit <= text.size()). Only a colon within the first longest_field_name + 1 bytes of a name
/// can end a known name, so only those are ever scanned.
std::size_t colon_within(std::string_view text, std::size_t limit) noexcept {
  std::size_t position = 0;
  while (position < limit && text[position] != ':') ++position;
  return position;
}

/// Two strings hold the same bytes. Compares the last byte first: consecutive event ids mostly
/// differ there (counters), and the call to memcmp is then skipped.
bool same_bytes(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  if (a.back() != b.back()) return false;
  return std::memcmp(a.data(), b.data(), a.size() - 1) == 0;
}
}  // namespace

event_interpreter::event_interpreter(parser_handler& handler, parser_options options)
    : handler_(&handler), options_(std::move(options)) {
  last_event_id_ = options_.initial_last_event_id;
}

void event_interpreter::fail(parse_error e) {
  if (error_ != parse_error::none) return;
  error_ = e;
  handler_->on_error(e);
}

void event_interpreter::clear_line() noexcept {
  kind_ = line_kind::name;
  line_bytes_ = 0;
  name_.clear();
  value_started_ = false;
  value_.clear();
  id_has_nul_ = false;
  retry_value_ = 0;
  retry_digits_ = 0;
  retry_digits_only_ = true;
}

void event_interpreter::on_fragment(std::string_view text) {
  if (error_ != parse_error::none || text.empty()) return;
  const bool line_start = line_bytes_ == 0;
  line_bytes_ += text.size();
  if (options_.limits.max_line_bytes != 0 && line_bytes_ > options_.limits.max_line_bytes) {
    fail(parse_error::line_too_long);
    return;
  }
  if (kind_ == line_kind::name) {
    // "If the line starts with a U+003A COLON character (:)": ignore the line (a comment, R12).
    if (line_start && text.front() == ':') {
      kind_ = line_kind::comment;
      text.remove_prefix(1);
    } else {
      // "If the line contains a U+003A COLON character (:)": the field name is the characters before
      // the first colon, the value the characters after it (R13). A name longer than
      // longest_field_name makes the whole line an ignored field, whatever follows.
      const std::size_t scan = std::min(text.size(), longest_field_name + 1 - name_.size());
      const std::size_t name_len = colon_within(text, scan);
      if (name_len == scan) {
        if (name_.size() + scan > longest_field_name) {
          kind_ = line_kind::unknown;  // "Otherwise: the field is ignored" (R17)
        } else {
          name_.append(text);  // no colon yet: the name may go on in the next fragment
        }
        return;
      }
      if (name_.empty()) {
        begin_value(text.substr(0, name_len));
      } else {
        name_.append(text.substr(0, name_len));
        begin_value(name_);
      }
      text.remove_prefix(name_len + 1);
    }
  }
  if (!text.empty()) consume_value(text);
}

void event_interpreter::on_line_end(std::string_view last_fragment) {
  if (line_bytes_ == 0) {
    process_whole_line(last_fragment);
    return;
  }
  if (!last_fragment.empty()) on_fragment(last_fragment);
  end_line();
}

// The same steps as on_fragment() then end_line(), for a line that arrived in one piece: the value
// goes straight to its buffer instead of through value_.
void event_interpreter::process_whole_line(std::string_view line) {
  if (error_ != parse_error::none) return;
  // "If the line is empty (a blank line): Dispatch the event" (R11).
  if (line.empty()) {
    dispatch();
    return;
  }
  if (options_.limits.max_line_bytes != 0 && line.size() > options_.limits.max_line_bytes) {
    fail(parse_error::line_too_long);
    return;
  }
  // "If the line starts with a U+003A COLON character (:)": ignore the line (a comment, R12).
  if (line.front() == ':') {
    if (options_.report_comments) handler_->on_comment(line.substr(1));
    return;
  }
  const std::size_t scan = std::min(line.size(), longest_field_name + 1);
  const std::size_t name_len = colon_within(line, scan);
  std::string_view value;
  if (name_len == scan) {
    if (scan > longest_field_name) return;  // a longer name: "Otherwise: the field is ignored" (R17)
    // "Otherwise, the string is not empty but does not contain a U+003A COLON character (:)": the
    // whole line is the field name and the empty string the value (R15).
    begin_value(line);
  } else {
    // "If the line contains a U+003A COLON character (:)": the name is before the first colon, the
    // value after it (R13); "If value starts with a U+0020 SPACE character, remove it" (R14).
    begin_value(line.substr(0, name_len));
    value = line.substr(name_len + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  switch (kind_) {
    case line_kind::data:
      // "Append the field value to the data buffer, then append a single U+000A LINE FEED (LF)
      // character to the data buffer" (R19). Into an empty buffer, without limits: borrowed.
      if (data_buffer_.empty() && !has_borrowed_data_ && options_.limits.max_event_bytes == 0) {
        borrowed_data_ = value;
        has_borrowed_data_ = true;
      } else if (append_to_data_buffer(value)) {
        append_to_data_buffer("\n");
      }
      break;
    case line_kind::event: type_buffer_.assign(value); break;  // "Set the event type buffer" (R18)
    case line_kind::id:
      // "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the
      // field value" (R20, R21).
      if (std::find(value.begin(), value.end(), '\0') == value.end()) {  // ids are short: no memchr call
        id_buffer_.assign(value);
        id_buffer_changed_ = true;
      }
      break;
    case line_kind::retry:
      // The digits are read by the same code as a value that arrives in pieces.
      value_started_ = true;
      if (!value.empty()) consume_value(value);
      end_line();
      return;
    default: break;  // unknown field: ignored (R17)
  }
  kind_ = line_kind::name;
}

void event_interpreter::begin_value(std::string_view name) {
  // "The field name is compared literally, with no case folding performed" (R16). Dispatching on the
  // length first keeps this to one short comparison (memcmp is an out-of-line call in WebAssembly).
  switch (name.size()) {
    case 2: kind_ = name == "id" ? line_kind::id : line_kind::unknown; return;
    case 4: kind_ = name == "data" ? line_kind::data : line_kind::unknown; return;
    case 5:
      kind_ = name == "event" ? line_kind::event : name == "retry" ? line_kind::retry : line_kind::unknown;
      return;
    default: kind_ = line_kind::unknown; return;  // "Otherwise: the field is ignored" (R17)
  }
}

void event_interpreter::consume_value(std::string_view value) {
  if (kind_ == line_kind::comment) {
    if (options_.report_comments) value_.append(value);
    return;
  }
  if (!value_started_) {
    value_started_ = true;
    // "If value starts with a U+0020 SPACE character, remove it from value" (exactly one, R14).
    if (value.front() == ' ') {
      value.remove_prefix(1);
      if (value.empty()) return;
    }
  }
  switch (kind_) {
    case line_kind::data:
      // "Append the field value to the data buffer" (the LF follows at the end of the line, R19).
      append_to_data_buffer(value);
      return;
    case line_kind::event: value_.append(value); return;
    case line_kind::id:
      // "If the field value does not contain U+0000 NULL" (R21): remember, keep reading.
      if (!id_has_nul_ && std::memchr(value.data(), '\0', value.size()) != nullptr) id_has_nul_ = true;
      if (!id_has_nul_) value_.append(value);
      return;
    case line_kind::retry:
      // "If the field value consists of only ASCII digits" (R22, R23): accumulate base ten as the
      // digits arrive, clamped to max_reconnection_time_ms (G7) so any length stays linear.
      for (const char c : value) {
        if (c < '0' || c > '9') {
          retry_digits_only_ = false;
          return;
        }
        ++retry_digits_;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        retry_value_ = retry_value_ > (max_reconnection_time_ms - digit) / 10 ? max_reconnection_time_ms
                                                                              : retry_value_ * 10 + digit;
      }
      return;
    default: return;  // unknown field: the value is never stored
  }
}

void event_interpreter::keep_borrowed_data() {
  has_borrowed_data_ = false;
  data_buffer_.assign(borrowed_data_);
  data_buffer_.push_back('\n');
}

void event_interpreter::end_field_without_colon() {
  // "Otherwise, the string is not empty but does not contain a U+003A COLON character (:)": process
  // the field using the whole line as the field name and the empty string as the value (R15).
  begin_value(name_);
}

// The end of a line that came in pieces (never blank: a blank line is always processed whole).
void event_interpreter::end_line() {
  if (error_ != parse_error::none) return;
  if (kind_ == line_kind::name) end_field_without_colon();
  switch (kind_) {
    case line_kind::comment:
      if (options_.report_comments) handler_->on_comment(value_);
      break;
    case line_kind::data:
      // "then append a single U+000A LINE FEED (LF) character to the data buffer" (R19).
      if (!append_to_data_buffer("\n")) return;
      break;
    case line_kind::event:
      type_buffer_.swap(value_);  // "Set the event type buffer to the field value" (R18)
      break;
    case line_kind::id:
      if (!id_has_nul_) {
        id_buffer_.swap(value_);  // "set the last event ID buffer to the field value" (R20)
        id_buffer_changed_ = true;
      }
      break;
    case line_kind::retry:
      // An empty value has no integer to set: ignored (gap G4, fixtures/README.md).
      if (retry_digits_ != 0 && retry_digits_only_) {
        // "interpret the field value as an integer in base ten, and set the event stream's
        // reconnection time to that integer" (at once, not at dispatch: R22).
        reconnection_time_ = static_cast<std::int64_t>(retry_value_);
        handler_->on_retry(retry_value_);
      }
      break;
    default: break;
  }
  clear_line();
}

void event_interpreter::dispatch() {
  // Step 1: "Set the last event ID string of the event source to the value of the last event ID
  // buffer. The buffer does not get reset, so the last event ID string of the event source remains
  // set to this value until the next time it is set by the server." (R26, R27)
  if (id_buffer_changed_) {
    id_buffer_changed_ = false;
    if (!same_bytes(id_buffer_, last_event_id_)) {
      // Both now hold the buffer's value; id_buffer_ is only read again after an `id` field
      // assigns it, so a swap does (no copy, and no allocation once both have grown).
      last_event_id_.swap(id_buffer_);
      handler_->on_last_event_id(last_event_id_);
    }
  }
  std::string_view data;
  if (has_borrowed_data_) {
    // The buffer is the borrowed value and an LF: not empty (step 2), and step 3 removes that LF.
    has_borrowed_data_ = false;
    data = borrowed_data_;
  } else {
    // Step 2: "If the data buffer is an empty string, set the data buffer and the event type buffer
    // to the empty string and return." (R28)
    if (data_buffer_.empty()) {
      type_buffer_.clear();
      return;
    }
    // Step 3: "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove
    // the last character from the data buffer." (R29)
    if (data_buffer_.back() == '\n') data_buffer_.pop_back();
    data = data_buffer_;
  }
  // Steps 4-6: the event's data, origin, lastEventId; its type is the event type buffer if not empty,
  // otherwise "message" (R30, R31).
  const std::string_view type = type_buffer_.empty() ? std::string_view("message") : std::string_view(type_buffer_);
  handler_->on_event(event_view{type, data, last_event_id_});
  // Step 7: "Set the data buffer and the event type buffer to the empty string." (R32)
  data_buffer_.clear();
  type_buffer_.clear();
}

void event_interpreter::finish() {
  // "Once the end of the file is reached, any pending data must be discarded. (If the file ends in
  // the middle of an event, before the final empty line, the incomplete event is not dispatched.)"
  if (error_ == parse_error::none) {
    clear_line();
    data_buffer_.clear();
    has_borrowed_data_ = false;
    type_buffer_.clear();
    id_buffer_changed_ = false;  // an undispatched id is never committed (R36)
  }
  handler_->on_end(last_event_id_);
}

void event_interpreter::reset(std::string_view last_event_id) {
  clear_line();
  data_buffer_.clear();
  has_borrowed_data_ = false;
  type_buffer_.clear();
  last_event_id_.assign(last_event_id);
  id_buffer_changed_ = false;
  error_ = parse_error::none;
}

}  // namespace sse
