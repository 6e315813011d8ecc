// limited_reference.hpp: the reference parser with its optional limits (parser_limits) switched on,
// for `run --impl reference --parser-max-line-bytes N --parser-max-event-bytes N`. The standard has
// no limits, so passing one is not a verdict about the stream: the implementation throws, and the
// run records it as a CRASH of the reference with the limit named (the gate fails, exit code 1),
// never as a silently shorter log.
#pragma once

#include <sse/conformance/conformance.hpp>

#include <memory>

namespace sse::runner {

[[nodiscard]] std::unique_ptr<conformance::implementation> make_limited_reference(parser_limits limits);

}  // namespace sse::runner
