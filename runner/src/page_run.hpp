// page_run.hpp: one load of the comparison page in a headless browser, running a corpus by itself
// (?auto=1) and posting its verdicts back to the page server: the path of `browser` (the corpus)
// and of `fuzz --engine` (generated streams, and each shrinking candidate).
#pragma once

#include "browser_launcher.hpp"
#include "http_server.hpp"

#include <memory>
#include <string>

namespace sse::runner {

/// How a page run is launched and waited for.
struct page_run_settings {
  browser_engine engine = browser_engine::chromium;
  std::string binary;        ///< --browser-binary (empty: the Debian default).
  unsigned concurrency = 0;  ///< EventSources open at once (0: the engine's default).
  unsigned timeout_s = 240;  ///< Longest wait for the page to finish.
  bool progress = false;     ///< A line break on stderr after the caller's progress line.
  bool quiet = false;        ///< No "Running ..." / "Page time ..." lines on stdout.
};

/// EventSources open at once. Browsers allow about 6 HTTP/1.1 connections per host: leave room for
/// the page's own requests. Firefox's profile raises its limit (browser_launcher.cpp).
[[nodiscard]] unsigned default_concurrency(browser_engine e);

/// A fresh run id for the page's URL.
[[nodiscard]] std::string run_token();

/// Starts the engine on the page, which runs the server's whole corpus by itself and posts its
/// results back. Throws usage_error when the browser does not start.
[[nodiscard]] std::unique_ptr<browser_launch> launch_page(const page_run_settings& s, const page_server& server,
                                                          const std::string& run);

/// Waits for the page's /api/done, checking now and then that the browser is still alive, then ends
/// the browser and the server. A page that reported nothing is a usage error (exit 2, not verdicts).
[[nodiscard]] browser_run wait_for_page(const page_run_settings& s, page_server& server, browser_launch& browser,
                                        const std::string& run);

}  // namespace sse::runner
