// sse/line_splitter.hpp: stage 2, text to lines.
//
// §9.2.6: "The stream must then be parsed by reading everything line by line, with a U+000D CARRIAGE
// RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character not
// preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN (CR)
// character not followed by a U+000A LINE FEED (LF) character being the ways in which a line can end."
// (R8). A CR ends its line at once; whether an LF follows is only known later, so the splitter then
// swallows one LF at the start of the next text (R9). Nothing waits for the next chunk (R10).
//
// The splitter does not buffer: a line reaches the sink as views of the input, so a line of any
// length costs one pass. Sink: on_fragment(std::string_view) for a piece of a line that goes on in
// the next text (never empty), and on_line_end(std::string_view last_fragment) for the piece that
// ends it (possibly empty). A line that lies within one text, the common case, is therefore a single
// on_line_end(line) call, which the interpreter takes whole. After the last of them, on_text_end():
// the views end there (the text may be the decoder's own storage).
#pragma once

#include <sse/detail/scan.hpp>

#include <cstddef>
#include <string_view>

namespace sse {

class line_splitter {
public:
  template <class Sink>
  void split(std::string_view text, Sink& sink) {
    if (text.empty()) return;
    split_lines(text, sink);
    sink.on_text_end();
  }

  /// True when the last text ended with a CR, so an LF at the start of the next one is swallowed.
  [[nodiscard]] bool after_cr() const noexcept { return after_cr_; }
  void reset() noexcept { after_cr_ = false; }

private:
  bool after_cr_ = false;

  template <class Sink>
  void split_lines(std::string_view text, Sink& sink) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    if (after_cr_) {
      after_cr_ = false;
      if (*p == '\n') ++p;  // the LF of a CRLF whose CR ended the previous text
    }
    while (p != end) {
      const unsigned char* eol = detail::find_line_end(p, end);
      const std::string_view piece(reinterpret_cast<const char*>(p), static_cast<std::size_t>(eol - p));
      if (eol == end) {
        sink.on_fragment(piece);
        return;
      }
      sink.on_line_end(piece);
      p = eol + 1;
      if (*eol == '\r') {
        if (p == end) {
          after_cr_ = true;
        } else if (*p == '\n') {
          ++p;
        }
      }
    }
  }
};

}  // namespace sse
