// child_process.hpp: a subprocess that can never hang or crash the runner.
//
// The child runs `/bin/sh -c COMMAND` in its own process group, with stdin, stdout and stderr on
// pipes. Every wait has a deadline; stdout is read line by line with a length limit; stderr is
// drained continuously into a bounded tail (so a chatty child never blocks on a full pipe); ending
// the child kills its whole group (a shell script's grandchildren included).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sse::runner {

using clock_type = std::chrono::steady_clock;

/// Why an I/O call on a child could not complete.
enum class io_failure : unsigned char {
  none,
  timed_out,     ///< The deadline passed.
  closed,        ///< The child closed stdout / stdin (it exited or is exiting).
  line_too_long  ///< A stdout line exceeded the limit.
};

class child_process {
public:
  /// Starts `/bin/sh -c command`. Throws std::runtime_error when the process cannot be created.
  explicit child_process(const std::string& command, std::size_t max_line_bytes, std::size_t stderr_tail_bytes = 4096);
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  /// Closes stdin, gives the child a moment to exit, then kills its process group.
  ~child_process();

  /// Writes all of `bytes` to the child's stdin before `deadline`.
  io_failure write_all(std::string_view bytes, clock_type::time_point deadline);
  /// Reads one line from stdout (without its LF) before `deadline`.
  io_failure read_line(std::string& line, clock_type::time_point deadline);

  /// The last bytes the child wrote to stderr (drains what is available first).
  [[nodiscard]] std::string stderr_tail();
  /// Kills the process group and reaps the child; returns how it ended, in words
  /// ("exited with status 3", "killed by signal 11 (SIGSEGV)"). Idempotent.
  std::string terminate();
  /// Waits until `deadline` for the child to exit by itself; returns how it ended, or nullopt.
  std::optional<std::string> wait_exit(clock_type::time_point deadline);

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// The bytes of the current (partial) stdout line, for error messages.
  [[nodiscard]] const std::string& pending_stdout() const noexcept { return out_buffer_; }

private:
  void drain_stderr();
  void append_stderr(const char* data, std::size_t size);
  std::string describe_status(int status) const;

  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::size_t max_line_bytes_;
  std::size_t stderr_tail_bytes_;
  std::string out_buffer_;
  std::string err_tail_;
  std::optional<std::string> exit_description_;
};

}  // namespace sse::runner
