// sse-conformance serve: the browser comparison page, for a person and any browser.
#include "commands.hpp"
#include "http_server.hpp"

#include <csignal>
#include <iostream>
#include <memory>

#include <pthread.h>

namespace sse::runner {
namespace {

struct serve_command_options {
  corpus_options corpus;
  std::string host = "127.0.0.1";
  int port = 8080;
  page_options page;
  bool log_requests = false;
  std::vector<std::string> scenario_paths;  ///< The Connection tab's scenarios (empty: fixtures/connection).
};

int serve_command(const serve_command_options& o) {
  selected_corpus selected;
  load_selected(o.corpus, selected);
  conformance::corpus served = selected.copy();

  page_server_options options = page_server_options_from(o.page);
  options.host = o.host;
  options.port = o.port;
  options.log_requests = o.log_requests;
  options.scenario_paths.assign(o.scenario_paths.begin(), o.scenario_paths.end());

  // SIGINT/SIGTERM are taken by this thread with sigwait(), so they are blocked everywhere first
  // (the server's threads inherit the mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const bool wasm_present = std::filesystem::exists(options.wasm_dir / "index.js") &&
                            std::filesystem::is_directory(options.wasm_dir / "dist");
  std::unique_ptr<page_server> server_holder;
  int port = 0;
  try {
    server_holder = std::make_unique<page_server>(std::move(served), options);
    port = server_holder->start();
  } catch (const std::exception& e) {
    throw usage_error(e.what());
  }
  page_server& server = *server_holder;
  if (const auto warning = network_exposure_warning(o.host)) std::cout << *warning << "\n";
  std::cout << "Serving " << selected.cases.size() << " cases from " << selected.loaded.loaded.files.size()
            << " fixture files on " << server.listen_address() << " (port " << port << ")\n"
            << "  page:  " << options.page_dir.string() << "\n"
            << "  wasm:  " << options.wasm_dir.string()
            << (wasm_present ? "" : "  (missing: the page runs without the WASM reference; build wasm/ first)") << "\n"
            << "  connection scenarios: " << server.scenario_count()
            << (server.scenario_error().empty() ? "" : " (" + server.scenario_error() + ")") << "\n"
            << "Open " << server.base_url() << " in any browser. Ctrl-C stops.\n"
            << std::flush;
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cout << "Stopping (" << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << ").\n";
  server.stop();
  return exit_passed;
}

}  // namespace

void add_page_options(CLI::App& command, page_options& options) {
  command.add_option("--chunk-delay", options.chunk_delay_ms, "Milliseconds between two chunks of a stream")
      ->capture_default_str();
  command.add_option("--page-dir", options.page_dir, "The page's folder (default: wasm/page of this source tree)")
      ->type_name("DIR");
  command.add_option("--wasm-dir", options.wasm_dir, "The WASM package's folder, served at /wasm/")->type_name("DIR");
}

void add_serve_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] = new_command<serve_command_options>(
      app, "serve", "Serve the comparison page: each case through the browser's EventSource and the WASM reference",
      R"(Each case has its own event-stream URL. The server sends the case's exact bytes in its pinned chunking
(one flushed HTTP chunk each, --chunk-delay apart), records the browser's reconnection (Last-Event-ID,
delay) and answers it with 204. See runner/BROWSERS.md.)");
  add_corpus_options(*cmd, o->corpus);
  cmd->add_option("--host", o->host,
                  "Address to listen on (127.0.0.1: this machine only; any other address makes the page reachable "
                  "from the network, and is warned about)")
      ->capture_default_str();
  cmd->add_option("--port", o->port, "Port to listen on; 0 picks a free one (printed). A port in use is an error")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  add_page_options(*cmd, o->page);
  cmd->add_flag("--log-requests", o->log_requests, "Print every request on stderr");
  cmd->add_option("--scenarios", o->scenario_paths,
                  "The Connection tab's scenario file or folder (repeatable). Default: fixtures/connection")
      ->type_name("PATH");
  cmd->callback([o, &exit_code] { exit_code = serve_command(*o); });
}

}  // namespace sse::runner
