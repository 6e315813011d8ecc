// sse-conformance: the conformance runner for WHATWG Server-Sent Events implementations.
#include "cmd_bench.hpp"
#include "commands.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
  // A dead adapter must show up as EPIPE on write, not kill the runner.
  std::signal(SIGPIPE, SIG_IGN);
  sse::runner::use_installed_data_dir();

  CLI::App app{"sse-conformance: run the WHATWG Server-Sent Events conformance corpus against an implementation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sse-conformance ") + SSE_RUNNER_VERSION);
  app.footer(
      "Exit codes: 0 gate passed (or command succeeded); 1 gate failed; 2 bad usage or bad corpus.\n"
      "`sse-conformance COMMAND --help` describes each command.");
  int exit_code = 0;
  namespace r = sse::runner;
  for (auto* add_command :
       {&r::add_run_command, &r::add_parse_command, &r::add_lint_command, &r::add_list_command, &r::add_rules_command,
        &r::add_matrix_command, &r::add_encode_command, &r::add_connect_command, &r::add_fuzz_command,
        &r::add_bench_command, &r::add_serve_command, &r::add_browser_command})
    add_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : sse::runner::exit_usage;
  } catch (const sse::runner::usage_error& e) {
    std::cerr << "sse-conformance: " << e.what() << '\n';
    return sse::runner::exit_usage;
  } catch (const std::exception& e) {
    // Whatever a command did not expect (a file system error on a strange path): said, rc 2, never
    // an abort.
    std::cerr << "sse-conformance: " << e.what() << '\n';
    return sse::runner::exit_usage;
  }
  // Every write error is an error: a report printed to a full disk or a closed pipe is not a report.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::cerr << "sse-conformance: cannot write to stdout: " << std::strerror(errno) << '\n';
    return sse::runner::exit_usage;
  }
  return exit_code;
}
