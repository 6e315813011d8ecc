// connection_tab.hpp: the comparison page's Connection tab, on the server side (`serve`): the
// connection scenarios (fixtures/connection/) played to the browser that shows the page.
//
// The page asks for a session; the server starts a scenario_server for it (two fresh loopback
// origins) and answers with the URL of the scenario's document, `{origin}/`, which the page loads
// in an iframe. That document is the one `connect --client chromium|firefox|webkit` uses
// (page_frame_client, runner/adapters/browser-page.mjs): it constructs `new EventSource(url)` and
// reports each observation. play_scenario() and judge_scenario() decide, exactly as for `connect`,
// so the page shows the verdict `connect` gives, with the expected and observed logs and the
// requests the server saw (headers, measured delay, the minimum required).
//
// Bounds: at most max_running sessions at once (a 429 beyond), max_kept finished ones (the oldest
// is forgotten); each session ends by itself within the scenario's budgets (no client can hold it).
#pragma once

#include <sse/conformance/conformance.hpp>
#include <sse/conformance/scenario.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sse::runner {

/// What the page lists of a corpus case and of a scenario alike: id, area, file, description, rules,
/// tags, class, gap, guards.
[[nodiscard]] nlohmann::json listing_json(const conformance::test_case& c);

/// An HTTP answer: a status and a JSON body.
struct api_answer {
  int status = 200;
  std::string body;
};

class connection_tab {
public:
  static constexpr std::size_t max_running = 4;
  static constexpr std::size_t max_kept = 64;

  /// Loads the scenarios of `paths` (empty: the bundled fixtures/connection). Invalid scenarios are
  /// not a failure of the server: the tab then lists none and says why (error()).
  /// The limits: nullopt for `connect`'s defaults (see page_server_options).
  connection_tab(const std::vector<std::filesystem::path>& paths,
                 std::optional<std::chrono::milliseconds> reconnect_budget = std::nullopt,
                 std::optional<std::chrono::milliseconds> stop_timeout = std::nullopt);
  ~connection_tab();
  connection_tab(const connection_tab&) = delete;
  connection_tab& operator=(const connection_tab&) = delete;

  /// GET /api/scenarios: every scenario (id, description, file, area, rules, class, gap, guards,
  /// client, exchanges, expected log), and `error` when they could not be loaded.
  [[nodiscard]] api_answer list() const;
  /// POST /api/connection?scenario=ID: starts a session -> {session, frame_url, origin,
  /// other_origin}. 404 for an unknown scenario, 429 when max_running sessions are running.
  [[nodiscard]] api_answer start(const std::string& scenario_id);
  /// GET /api/connection?session=T: {state: "running"} or, once judged, {state: "done", outcome,
  /// status, diff, detail, expected, observed, requests, ...}. 404 for an unknown session.
  [[nodiscard]] api_answer status(const std::string& session) const;
  /// Waits for every running session to end (they end by themselves; the server's stop calls it).
  void stop();

  [[nodiscard]] std::size_t scenario_count() const;
  [[nodiscard]] const std::string& error() const;

  struct state;  ///< Implementation detail.

private:
  std::unique_ptr<state> state_;
};

}  // namespace sse::runner
