// cmd_bench.hpp: the bench command (cmd_bench.cpp), and the list of bundled adapters it measures by
// default (defined in cli_common.cpp, next to the rest of what it reads from bundled.json).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace sse::runner {

void add_bench_command(CLI::App& app, int& exit_code);

/// The bundled adapters' names, in runner/adapters/bundled.json's order.
[[nodiscard]] std::vector<std::string> bundled_adapter_names();

}  // namespace sse::runner
