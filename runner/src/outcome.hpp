// outcome.hpp: the runner speaks of outcomes in conformance's one vocabulary (PASS, FAIL, SKIP,
// CRASH, TIMEOUT, PROTOCOL-ERROR: sse/conformance/conformance.hpp).
#pragma once

#include <sse/conformance/conformance.hpp>

namespace sse::runner {

using conformance::all_outcomes;
using conformance::is_failure;
using conformance::is_fault;
using conformance::outcome;
using conformance::outcome_from_string;

}  // namespace sse::runner
