// page_run.hpp: one load of the comparison page in a headless browser, running a corpus by itself
// (?auto=1) and posting its verdicts back to the page server: the path of `browser` (the corpus)
// and of `fuzz --engine` (generated streams, and each shrinking candidate).
#pragma once

#include "browser_launcher.hpp"
#include "http_server.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
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

/// One browser kept for many page loads (`fuzz --engine`'s shrinking, where each candidate is a
/// run of its own): each run() serves its cases on a fresh page server, and the page of the previous
/// run, waiting in its /api/done, is sent there (page_server::on_done), so a run costs the page's
/// time, not a browser start. A browser that exits or a page that stops answering is replaced by a
/// new one on the next run.
class page_session {
public:
  page_session(page_run_settings settings, page_options page);
  ~page_session();
  page_session(const page_session&) = delete;
  page_session& operator=(const page_session&) = delete;

  /// The cases in one page load. Throws usage_error when the page reports nothing.
  browser_run run(conformance::corpus cases);

private:
  void release_waiting_page();

  page_run_settings settings_;
  page_options page_;
  std::unique_ptr<browser_launch> browser_;
  std::unique_ptr<page_server> shown_;  ///< The server of the page the browser shows now.
  std::mutex mutex_;
  std::condition_variable handed_;
  bool page_waiting_ = false;        ///< The shown page is waiting for its next URL.
  std::optional<std::string> next_;  ///< The URL to send it to ("" : none, stay).
};

}  // namespace sse::runner
