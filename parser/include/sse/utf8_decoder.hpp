// sse/utf8_decoder.hpp: stage 1, bytes to UTF-8 text.
//
// §9.2.6: "Streams must be decoded using the UTF-8 decode algorithm" (WHATWG Encoding §"UTF-8 decode"):
// one leading byte order mark EF BB BF is removed (R3), and the UTF-8 decoder replaces every maximal
// subpart of an ill-formed sequence with U+FFFD (R2). The decoder is streaming (R5, R7): the BOM and a
// code point may be split across chunks, and an empty chunk changes nothing.
//
// Output is well-formed UTF-8, delivered to a sink as runs: `sink(std::string_view)`. Valid input is
// passed through as views of the input (no copy); only a replaced or chunk-spanning sequence is
// delivered from the decoder's own storage.
#pragma once

#include <sse/detail/scan.hpp>
#include <sse/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sse {

class utf8_decoder {
public:
  /// The UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER.
  static constexpr std::string_view replacement{"\xEF\xBF\xBD", 3};

  /// Decodes the next bytes of the stream, calling sink(run) for each run of output text, in order.
  template <class Sink>
  void decode(const unsigned char* p, std::size_t n, Sink&& sink);

  /// End of stream: a BOM prefix held back is decoded as content, and an incomplete sequence becomes
  /// U+FFFD ("if bytes needed is not 0 ... return error").
  template <class Sink>
  void finish(Sink&& sink);

  /// Forgets everything: the next byte is byte 0 of a new stream.
  void reset() noexcept { *this = utf8_decoder{}; }

  /// The classification of one UTF-8 sequence (sse/utf8.hpp), exposed here for the decoder's tests.
  using sequence = utf8::sequence;
  static constexpr sequence examine(const unsigned char* p, const unsigned char* end) noexcept {
    return utf8::examine(p, end);
  }

private:
  // BOM sniffing: the first three bytes of the stream. bom_matched_ counts how many of EF BB BF
  // have been seen (and held back) so far; bom_done_ once the question is settled.
  bool bom_done_ = false;
  std::uint8_t bom_matched_ = 0;
  // A sequence split across chunks: its bytes so far (a valid prefix) and how many it needs in all.
  unsigned char pending_[4] = {};
  std::uint8_t pending_len_ = 0;
  std::uint8_t pending_need_ = 0;

  static constexpr std::ptrdiff_t run_block = 16 * 1024;

  template <class Sink>
  const unsigned char* continue_pending(const unsigned char* p, const unsigned char* end, Sink& sink);
  template <class Sink>
  void decode_body(const unsigned char* p, const unsigned char* end, Sink& sink);
};

// ---- implementation --------------------------------------------------------------------------

template <class Sink>
void utf8_decoder::decode(const unsigned char* p, std::size_t n, Sink&& sink) {
  const unsigned char* end = p + n;
  if (!bom_done_) {
    // "Let buffer be the result of peeking three bytes from ioQueue ... If buffer is 0xEF 0xBB 0xBF,
    // then read three bytes from ioQueue." Held back byte by byte, so a split BOM is still one BOM.
    static constexpr unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    while (p != end && bom_matched_ < 3 && *p == bom[bom_matched_]) {
      ++bom_matched_;
      ++p;
    }
    if (bom_matched_ == 3) {
      bom_done_ = true;
    } else if (p != end) {
      // Not a BOM: the bytes held back are content after all.
      bom_done_ = true;
      const std::uint8_t held = bom_matched_;
      bom_matched_ = 0;
      if (held != 0) decode_body(bom, bom + held, sink);
    } else {
      return;  // still a BOM prefix (or an empty chunk): decide with the next bytes
    }
  }
  if (pending_len_ != 0) p = continue_pending(p, end, sink);
  if (p != end) decode_body(p, end, sink);
}

template <class Sink>
const unsigned char* utf8_decoder::continue_pending(const unsigned char* p, const unsigned char* end, Sink& sink) {
  unsigned char buf[4];
  std::size_t len = pending_len_;
  for (std::size_t i = 0; i < len; ++i) buf[i] = pending_[i];
  while (p != end && len < static_cast<std::size_t>(pending_need_) + 1) buf[len++] = *p++;
  const sequence s = examine(buf, buf + len);
  const std::size_t taken = len - pending_len_;  // bytes of this chunk now in buf
  if (s.result == sequence::status::incomplete) {
    for (std::size_t i = 0; i < len; ++i) pending_[i] = buf[i];
    pending_len_ = static_cast<std::uint8_t>(len);
    return p;
  }
  pending_len_ = 0;
  if (s.result == sequence::status::valid) {
    sink(std::string_view(reinterpret_cast<const char*>(buf), len));
    return p;
  }
  // Invalid: U+FFFD for the maximal subpart; the bytes after it are decoded again from the chunk.
  // The held bytes form a valid prefix, so the subpart always covers all of them.
  sink(replacement);
  return p - taken + (s.length - (len - taken));
}

template <class Sink>
void utf8_decoder::decode_body(const unsigned char* p, const unsigned char* end, Sink& sink) {
  const unsigned char* run = p;
  for (;;) {
    // A long valid run goes to the sink in blocks of at most run_block bytes, each while it is
    // still in the L1 cache from this scan: the line splitter and the data buffer read it again.
    const unsigned char* block_end = end - run > run_block ? run + run_block : end;
    p = detail::find_non_ascii(p, block_end);
    if (p == end) break;
    if (p == block_end) {
      sink(std::string_view(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run)));
      run = p;
      continue;
    }
    const sequence s = examine(p, end);
    if (s.result == sequence::status::valid) {
      p += s.length;
      continue;
    }
    if (run != p) sink(std::string_view(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run)));
    if (s.result == sequence::status::incomplete) {
      // An incomplete sequence is at most 3 bytes (a 4-byte sequence missing its last byte).
      const std::size_t held = static_cast<std::size_t>(end - p) < 3 ? static_cast<std::size_t>(end - p) : 3;
      for (std::size_t i = 0; i < held; ++i) pending_[i] = p[i];
      pending_len_ = static_cast<std::uint8_t>(held);
      const unsigned char lead = p[0];
      pending_need_ = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
      return;
    }
    sink(replacement);
    p += s.length;
    run = p;
  }
  if (run != end) sink(std::string_view(reinterpret_cast<const char*>(run), static_cast<std::size_t>(end - run)));
}

template <class Sink>
void utf8_decoder::finish(Sink&& sink) {
  if (!bom_done_) {
    static constexpr unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    bom_done_ = true;
    const std::uint8_t held = bom_matched_;
    bom_matched_ = 0;
    if (held != 0) decode_body(bom, bom + held, sink);
  }
  if (pending_len_ != 0) {
    pending_len_ = 0;
    sink(replacement);
  }
}

}  // namespace sse
