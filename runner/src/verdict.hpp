// verdict.hpp: the runner's verdicts. conformance::verdict knows PASS, FAIL and SKIP (what a
// comparison can say); the runner adds what a process can do wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sse::runner {

enum class outcome : std::uint8_t { pass, fail, skip, crash, timeout, protocol_error };

[[nodiscard]] constexpr std::string_view to_string(outcome o) noexcept {
  switch (o) {
    case outcome::pass: return "PASS";
    case outcome::fail: return "FAIL";
    case outcome::skip: return "SKIP";
    case outcome::crash: return "CRASH";
    case outcome::timeout: return "TIMEOUT";
    case outcome::protocol_error: return "PROTOCOL-ERROR";
  }
  return "UNKNOWN";
}

[[nodiscard]] constexpr std::optional<outcome> outcome_from_string(std::string_view s) noexcept {
  for (auto o : {outcome::pass, outcome::fail, outcome::skip, outcome::crash, outcome::timeout, outcome::protocol_error})
    if (to_string(o) == s) return o;
  return std::nullopt;
}

/// FAIL, CRASH, TIMEOUT and PROTOCOL-ERROR: the implementation did not produce the expected log.
[[nodiscard]] constexpr bool is_failure(outcome o) noexcept {
  return o != outcome::pass && o != outcome::skip;
}

/// The adapter misbehaved as a process (not merely a wrong log).
[[nodiscard]] constexpr bool is_fault(outcome o) noexcept {
  return o == outcome::crash || o == outcome::timeout || o == outcome::protocol_error;
}

inline constexpr outcome all_outcomes[] = {outcome::pass,  outcome::fail,    outcome::skip,
                                           outcome::crash, outcome::timeout, outcome::protocol_error};

}  // namespace sse::runner
