// bindings.cpp: the C ABI between the JS package (wasm/index.js) and the reference parser.
//
// Chosen for speed over Embind: a feed() is one call into WebAssembly, and everything it observed
// comes back as two flat buffers that JS reads in place:
//   - `text`: the UTF-8 of every string of every observation, concatenated in order. JS turns it into
//     one JS string with ONE TextDecoder.decode() per feed and slices the fields out of it;
//   - `records`: uint32 words, per observation its kind then the UTF-16 lengths of its strings (so the
//     slices need no second decoding pass in JS). They are written as byte lengths, and converted
//     once per feed only when the text is not all ASCII (the common case needs no conversion):
//       event          [0, type_len | no_text, data_len, last_event_id_len | no_text]
//       retry          [1, ms_low32, ms_high32]
//       last_event_id  [2, value_len]
//       comment        [3, text_len]
//       end            [4, last_event_id_len | no_text]
//     `no_text` stands for a string JS already has, so the usual cases copy nothing: the type
//     "message", and the parser's last event ID string (see parser_state::id()).
// The parser_state header below is read by JS through HEAPU32, so its layout is part of the ABI.
//
// The conformance functions (compare_logs, log_to_json, format_observation, escape_bytes) take and
// return text through one scratch buffer; they are not on a hot path.
#include <sse/conformance/conformance.hpp>
#include <sse/detail/scan.hpp>
#include <sse/parser.hpp>

#include <emscripten/emscripten.h>

#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace sc = sse::conformance;

constexpr std::uint32_t no_text = 0xFFFFFFFFu;

enum class record_kind : std::uint32_t { event = 0, retry = 1, last_event_id = 2, comment = 3, end = 4 };

/// Output buffers larger than this are released after the feed that needed them, so one huge event
/// does not pin its memory for the life of the parser.
constexpr std::size_t keep_capacity = std::size_t{4} << 20;

/// The number of UTF-16 code units of well-formed UTF-8 text (the parser only emits well-formed
/// UTF-8): one per code point, two for code points above U+FFFF (4-byte sequences).
std::uint32_t utf16_length(const unsigned char* p, std::size_t n) noexcept {
  const unsigned char* end = p + n;
  const unsigned char* q = sse::detail::find_non_ascii(p, end);
  auto units = static_cast<std::size_t>(q - p);
  for (; q != end; ++q) {
    const unsigned char b = *q;
    units += static_cast<std::size_t>((b & 0xC0u) != 0x80u) + static_cast<std::size_t>(b >= 0xF0u);
  }
  return static_cast<std::uint32_t>(units);
}

/// A growable array of trivially copyable T in malloc'd memory: the output buffers, written on every
/// observation, so appending is an inline capacity check and a memcpy (memory.copy with bulk memory).
template <class T>
class output_buffer {
public:
  output_buffer() = default;
  output_buffer(const output_buffer&) = delete;
  output_buffer& operator=(const output_buffer&) = delete;
  ~output_buffer() { std::free(data_); }

  /// Room for `n` more elements at the end; returns where to write them.
  T* extend(std::size_t n) {
    if (cap_ - size_ < n) grow(n);
    T* at = data_ + size_;
    size_ += n;
    return at;
  }
  void append(const T* src, std::size_t n) {
    if (n != 0) std::memcpy(extend(n), src, n * sizeof(T));
  }
  /// Empties the buffer, releasing its memory when it grew beyond `keep_bytes`.
  void clear(std::size_t keep_bytes) {
    size_ = 0;
    if (cap_ * sizeof(T) > keep_bytes) {
      std::free(data_);
      data_ = nullptr;
      cap_ = 0;
    }
  }
  [[nodiscard]] T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
  void grow(std::size_t n) {
    std::size_t cap = cap_ < 64 ? 64 : cap_ * 2;
    while (cap - size_ < n) cap *= 2;
    auto* p = static_cast<T*>(std::realloc(data_, cap * sizeof(T)));
    if (p == nullptr) std::abort();  // out of WebAssembly memory (the heap limit is 2 GiB)
    data_ = p;
    cap_ = cap;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

/// type == "message", without a call to memcmp (WebAssembly has no inline expansion of it).
bool is_message(std::string_view type) noexcept {
  if (type.size() != 7) return false;
  std::uint32_t a, b;
  std::memcpy(&a, type.data(), 4);
  std::memcpy(&b, type.data() + 3, 4);
  return a == 0x7373656DU && b == 0x65676173U;  // "mess", "sage" (little-endian)
}

std::uint32_t address(const void* p) noexcept {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p));
}

/// The part of a parser's state that JS reads directly (HEAPU32[header >> 2 + i]).
struct parser_header {
  std::uint32_t records_ptr = 0;  // [0] first record word
  std::uint32_t records_len = 0;  // [1] record words written by the last feed/finish
  std::uint32_t text_ptr = 0;     // [2] UTF-8 text of the last feed/finish
  std::uint32_t text_len = 0;     // [3] its length in bytes
  std::uint32_t input_ptr = 0;    // [4] where JS writes the next chunk
  std::uint32_t input_cap = 0;    // [5] its capacity in bytes
  std::uint32_t error = 0;        // [6] sse::parse_error (sticky until reset)
  std::uint32_t ascii = 0;        // [7] 1 when the text is all ASCII
};
static_assert(sizeof(parser_header) == 8 * 4);

/// A parser, its input buffer and the buffers its observations are written to.
class parser_state final : public sse::parser_handler {
public:
  parser_header header;

  /// (Re)creates the parser. `last_event_id` is read from the input buffer.
  void init(std::uint32_t id_len, bool report_comments, std::uint32_t max_line, std::uint32_t max_event) {
    options_.initial_last_event_id.assign(input_.data(), id_len);
    options_.report_comments = report_comments;
    options_.limits.max_line_bytes = max_line;
    options_.limits.max_event_bytes = max_event;
    parser_.reset();
    parser_.emplace(*this, options_);
    header.error = 0;
  }

  std::uint32_t reserve(std::uint32_t size) {
    if (size > input_.size()) {
      input_.clear();
      input_.shrink_to_fit();
      input_.resize(size);
    } else if (input_.size() > keep_capacity && size <= keep_capacity) {
      std::vector<char>(keep_capacity).swap(input_);
    }
    header.input_ptr = address(input_.data());
    header.input_cap = static_cast<std::uint32_t>(input_.size());
    return header.input_ptr;
  }

  std::uint32_t feed(std::uint32_t size) {
    begin_output();
    parser_->feed(std::string_view(input_.data(), size));
    return end_output();
  }

  std::uint32_t finish() {
    begin_output();
    parser_->finish();
    return end_output();
  }

  /// A new response (reconnection): `last_event_id` is read from the input buffer.
  void reset(std::uint32_t id_len) {
    parser_->reset(std::string_view(input_.data(), id_len));
    header.error = 0;
  }

  [[nodiscard]] const sse::parser& parser() const { return *parser_; }

  // ---- sse::parser_handler ----
  void on_event(const sse::event_view& e) override {
    std::uint32_t* r = records_.extend(4);
    r[0] = static_cast<std::uint32_t>(record_kind::event);
    r[1] = is_message(e.type) ? no_text : string(e.type);
    r[2] = string(e.data);
    r[3] = id(e.last_event_id);
  }
  void on_retry(std::uint64_t ms) override {
    std::uint32_t* r = records_.extend(3);
    r[0] = static_cast<std::uint32_t>(record_kind::retry);
    r[1] = static_cast<std::uint32_t>(ms);
    r[2] = static_cast<std::uint32_t>(ms >> 32);
  }
  void on_last_event_id(std::string_view value) override { put(record_kind::last_event_id, string(value)); }
  void on_comment(std::string_view text) override { put(record_kind::comment, string(text)); }
  void on_end(std::string_view value) override { put(record_kind::end, id(value)); }
  void on_error(sse::parse_error e) override { header.error = static_cast<std::uint32_t>(e); }

private:
  void put(record_kind kind, std::uint32_t word) {
    std::uint32_t* r = records_.extend(2);
    r[0] = static_cast<std::uint32_t>(kind);
    r[1] = word;
  }
  /// Appends a string to the text; returns its length in bytes (see utf16_lengths()).
  std::uint32_t string(std::string_view s) {
    text_.append(s.data(), s.size());
    return static_cast<std::uint32_t>(s.size());
  }
  /// Turns the byte lengths of the records into UTF-16 lengths, when the text is not all ASCII.
  void utf16_lengths() {
    const auto* text = reinterpret_cast<const unsigned char*>(text_.data());
    header.ascii = sse::detail::find_non_ascii(text, text + text_.size()) == text + text_.size() ? 1 : 0;
    if (header.ascii != 0) return;
    std::uint32_t* r = records_.data();
    std::uint32_t* const end = r + records_.size();
    const auto convert = [&text](std::uint32_t& length) {
      if (length == no_text) return;
      const std::uint32_t bytes = length;
      length = utf16_length(text, bytes);
      text += bytes;
    };
    while (r != end) {
      switch (static_cast<record_kind>(r[0])) {
        case record_kind::event:
          convert(r[1]);
          convert(r[2]);
          convert(r[3]);
          r += 4;
          break;
        case record_kind::retry: r += 3; break;
        default:
          convert(r[1]);
          r += 2;
          break;
      }
    }
  }
  /// The last event ID of an event or end: `no_text` when it is the parser's last event ID string,
  /// which JS always has: it is the value JS gave at init()/reset(), or the value of the last
  /// last_event_id observation, the only ways the parser changes it (dispatch step 1). A different
  /// string (not produced by this parser) is sent as text.
  std::uint32_t id(std::string_view value) {
    const std::string_view current = parser_->last_event_id();
    if (value.data() == current.data() && value.size() == current.size()) return no_text;
    return string(value);
  }
  void begin_output() {
    text_.clear(keep_capacity);
    records_.clear(keep_capacity / 4);
  }
  std::uint32_t end_output() {
    utf16_lengths();
    header.records_ptr = address(records_.data());
    header.records_len = static_cast<std::uint32_t>(records_.size());
    header.text_ptr = address(text_.data());
    header.text_len = static_cast<std::uint32_t>(text_.size());
    return header.records_len;
  }

  sse::parser_options options_;
  std::optional<sse::parser> parser_;
  std::vector<char> input_;
  output_buffer<char> text_;
  output_buffer<std::uint32_t> records_;
};

// ---- text in, text out (the conformance functions) ----
std::vector<char> scratch;
std::string result;

std::string_view scratch_view(std::uint32_t offset, std::uint32_t len) {
  return std::string_view(scratch.data() + offset, len);
}

/// Reads a JSON observation log for `which` ("expected", "observed", "log"); on error sets `result`.
std::optional<sse::observation_log> read_log(std::string_view json, std::string_view which) {
  std::string error;
  auto log = sc::log_from_json(json, &error);
  if (!log) result = std::string(which) + " is not an observation log: " + error;
  return log;
}

}  // namespace

extern "C" {

// ---- parsers ----

EMSCRIPTEN_KEEPALIVE parser_state* sse_parser_new() { return new parser_state(); }
EMSCRIPTEN_KEEPALIVE parser_header* sse_parser_header(parser_state* p) { return &p->header; }
EMSCRIPTEN_KEEPALIVE void sse_parser_delete(parser_state* p) { delete p; }

/// Ensures the input buffer holds at least `size` bytes; returns its address (also in the header).
EMSCRIPTEN_KEEPALIVE std::uint32_t sse_parser_reserve(parser_state* p, std::uint32_t size) { return p->reserve(size); }

/// Creates the parser; the initial last event ID (UTF-8, `id_len` bytes) is in the input buffer.
EMSCRIPTEN_KEEPALIVE void sse_parser_init(parser_state* p, std::uint32_t id_len, int report_comments,
                                          std::uint32_t max_line_bytes, std::uint32_t max_event_bytes) {
  p->init(id_len, report_comments != 0, max_line_bytes, max_event_bytes);
}

/// Feeds the first `size` bytes of the input buffer; returns the number of record words written.
EMSCRIPTEN_KEEPALIVE std::uint32_t sse_parser_feed(parser_state* p, std::uint32_t size) { return p->feed(size); }
EMSCRIPTEN_KEEPALIVE std::uint32_t sse_parser_finish(parser_state* p) { return p->finish(); }
/// Starts a new response; its initial last event ID (UTF-8, `id_len` bytes) is in the input buffer.
EMSCRIPTEN_KEEPALIVE void sse_parser_reset(parser_state* p, std::uint32_t id_len) { p->reset(id_len); }

/// The reconnection time in ms (-1 when no valid retry field was seen), as a double (exact to 2^53).
EMSCRIPTEN_KEEPALIVE double sse_parser_reconnection_time(parser_state* p) {
  return static_cast<double>(p->parser().reconnection_time());
}
EMSCRIPTEN_KEEPALIVE int sse_parser_finished(parser_state* p) { return p->parser().finished() ? 1 : 0; }

// ---- text in, text out ----

/// A buffer of at least `size` bytes where JS writes the arguments of the functions below.
EMSCRIPTEN_KEEPALIVE char* sse_scratch(std::uint32_t size) {
  if (scratch.size() < size) {
    scratch.clear();
    scratch.shrink_to_fit();
    scratch.resize(size);
  }
  return scratch.data();
}
EMSCRIPTEN_KEEPALIVE const char* sse_result_ptr() { return result.data(); }
EMSCRIPTEN_KEEPALIVE std::uint32_t sse_result_len() { return static_cast<std::uint32_t>(result.size()); }
/// Releases the scratch and result buffers (they only grow otherwise).
EMSCRIPTEN_KEEPALIVE void sse_release_scratch() {
  std::vector<char>().swap(scratch);
  std::string().swap(result);
}

/// compare_logs(expected, observed), both JSON logs in the scratch buffer ([0, a) and [a, a + b)).
/// Returns 1 when equal, 0 when different (result: the diff), -1 when an argument is not a log
/// (result: the message).
EMSCRIPTEN_KEEPALIVE int sse_compare_logs(std::uint32_t expected_len, std::uint32_t observed_len) {
  const auto expected = read_log(scratch_view(0, expected_len), "expected");
  if (!expected) return -1;
  const auto observed = read_log(scratch_view(expected_len, observed_len), "observed");
  if (!observed) return -1;
  sc::comparison c = sc::compare_logs(*expected, *observed);
  result = std::move(c.diff);
  return c.equal ? 1 : 0;
}

/// log_to_json(log) of a JSON log in the scratch buffer: the canonical text the native side writes.
/// Returns 0 (result: the JSON) or -1 (result: the message).
EMSCRIPTEN_KEEPALIVE int sse_log_to_json(std::uint32_t len) {
  const auto log = read_log(scratch_view(0, len), "log");
  if (!log) return -1;
  result = sc::log_to_json(*log);
  return 0;
}

/// format_observation() of every observation of a JSON log, one per line. Returns 0 or -1.
EMSCRIPTEN_KEEPALIVE int sse_format_log(std::uint32_t len) {
  const auto log = read_log(scratch_view(0, len), "log");
  if (!log) return -1;
  result.clear();
  for (std::size_t i = 0; i < log->size(); ++i) {
    if (i != 0) result += '\n';
    result += sc::format_observation((*log)[i]);
  }
  return 0;
}

/// escape_bytes() of the bytes in the scratch buffer.
EMSCRIPTEN_KEEPALIVE void sse_escape_bytes(std::uint32_t len) { result = sc::escape_bytes(scratch_view(0, len)); }

/// Bytes of the WebAssembly heap currently allocated by malloc (for leak tests).
EMSCRIPTEN_KEEPALIVE std::uint32_t sse_heap_in_use() { return static_cast<std::uint32_t>(mallinfo().uordblks); }

}  // extern "C"
