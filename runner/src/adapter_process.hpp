// adapter_process.hpp: an implementation under test that lives in a subprocess and speaks the
// adapter protocol (runner/ADAPTERS.md): JSON lines on stdin/stdout.
//
// It is a conformance::implementation, so conformance::run_case drives it exactly like the
// in-process reference. What the interface cannot express (the adapter crashed, hung, or wrote
// something that is not the protocol) is thrown as adapter_fault; the caller records the verdict
// and starts a fresh process for the next case.
#pragma once

#include "child_process.hpp"
#include "outcome.hpp"

#include <sse/conformance/conformance.hpp>

#include <sse/conformance/conformance.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sse::runner {

/// The protocol version this runner speaks (the adapter's hello must name it).
inline constexpr int adapter_protocol_version = 1;

struct adapter_fault : std::runtime_error {
  adapter_fault(outcome what_happened, const std::string& message, std::string line, std::string tail)
      : std::runtime_error(message),
        kind(what_happened),
        offending_line(std::move(line)),
        stderr_tail(std::move(tail)) {}
  outcome kind;                ///< crash, timeout or protocol_error
  std::string offending_line;  ///< For protocol errors: the line (truncated), as received.
  std::string stderr_tail;     ///< The adapter's last stderr bytes.
};

struct adapter_identity {
  std::string name;
  std::string version;
  conformance::capabilities caps;
};

struct adapter_options {
  std::string command;                            ///< Run with /bin/sh -c.
  std::chrono::milliseconds timeout{5000};        ///< Longest wait for any one answer (the hello included).
  std::chrono::milliseconds case_timeout{60000};  ///< Longest one case under one chunking may take.
  std::size_t max_line_bytes = 64u << 20;         ///< Longest protocol line accepted from the adapter.
};

class adapter_implementation final : public conformance::implementation {
public:
  /// Starts the adapter and reads its hello. Throws adapter_fault when it does not start properly.
  explicit adapter_implementation(adapter_options options);
  ~adapter_implementation() override;

  void begin(std::string_view initial_last_event_id) override;
  observation_log feed(std::string_view chunk) override;
  observation_log finish() override;
  [[nodiscard]] conformance::capabilities caps() const override { return identity_.caps; }

  [[nodiscard]] const adapter_identity& identity() const noexcept { return identity_; }
  /// The hello line as the adapter sent it (modes other than parsing read their own keys from it).
  [[nodiscard]] const std::string& hello_line() const noexcept { return hello_line_; }

  /// One exchange outside the reset/chunk/end flow (the encode mode): sends `message` and returns the
  /// answer line, under the same deadlines (`timeout` for the answer, `case_timeout` for the whole
  /// exchange). Throws adapter_fault on a crash or timeout.
  std::string request(const std::string& message, const char* waiting_for);
  /// The client mode, where answers stream: sends `message` without waiting for an answer, and
  /// reads the next line if one arrives before `deadline` (nullopt when none did: not a fault).
  /// Throws adapter_fault on a crash, a closed pipe or a line too long.
  void post(const std::string& message);
  std::optional<std::string> receive_by(clock_type::time_point deadline, const char* waiting_for);
  /// Ends the process and throws adapter_fault(protocol_error) naming `line`.
  [[noreturn]] void reject(const std::string& message, const std::string& line);
  /// Remarks about the current case's observations (values outside the observation model).
  [[nodiscard]] const std::vector<std::string>& notes() const noexcept { return notes_; }

private:
  void send(const std::string& message);
  std::string receive(const char* waiting_for);
  observation_log receive_observations(const char* waiting_for);
  [[noreturn]] void fail(outcome kind, const std::string& message, const std::string& line = {});

  adapter_options options_;
  std::unique_ptr<child_process> process_;
  adapter_identity identity_;
  std::string hello_line_;
  /// The deadline of the next exchange: `timeout` from now, but never past the case's deadline.
  [[nodiscard]] clock_type::time_point exchange_deadline();
  [[nodiscard]] std::string timeout_reason() const;
  clock_type::time_point case_deadline_ = clock_type::time_point::max();
  bool case_deadline_binding_ = false;
  std::vector<std::string> notes_;
};

}  // namespace sse::runner
