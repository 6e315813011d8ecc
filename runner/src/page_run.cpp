// page_run.cpp: one load of the comparison page (page_run.hpp).
#include "page_run.hpp"

#include "commands.hpp"

#include <iostream>
#include <optional>
#include <random>
#include <sstream>

namespace sse::runner {

unsigned default_concurrency(browser_engine e) { return e == browser_engine::firefox ? 16 : 4; }

std::string run_token() {
  std::random_device rd;
  std::ostringstream s;
  s << "cli-" << std::hex << rd() << rd();
  return s.str();
}

namespace {

unsigned concurrency_of(const page_run_settings& s) {
  return s.concurrency != 0 ? s.concurrency : default_concurrency(s.engine);
}

/// The page's URL that runs the server's corpus at once as run `run`.
std::string page_url(const page_run_settings& s, const page_server& server, const std::string& run) {
  return server.base_url() + "?auto=1&run=" + run + "&concurrency=" + std::to_string(concurrency_of(s)) +
         "&engine=" + std::string(to_string(s.engine));
}

/// How long a finished page waits in its /api/done for the next run before it is let go.
constexpr auto page_wait_for_next = std::chrono::seconds(60);

}  // namespace

std::unique_ptr<browser_launch> launch_page(const page_run_settings& s, const page_server& server,
                                            const std::string& run) {
  const unsigned concurrency = concurrency_of(s);
  browser_launch_options launch_options;
  launch_options.engine = s.engine;
  launch_options.binary = s.binary;
  launch_options.firefox_connections_per_server = std::max(24u, concurrency + 8);
  launch_options.url = page_url(s, server, run);
  if (!s.quiet)
    std::cout << "Running " << server.corpus().cases.size() << " cases in headless " << to_string(s.engine) << " ("
              << concurrency << " at once) against " << server.base_url() << "\n"
              << std::flush;
  try {
    return std::make_unique<browser_launch>(launch_options);
  } catch (const std::exception& e) {
    throw usage_error(e.what());
  }
}

browser_run wait_for_page(const page_run_settings& s, page_server& server, browser_launch& browser,
                          const std::string& run) {
  const std::size_t total = server.corpus().cases.size();
  const auto deadline = clock_type::now() + std::chrono::seconds(s.timeout_s);
  browser_run result;
  std::optional<std::string> died;
  for (;;) {
    result = server.wait_for_run(run, std::chrono::milliseconds(500));
    if (result.done) break;
    if ((died = browser.exited())) break;
    if (clock_type::now() >= deadline) break;
  }
  const bool timed_out = !result.done && !died;
  const std::string ended = browser.stop();
  server.stop();
  if (s.progress) std::cerr << '\n';
  if (result.results.empty()) {
    const std::string why = died ? "the browser exited before the page reported anything (" + *died + ")"
                                 : "the page reported nothing within " + std::to_string(s.timeout_s) + " s";
    throw usage_error(why + "\n  command: " + browser.command() + "\n  its log:\n" + browser.log_tail());
  }
  if (timed_out)
    std::cout << "The page did not finish within " << s.timeout_s << " s (" << result.results.size() << "/" << total
              << " cases reported); the browser was ended (" << ended << ").\n";
  if (!s.quiet)
    std::cout << "Page time: " << result.page_elapsed_ms / 1000.0 << " s for " << result.results.size()
              << " cases; user agent: " << (result.user_agent.empty() ? "(unknown)" : result.user_agent) << "\n";
  return result;
}

page_session::page_session(page_run_settings settings, page_options page)
    : settings_(std::move(settings)), page_(std::move(page)) {
  settings_.quiet = true;
}

page_session::~page_session() {
  release_waiting_page();
  if (browser_) browser_->stop();
  if (shown_) shown_->stop();
}

void page_session::release_waiting_page() {
  std::lock_guard lock(mutex_);
  next_ = std::string();
  handed_.notify_all();
}

browser_run page_session::run(conformance::corpus cases) {
  page_server_options options = page_server_options_from(page_);
  options.max_kept_runs = 1;
  auto server = std::make_unique<page_server>(std::move(cases), options);
  server->on_done([this](const std::string&) {
    std::unique_lock lock(mutex_);
    page_waiting_ = true;
    next_.reset();
    handed_.notify_all();
    handed_.wait_for(lock, page_wait_for_next, [this] { return next_.has_value(); });
    page_waiting_ = false;
    return next_.value_or(std::string());
  });
  try {
    server->start();
  } catch (const std::exception& e) {
    throw usage_error(e.what());
  }
  const std::string run = run_token();
  const std::string url = page_url(settings_, *server, run);
  bool handed_over = false;
  {
    // The previous page posts /api/done before it waits there: give it a moment to get there.
    std::unique_lock lock(mutex_);
    if (browser_ && !browser_->exited())
      handed_.wait_for(lock, std::chrono::seconds(2), [this] { return page_waiting_; });
    if (browser_ && page_waiting_) {
      next_ = url;
      handed_.notify_all();
      handed_over = true;
    }
  }
  if (!handed_over) {
    if (browser_) browser_->stop();
    browser_ = launch_page(settings_, *server, run);
  }
  const auto deadline = clock_type::now() + std::chrono::seconds(settings_.timeout_s);
  browser_run result;
  for (;;) {
    result = server->wait_for_run(run, std::chrono::milliseconds(200));
    if (result.done || browser_->exited() || clock_type::now() >= deadline) break;
  }
  if (shown_) shown_->stop();  // the page has left it (or the browser is gone)
  shown_ = std::move(server);
  if (!result.done) {  // a new browser next time
    release_waiting_page();
    browser_->stop();
    browser_.reset();
  }
  if (result.results.empty()) throw usage_error("the page reported nothing (the browser exited or timed out)");
  return result;
}

}  // namespace sse::runner
