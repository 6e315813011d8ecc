// adapter_answer.hpp: the reader of what an adapter prints (runner/ADAPTERS.md): the hello, `ready`
// and `observed` lines. Untrusted text: every line is checked for its nesting depth before it is
// parsed, and every problem is an adapter_fault(protocol_error), never a crash of the runner.
// Separate from the process handling so that a libFuzzer target can drive it directly.
#pragma once

#include "adapter_process.hpp"

#include <string>
#include <vector>

namespace sse::runner {

/// A protocol line as shown in messages: the first 400 bytes, then its length.
[[nodiscard]] std::string shorten_line(const std::string& line);

/// Parses a hello line. Throws adapter_fault(protocol_error) when invalid.
adapter_identity parse_hello(const std::string& line);

/// Checks a `{"type":"ready"}` line. Throws adapter_fault(protocol_error) when it is anything else.
void parse_ready(const std::string& line);

struct observed_answer {
  observation_log log;
  std::vector<std::string> notes;  ///< Values outside the observation model, in words.
};
/// Parses a `{"type":"observed","observations":[...]}` line. Throws adapter_fault(protocol_error).
/// Without `events_carry_ids` (capability `event_ids` false), events may come without `last_event_id`.
observed_answer parse_observed(const std::string& line, const char* waiting_for, bool events_carry_ids = true);

}  // namespace sse::runner
