// browser_client.hpp: a headless browser's own EventSource as a scenario_client.
//
// One browser runs every scenario: its start page (a small home server on 127.0.0.1) holds one
// iframe per job, and each iframe walks from scenario to scenario. For a scenario, the job's iframe
// navigates to the scenario server's `{origin}/`, which serves the scenario's document: a page that
// runs runner/adapters/client-core.mjs (the same code as the Node and Deno client adapters) with
// `new EventSource(url)` (a relative url resolves against the document, as the scenario wants), and
// `abort` as `window.stop()`. The document's channel to the runner is on its own origin, under
// /__sse-conformance/ (scenario_server's page requests, never counted as exchanges):
//   GET  /__sse-conformance/connect           the client mode's `connect` message
//   GET  /__sse-conformance/client-core.mjs   and the document's script, page.mjs
//   POST /__sse-conformance/observed          {"n": sequence, "line": {observed or threw}} (a keepalive
//                                             fetch, posted again when window.stop() cancelled it;
//                                             reordered by n, a repeated n counted once)
//   GET  /__sse-conformance/stop              a long poll, answered at `stop` with the next URL:
//                                             the home server's idle page for that job, which long-polls
//                                             /next/J for the following scenario's URL.
#pragma once

#include "browser_launcher.hpp"
#include "scenario_client.hpp"

#include <memory>
#include <string>

namespace sse::runner {

class browser_clients {
public:
  /// Starts the home server and the browser on its start page with `slots` iframes. Throws
  /// std::runtime_error when the browser is not installed or cannot start.
  browser_clients(browser_engine engine, unsigned slots, const std::string& binary);
  ~browser_clients();
  browser_clients(const browser_clients&) = delete;
  browser_clients& operator=(const browser_clients&) = delete;

  /// The client of job `j` (its iframe). Each call gives a fresh client object for the same iframe.
  [[nodiscard]] std::unique_ptr<scenario_client> slot(unsigned j);
  [[nodiscard]] std::string version() const;
  [[nodiscard]] const std::string& command() const;

  struct state;  ///< Implementation detail.

private:
  std::shared_ptr<state> state_;
};

/// The same scenario document and channel for a browser that the caller drives itself: the
/// comparison page's Connection tab loads the scenario's `{origin}/` in an iframe of its own. At
/// `stop` the document goes to `home`.
[[nodiscard]] std::unique_ptr<scenario_client> page_frame_client(std::string home);

}  // namespace sse::runner
