// limited_reference.cpp: see limited_reference.hpp.
#include "limited_reference.hpp"

#include <stdexcept>
#include <string>

namespace sse::runner {

std::unique_ptr<conformance::implementation> make_limited_reference(parser_limits limits) {
  return conformance::make_reference_implementation(limits, [limits](parse_error error) {
    if (error == parse_error::line_too_long)
      throw std::runtime_error("the reference parser stopped: a line is longer than --parser-max-line-bytes " +
                               std::to_string(limits.max_line_bytes));
    throw std::runtime_error("the reference parser stopped: an event's data is larger than --parser-max-event-bytes " +
                             std::to_string(limits.max_event_bytes));
  });
}

}  // namespace sse::runner
