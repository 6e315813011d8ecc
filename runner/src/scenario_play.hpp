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

#include <functional>
#include <memory>

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

class browser_clients;

/// The client under test, started once to read its name and version: `make(job)` gives each job
/// its client (an adapter process of its own, or a browser engine's iframe `job`).
struct opened_client {
  implementation_info info;
  std::function<std::unique_ptr<scenario_client>(unsigned job)> make;
  std::shared_ptr<browser_clients> browser;  ///< Engines: the browser the jobs' iframes are in.
};

/// Opens `spec`: a built-in client (node, deno, a bundled library's EventSource), a browser engine
/// (chromium, firefox, webkit: `jobs` iframes) or a client-mode adapter command. Throws usage_error
/// naming what the client said when it does not start.
[[nodiscard]] opened_client open_client(const std::string& spec, unsigned jobs, const std::string& browser_binary,
                                        const adapter_options& adapter);

/// The built-in clients, one per line, for a command's help.
[[nodiscard]] std::string builtin_clients_help();

}  // namespace sse::runner
