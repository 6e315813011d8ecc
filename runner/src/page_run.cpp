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

std::unique_ptr<browser_launch> launch_page(const page_run_settings& s, const page_server& server,
                                            const std::string& run) {
  const unsigned concurrency = s.concurrency != 0 ? s.concurrency : default_concurrency(s.engine);
  browser_launch_options launch_options;
  launch_options.engine = s.engine;
  launch_options.binary = s.binary;
  launch_options.firefox_connections_per_server = std::max(24u, concurrency + 8);
  launch_options.url = server.base_url() + "?auto=1&run=" + run + "&concurrency=" + std::to_string(concurrency) +
                       "&engine=" + std::string(to_string(s.engine));
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

}  // namespace sse::runner
