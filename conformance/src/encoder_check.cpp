// encoder_check.cpp: judging what a writer wrote for an encoder case. The reference parser is the
// judge of the read-back; the grammar of §9.2.5 and the block structure are checked on the bytes
// themselves, so an injected field is named even when the read-back happens to look right.
#include <sse/utf8.hpp>

#include <sse/conformance/encoder_case.hpp>

#include <algorithm>
#include <array>

namespace sse::conformance {
namespace {

/// The lines of `text` as the reader splits them (§9.2.6: "Lines must be separated by either a
/// U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF)
/// character, or a single U+000D CARRIAGE RETURN (CR) character"; a CRLF is one terminator). The
/// text after the last terminator, if any, is returned separately.
struct split_lines {
  std::vector<std::string_view> lines;
  std::string_view unterminated;
};

split_lines lines_of(std::string_view text) {
  split_lines out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    out.lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  out.unterminated = text.substr(start);
  return out;
}

std::string_view without_bom(std::string_view bytes) {
  return bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes;
}

/// The field name of a line that is not a comment: the characters before the first colon, or the
/// whole line.
std::string_view field_name(std::string_view line) { return line.substr(0, line.find(':')); }

std::string quoted(std::string_view s) { return "\"" + escape_bytes(s) + "\""; }

std::string format_log(const observation_log& log) {
  std::string out;
  for (const auto& o : log) out += "    " + format_observation(o) + "\n";
  return out;
}

/// The parser's read-back of `bytes`, from the case's initial last event ID, comments recorded.
observation_log read_back(const encoder_case& c, std::string_view bytes) {
  observation_recorder recorder;
  parser_options options;
  options.report_comments = true;
  options.initial_last_event_id = c.meta.initial_last_event_id;
  parser p(recorder, options);
  p.feed(bytes);
  p.finish();
  return canonical_order(std::move(recorder.log));
}

/// The standard ignores comments, and writers differ on whether one space follows the colon
/// (`:text` or `: text`). A comment read back as " " + the expected text counts as that text.
void accept_comment_space(const observation_log& expected, observation_log& observed) {
  for (std::size_t i = 0; i < expected.size() && i < observed.size(); ++i) {
    if (expected[i].kind != observation_kind::comment || observed[i].kind != observation_kind::comment) break;
    if (observed[i].text.size() == expected[i].text.size() + 1 && observed[i].text.front() == ' ' &&
        std::string_view(observed[i].text).substr(1) == expected[i].text)
      observed[i].text = expected[i].text;
  }
}

encoder_judgement failure(encoder_problem problem, std::string explanation, observation_log observed) {
  return {false, problem, std::move(explanation), std::move(observed)};
}

}  // namespace

std::string_view to_string(encoder_problem p) noexcept {
  switch (p) {
    case encoder_problem::none: return "none";
    case encoder_problem::malformed: return "malformed";
    case encoder_problem::injection: return "injection";
    case encoder_problem::data_loss: return "data-loss";
    case encoder_problem::wrote_unrepresentable: return "wrote-unrepresentable";
    case encoder_problem::refused_representable: return "refused-representable";
  }
  return "unknown";
}

std::string describe(const writer_capabilities& caps) {
  std::string out = "data";
  const std::pair<const char*, bool> names[] = {{"type", caps.type},
                                                {"id", caps.id},
                                                {"retry", caps.retry},
                                                {"comments", caps.comments},
                                                {"no_data", caps.no_data}};
  for (const auto& [name, on] : names)
    if (on) out += std::string(", ") + name;
  return out;
}

std::string missing_capability(const encoder_event& e, const writer_capabilities& caps) {
  std::vector<std::string> missing;
  if (e.type && !caps.type) missing.emplace_back("an event type");
  if (e.id && !caps.id) missing.emplace_back("an id");
  if (e.retry_number && !caps.retry) missing.emplace_back("a retry");
  if (!e.comments.empty() && !caps.comments) missing.emplace_back("comments");
  if (!e.data && !caps.no_data) missing.emplace_back("an event without data");
  std::string out;
  for (const auto& m : missing) out += (out.empty() ? "" : ", ") + m;
  return out.empty() ? out : "the writer's API cannot take " + out + " (it takes: " + describe(caps) + ")";
}

reference_input to_outgoing_event(const encoder_event& e) {
  reference_input in;
  if (e.type) in.event.type = e.type->utf8;
  if (e.data) in.event.data = e.data->utf8;
  if (e.id) in.event.id = e.id->utf8;
  for (const auto& comment : e.comments) in.event.comments.push_back(comment.utf8);
  if (e.retry_integer) {
    in.event.retry = *e.retry_integer;  // exact, even above 2^53 where a double rounds
  } else if (e.retry_number) {
    const auto r = retry_from_number(*e.retry_number);
    if (r.error != encode_error::none)
      in.error = r.error;
    else
      in.event.retry = r.milliseconds;
  }
  return in;
}

std::vector<std::string> grammar_problems(std::string_view bytes) {
  std::vector<std::string> out;
  // "Streams must be decoded using the UTF-8 decode algorithm": a writer sends UTF-8.
  for (std::size_t i = 0; i < bytes.size();) {
    const auto seq = utf8::scan(bytes, i);
    if (seq.length == 0) {
      out.push_back("not UTF-8 at byte " + std::to_string(i) + " (a reader decodes it as U+FFFD)");
      break;
    }
    i += seq.length;
  }
  if (bytes.empty()) {
    out.emplace_back("nothing was written (an event block ends with a blank line, so it is never empty)");
    return out;
  }
  // stream = [ bom ] *event; event = *( comment / field ) end-of-line: every line ends with an
  // end-of-line, and the last line of a block is blank.
  const auto split = lines_of(without_bom(bytes));
  if (!split.unterminated.empty())
    out.push_back("the last line " + quoted(split.unterminated) +
                  " has no end-of-line (a reader keeps it pending until more bytes arrive)");
  else if (split.lines.empty() || !split.lines.back().empty())
    out.emplace_back(
        "the block does not end with a blank line (a reader does not dispatch it until more bytes "
        "arrive, and a following event would merge into it)");
  return out;
}

std::vector<std::string> injection_problems(const encoder_case& c, std::string_view bytes) {
  std::vector<std::string> out;
  const auto split = lines_of(without_bom(bytes));
  std::size_t event_blocks = 0;
  bool in_event_block = false;
  std::array<std::size_t, 3> single_counts{};  // event, id, retry
  constexpr std::array<std::string_view, 3> single_names = {"event", "id", "retry"};
  const encoder_event& e = c.event;
  // A writer that splits data on every line break writes one `data` line per line of the data;
  // more lines than that came from somewhere else (another member's line break).
  const std::size_t data_lines_asked = e.data ? lines_of(e.data->utf8).lines.size() + 1 : 0;
  std::size_t data_lines = 0;
  for (const auto line : split.lines) {
    if (line.empty()) {
      in_event_block = false;
      continue;
    }
    if (line.front() == ':') continue;  // a comment: ignored by every reader
    const std::string_view name = field_name(line);
    const bool asked = (name == "data" && e.data) || (name == "event" && e.type) || (name == "id" && e.id) ||
                       (name == "retry" && e.retry_number);
    if (!asked) {
      const bool known = name == "data" || name == "event" || name == "id" || name == "retry";
      out.push_back((known ? "a `" + std::string(name) + "` field, which the event does not have: "
                           : "a line that is a field named " + quoted(name) + ", not asked for: ") +
                    quoted(line));
    }
    if (name == "data" && e.data && ++data_lines == data_lines_asked + 1)
      out.push_back("more `data` lines than the data has lines (" + std::to_string(data_lines_asked) +
                    "): " + quoted(line));
    for (std::size_t k = 0; k < single_names.size(); ++k)
      if (name == single_names[k] && ++single_counts[k] == 2)
        out.push_back("a second `" + std::string(name) + "` field: " + quoted(line));
    if (name != "retry" && !in_event_block) {
      in_event_block = true;
      if (++event_blocks == 2)
        out.push_back(
            "fields in a second event block (a blank line came first, so the reader dispatches "
            "twice): " +
            quoted(line));
    }
  }
  return out;
}

encoder_judgement judge_written(const encoder_case& c, std::string_view bytes) {
  observation_log observed = read_back(c, bytes);
  accept_comment_space(c.meta.expected, observed);
  const std::string written = "  written: " + quoted(bytes) + "\n  the reader sees:\n" + format_log(observed);
  std::string problems;
  for (const auto& p : injection_problems(c, bytes)) problems += "  - " + p + "\n";
  const bool injected = !problems.empty();
  for (const auto& p : grammar_problems(bytes)) problems += "  - " + p + "\n";
  if (c.expect_refusal)
    return failure(injected ? encoder_problem::injection : encoder_problem::wrote_unrepresentable,
                   "expected a refusal (" + c.refusal_reason + "): the event cannot be represented, but it was " +
                       "written\n" + problems + written,
                   std::move(observed));
  if (!problems.empty())
    return failure(injected ? encoder_problem::injection : encoder_problem::malformed,
                   "more or other than the event was written\n" + problems + written, std::move(observed));
  const auto cmp = compare_logs(c.meta.expected, observed);
  if (!cmp.equal)
    return failure(encoder_problem::data_loss,
                   "the reader does not read back the event (- expected, + read back):\n" + cmp.diff +
                       "\n  written: " + quoted(bytes),
                   std::move(observed));
  return {true, encoder_problem::none, {}, std::move(observed)};
}

encoder_judgement judge_refused(const encoder_case& c, std::string_view message) {
  if (c.expect_refusal) return {};
  return failure(encoder_problem::refused_representable, "refused an event that can be written: " + quoted(message),
                 {});
}

}  // namespace sse::conformance
