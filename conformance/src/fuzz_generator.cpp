// fuzz_generator.cpp: seeded streams made of the pieces that matter to an event-stream parser
// (§9.2.5, §9.2.6): real field lines, every line-ending style, BOMs, invalid and split UTF-8, NUL,
// digit strings for retry, and adversarial chunkings (cuts inside CRLF, BOM and code points, empty
// chunks, one byte at a time).
#include <sse/conformance/fuzz.hpp>

#include "splitmix64.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace sse::conformance {
namespace {

/// The fuzz generator's draws, on the library's one generator.
class random_source : public detail::splitmix64 {
public:
  using splitmix64::splitmix64;
  bool chance(unsigned percent) noexcept { return below(100) < percent; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) noexcept {
    return items[below(N)];
  }
};

constexpr std::string_view bom = "\xEF\xBB\xBF";

constexpr std::array<std::string_view, 3> line_endings = {"\n", "\r", "\r\n"};

// Field names: the four the standard knows, and names that only look like them (R16, R17).
constexpr std::array<std::string_view, 15> field_names = {"data",
                                                          "data",
                                                          "data",
                                                          "data",
                                                          "event",
                                                          "event",
                                                          "id",
                                                          "id",
                                                          "retry",
                                                          "retry",
                                                          "Data",
                                                          "dat",
                                                          std::string_view("data\0", 5),
                                                          " data",
                                                          "\xEF\xBB\xBF"
                                                          "data"};

// Pieces of values: ordinary text, separators, and every byte class the decoder and the splitter
// treat specially (R2, R6, R7, R25; U+2028 and U+0085 are not line ends).
constexpr std::array<std::string_view, 24> value_pieces = {"a",
                                                           "b",
                                                           "hello",
                                                           "x y",
                                                           " ",
                                                           "  ",
                                                           "\t",
                                                           ":",
                                                           "data: not a field",
                                                           "0",
                                                           "42",
                                                           std::string_view("\0", 1),
                                                           "\xE2\x80\xA8",
                                                           "\xC2\x85",
                                                           "\xEF\xBB\xBF",
                                                           "\xC3\xA9",
                                                           "\xE2\x82\xAC",
                                                           "\xF0\x9F\x98\x80",
                                                           "\xFF",
                                                           "\xC3",
                                                           "\xE2\x82",
                                                           "\xC0\xAF",
                                                           "\xED\xA0\x80",
                                                           "\xFE\xFF"};

// Values of retry (R22, R23, G4, G7): digit strings and the near misses parseInt accepts.
constexpr std::array<std::string_view, 12> retry_values = {
    "1000", "0", "03000", "", "12abc", "-1", "+5", "1.5", "5 ", " 7", "99999999999999999999999999", "3000"};

/// A value of a few random pieces.
void append_value(random_source& r, std::string& out) {
  const std::size_t pieces = r.below(4);
  for (std::size_t i = 0; i < pieces; ++i) out += r.pick(value_pieces);
}

void append_line_ending(random_source& r, std::string& out) { out += r.pick(line_endings); }

/// One line of the `fields` shape, terminated.
void append_line(random_source& r, std::string& out) {
  switch (r.below(10)) {
    case 0:  // a comment, sometimes with non-ASCII text (R12)
      out += ':';
      append_value(r, out);
      break;
    case 1:  // a blank line: dispatch (R11)
      break;
    case 2: {  // a colon-less line: the whole line is the name (R15)
      out += r.pick(field_names);
      break;
    }
    default: {
      const std::string_view name = r.pick(field_names);
      out += name;
      out += r.chance(70) ? ": " : ":";
      if (name == "retry" && r.chance(80)) {
        out += r.pick(retry_values);
      } else {
        append_value(r, out);
      }
    }
  }
  append_line_ending(r, out);
}

/// The start of the body: nothing, one BOM, two, a UTF-16 BOM, or a lone BOM byte (R3-R6).
void append_prefix(random_source& r, std::string& out) {
  switch (r.below(10)) {
    case 0: out += bom; break;
    case 1:
      out += bom;
      out += bom;
      break;
    case 2: out += "\xFF\xFE"; break;
    case 3: out += "\xEF\xBB"; break;
    default: break;
  }
}

void fields_body(random_source& r, std::string& out) {
  append_prefix(r, out);
  const std::size_t lines = 1 + r.below(16);
  for (std::size_t i = 0; i < lines; ++i) {
    append_line(r, out);
    if (r.chance(25)) append_line_ending(r, out);  // a blank line after the field
  }
  // The end: dispatched, left unterminated (R35, R36), or a partial last line.
  switch (r.below(4)) {
    case 0: break;
    case 1: out += "data: tail"; break;
    default: append_line_ending(r, out); break;
  }
}

void long_value_body(random_source& r, std::string& out) {
  const std::size_t size = r.chance(5) ? (1u << 20) * (1 + r.below(4)) : 1 + r.below(256u << 10);
  out += r.chance(70) ? "data: " : r.chance(50) ? ":" : "id: ";
  out.append(size, static_cast<char>('a' + r.below(26)));
  out += r.pick(line_endings);
  out += r.pick(line_endings);
}

void many_data_lines_body(random_source& r, std::string& out) {
  const std::size_t lines = 1 + r.below(10000);
  const std::string_view ending = r.pick(line_endings);
  for (std::size_t i = 0; i < lines; ++i) {
    out.append("data: ").append(std::to_string(i)).append(ending);
  }
  out += ending;
}

void many_events_body(random_source& r, std::string& out) {
  const std::size_t events = 1 + r.below(100);
  const std::string_view ending = r.pick(line_endings);
  for (std::size_t i = 0; i < events; ++i) {
    const std::string number = std::to_string(i);
    if (r.chance(30)) out.append("id: ").append(number).append(ending);
    if (r.chance(20)) out.append("event: e").append(number).append(ending);
    out.append("data: ").append(number).append(ending).append(ending);
  }
}

/// Offsets where a cut is adversarial: between CR and LF, inside a BOM, inside a multi-byte sequence.
std::vector<std::size_t> sensitive_offsets(std::string_view bytes) {
  std::vector<std::size_t> at;
  for (std::size_t i = 1; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if ((bytes[i - 1] == '\r' && bytes[i] == '\n') || (byte & 0xC0u) == 0x80u) at.push_back(i);
  }
  return at;
}

/// The chunking of a stream: whole, one byte at a time, random cuts, cuts at the sensitive offsets,
/// or a few hundred chunks for big bodies; sometimes with empty chunks added (R5).
std::vector<std::size_t> draw_splits(random_source& r, std::string_view bytes, stream_shape shape) {
  std::vector<std::size_t> splits;
  const std::size_t n = bytes.size();
  const bool big = shape != stream_shape::fields;
  // Weights out of 12: whole 2, one byte at a time 1 (each byte costs an adapter a round trip),
  // random cuts 4, cuts at the sensitive offsets 5.
  const std::size_t roll = big ? 3 + r.below(9) : r.below(12);
  switch (roll < 2 ? 0 : roll < 3 ? 1 : roll < 7 ? 2 : 3) {
    case 0: break;  // whole
    case 1:         // one byte at a time
      for (std::size_t i = 1; i < n; ++i) splits.push_back(i);
      break;
    case 2: {  // random cuts (for a big body: up to a few hundred)
      const std::size_t cuts = big ? r.below(400) : 1 + r.below(6);
      for (std::size_t i = 0; i < cuts && n > 1; ++i) splits.push_back(1 + r.below(n - 1));
      break;
    }
    default: {  // inside CRLF pairs, BOMs and code points
      const std::vector<std::size_t> at = sensitive_offsets(bytes);
      for (const std::size_t offset : at)
        if (r.chance(big ? 5 : 60)) splits.push_back(offset);
      break;
    }
  }
  if (!big && r.chance(15)) {  // empty chunks, the first one included
    const std::size_t empties = 1 + r.below(2);
    for (std::size_t i = 0; i < empties; ++i) splits.push_back(r.chance(50) ? 0 : r.below(n + 1));
  }
  std::sort(splits.begin(), splits.end());
  return splits;
}

stream_shape draw_shape(random_source& r, bool scale) {
  if (!scale) return stream_shape::fields;
  const std::size_t roll = r.below(10000);
  if (roll < 4) return stream_shape::long_value;
  if (roll < 8) return stream_shape::many_data_lines;
  if (roll < 40) return stream_shape::many_events;
  return stream_shape::fields;
}

}  // namespace

fuzz_stream make_fuzz_stream(std::string bytes, std::vector<std::size_t> splits, std::string id) {
  fuzz_stream s;
  s.test.id = std::move(id);
  s.test.expected = observe(bytes);
  s.test.bytes = std::move(bytes);
  s.test.pinned_splits = splits;
  s.test.has_pinned_chunks = true;
  s.chunks.name = "pinned";
  s.chunks.splits = std::move(splits);
  return s;
}

fuzz_stream generate_stream(std::uint64_t seed, std::uint64_t index, bool scale) {
  random_source r(seed ^ (index * 0xD1B54A32D192ED03ULL));
  (void)r.next();
  const stream_shape shape = draw_shape(r, scale);
  std::string bytes;
  switch (shape) {
    case stream_shape::fields: fields_body(r, bytes); break;
    case stream_shape::long_value: long_value_body(r, bytes); break;
    case stream_shape::many_data_lines: many_data_lines_body(r, bytes); break;
    case stream_shape::many_events: many_events_body(r, bytes); break;
  }
  std::vector<std::size_t> splits = draw_splits(r, bytes, shape);
  return make_fuzz_stream(std::move(bytes), std::move(splits), "fuzz/" + std::to_string(index));
}

}  // namespace sse::conformance
