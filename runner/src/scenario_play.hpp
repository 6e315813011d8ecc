// scenario_play.hpp: one scenario played through one real client and judged (cmd_connect.cpp), for
// `connect` and for the comparison page's Connection tab alike: a fresh scenario_server, the
// client's `connect`, its observations until the expected log is complete or overdue, its `stop`,
// then judge_scenario().
#pragma once

#include "adapter_process.hpp"
#include "scenario_client.hpp"
#include "scenario_judge.hpp"

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/scenario.hpp>

namespace sse::runner {

struct connect_settings {
  adapter_options adapter;  ///< adapter.timeout: the longest wait for the client's answer to `stop`.
  scenario_limits limits;
  bool progress = false;
};

/// Plays `s` through `client` and judges it. When `observed` is given, it receives what the page and
/// the server saw (for a display of the differences). `server`: a fresh server made by the caller
/// (who needs its origins first), or null for one of its own. Throws adapter_fault when the client
/// misbehaves or reports nothing.
conformance::case_result play_scenario(scenario_client& client, const conformance::scenario& s,
                                       const connect_settings& settings, scenario_observation* observed = nullptr,
                                       scenario_server* server = nullptr);

}  // namespace sse::runner
