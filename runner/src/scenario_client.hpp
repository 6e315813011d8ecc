// scenario_client.hpp: a real EventSource client that `connect` plays scenarios to, whatever carries
// its messages: an adapter process in client mode (stdin/stdout, cmd_connect.cpp), or a browser page
// whose document the scenario server itself serves (browser_client.hpp). Both speak the client
// mode's messages (runner/ADAPTERS.md, "Client mode"): the runner sends `connect` and `stop`, the
// client streams `observed` and `threw` lines.
#pragma once

#include "child_process.hpp"
#include "scenario_server.hpp"

#include <optional>
#include <set>
#include <string>

namespace sse::runner {

class scenario_client {
public:
  virtual ~scenario_client() = default;
  /// The page actions it can script ("close", "abort").
  [[nodiscard]] virtual const std::set<std::string>& actions() const = 0;
  /// Sends the `connect` message of a scenario that `server` plays (before server.play()).
  virtual void connect(scenario_server& server, const std::string& message) = 0;
  /// The next line the client sent, if one comes before `deadline`.
  virtual std::optional<std::string> next_line(clock_type::time_point deadline) = 0;
  /// Sends `stop` and waits for the client to have stopped. Throws adapter_fault (TIMEOUT) when it
  /// does not by `deadline`.
  virtual void stop(clock_type::time_point deadline) = 0;
  /// Ends the client and throws adapter_fault (PROTOCOL-ERROR) naming the line.
  [[noreturn]] virtual void reject(const std::string& problem, const std::string& line) = 0;
};

}  // namespace sse::runner
