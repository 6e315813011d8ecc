// child_process.hpp: a subprocess that can never hang or crash the runner.
//
// The child runs `/bin/sh -c COMMAND` in its own process group, with stdin, stdout and stderr on
// pipes. Every wait has a deadline; stdout is read line by line with a length limit; stderr is
// drained continuously into a bounded tail (so a chatty child never blocks on a full pipe); ending
// the child kills its whole group (a shell script's grandchildren included), and any process that
// left the group but still holds the pipes.
//
// Every exit path of the runner ends every live child group: the destructor; exit() (an atexit
// handler); SIGTERM, SIGINT and SIGHUP (a handler kills the registered groups, then the runner ends
// with that signal); and a crash or SIGKILL of the runner, which no handler sees: each child is
// started with PR_SET_PDEATHSIG = SIGKILL, so the kernel kills it when the thread that started it
// dies. (The death signal reaches the child itself; a shell script's own children are reached by
// the group kill of the other paths, and a simple command is exec'd by the shell, so the adapter is
// the child.)
#pragma once

#include <sys/types.h>

#include <array>
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
  /// Reads what stdout holds right now, without waiting; true when any byte is pending.
  bool output_pending();

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
  /// How often a wait for output checks whether the child has exited.
  static constexpr int exit_check_interval_ms = 50;
  void reap_if_exited();
  /// After the child has ended: kills what is left of its group, and any process that still holds
  /// its pipes (a grandchild that left the group with setsid).
  void end_leftovers();
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
  std::array<ino_t, 3> pipe_inodes_{};  ///< stdin, stdout, stderr pipes (found in /proc by inode).
};

}  // namespace sse::runner
