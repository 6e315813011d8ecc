// fuzz_reach.cpp: which rules the reference reaches on a stream, traced from its own stages
// (utf8_decoder -> line_splitter -> event_interpreter), composed here exactly as sse::parser does,
// with a sink between the splitter and the interpreter that sees each line and what it reported.
#include <sse/conformance/fuzz.hpp>
#include <sse/event_interpreter.hpp>
#include <sse/line_splitter.hpp>
#include <sse/observation.hpp>
#include <sse/utf8.hpp>
#include <sse/utf8_decoder.hpp>

#include <algorithm>
#include <bitset>

namespace sse::conformance {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";
constexpr std::string_view replacement = "\xEF\xBF\xBD";

std::size_t occurrences(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

/// True when `name` is a known field name disguised: other case, spaces, a BOM or NUL around it (R16).
bool looks_like_known_name(std::string_view name) {
  std::string folded;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name.substr(i, 3) == bom) {
      i += 2;
      continue;
    }
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == ' ' || c == '\0' || c == '\t') continue;
    folded += static_cast<char>(std::tolower(c));
  }
  return folded == "data" || folded == "event" || folded == "id" || folded == "retry";
}

/// The sink between the reference's splitter and its interpreter.
class line_tracer {
public:
  line_tracer() : interpreter_(recorder_, options()) {}

  void on_fragment(std::string_view text) {
    line_.append(text);
    interpreter_.on_fragment(text);
  }
  void on_line_end(std::string_view last_fragment = {}) {
    line_.append(last_fragment);
    const std::size_t before = recorder_.log.size();
    interpreter_.on_line_end(last_fragment);
    reach(8);
    classify(before);
    line_.clear();
  }
  void on_text_end() { interpreter_.on_text_end(); }
  void finish() {
    if (!line_.empty() || block_has_fields_) reach(35);  // the pending line and block are discarded
    if (block_has_id_) reach(36);
    interpreter_.finish();
  }
  void reach(int rule) { rules_.set(static_cast<std::size_t>(rule)); }
  [[nodiscard]] bool dispatched() const noexcept {
    return std::any_of(recorder_.log.begin(), recorder_.log.end(),
                       [](const observation& o) { return o.kind == observation_kind::event; });
  }
  void reach_gap(int gap) { gaps_.set(static_cast<std::size_t>(gap)); }
  [[nodiscard]] std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < rules_.size(); ++i)
      if (rules_.test(i)) out.push_back("R" + std::to_string(i));
    for (std::size_t i = 1; i < gaps_.size(); ++i)
      if (gaps_.test(i)) out.push_back("G" + std::to_string(i));
    return out;
  }

private:
  static parser_options options() {
    parser_options o;
    o.report_comments = true;
    return o;
  }

  void classify(std::size_t first_new) {
    const auto reported = [&](observation_kind k) {
      return std::any_of(recorder_.log.begin() + static_cast<std::ptrdiff_t>(first_new), recorder_.log.end(),
                         [k](const observation& o) { return o.kind == k; });
    };
    if (line_.empty()) {  // a blank line: dispatch (R11)
      reach(11);
      if (reported(observation_kind::last_event_id)) reach(26);
      if (reported(observation_kind::event)) {
        const observation& e = recorder_.log.back();
        reach(29);
        reach(32);
        if (e.type != "message") reach(31);
        if (!e.last_event_id.empty() && !block_has_id_) reach(27);
      } else {
        reach(28);
      }
      block_has_fields_ = false;
      block_has_id_ = false;
      return;
    }
    block_has_fields_ = true;
    if (line_.front() == ':') {
      reach(12);
      return;
    }
    const std::size_t colon = line_.find(':');
    std::string_view name = line_;
    std::string_view value;
    if (colon == std::string::npos) {
      reach(15);
    } else {
      reach(13);
      name = name.substr(0, colon);
      value = std::string_view(line_).substr(colon + 1);
      if (!value.empty() && value.front() == ' ') {
        reach(14);
        value.remove_prefix(1);
      }
    }
    const bool has_nul = value.find('\0') != std::string_view::npos;
    if (name == "data" || name == "event") {
      reach(name == "data" ? 19 : 18);
      if (has_nul) reach(25);
    } else if (name == "id") {
      reach(has_nul ? 21 : 20);
      block_has_id_ = true;
    } else if (name == "retry") {
      if (reported(observation_kind::retry)) {
        reach(22);
        if (recorder_.log.back().ms == max_reconnection_time_ms) reach_gap(7);
      } else if (value.empty()) {
        reach(24);
        reach_gap(4);
      } else {
        reach(23);
      }
    } else {
      reach(17);
      if (looks_like_known_name(name)) reach(16);
    }
  }

  observation_recorder recorder_;
  event_interpreter interpreter_;
  std::string line_;
  bool block_has_fields_ = false;
  bool block_has_id_ = false;
  std::bitset<73> rules_;
  std::bitset<10> gaps_;
};

}  // namespace

std::vector<std::string> rules_reached(std::string_view bytes, const chunking& ch) {
  line_tracer tracer;
  utf8_decoder decoder;
  line_splitter splitter;
  std::string decoded;
  const auto deliver = [&](std::string_view text) {
    decoded.append(text);
    splitter.split(text, tracer);
  };
  std::size_t previous = 0;
  const auto feed = [&](std::size_t end) {
    const std::string_view chunk = bytes.substr(previous, end - previous);
    // A CR that ended the last chunk, whose LF starts this one: one line end across the cut (R9).
    if (splitter.after_cr() && !chunk.empty() && chunk.front() == '\n') tracer.reach(9);
    // A cut inside a well-formed multi-byte sequence: decoded as one code point (R7).
    if (previous > 0 && previous < bytes.size() && (static_cast<unsigned char>(bytes[previous]) & 0xC0u) == 0x80u)
      tracer.reach(7);
    decoder.decode(reinterpret_cast<const unsigned char*>(chunk.data()), chunk.size(), deliver);
    // An event dispatched by a chunk that is not the last: lines are processed as they arrive (R10).
    if (end < bytes.size() && tracer.dispatched()) tracer.reach(10);
    previous = end;
  };
  for (const std::size_t s : ch.splits) feed(s);
  feed(bytes.size());
  decoder.finish(deliver);
  tracer.finish();

  if (bytes.substr(0, 3) == bom && decoded.substr(0, 3) != bom) {
    tracer.reach(3);  // the one leading BOM removed
    if (std::any_of(ch.splits.begin(), ch.splits.end(), [](std::size_t s) { return s < 3; })) tracer.reach(5);
  }
  if (decoded.find(bom) != std::string::npos) tracer.reach(4);  // a later BOM is content
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") tracer.reach(6);
  if (occurrences(decoded, replacement) > occurrences(bytes, replacement)) tracer.reach(2);
  return tracer.ids();
}

}  // namespace sse::conformance
