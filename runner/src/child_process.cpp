#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <thread>

extern char** environ;

namespace sse::runner {
namespace {

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

/// Milliseconds left until `deadline`, for poll() (0 when it has passed).
int millis_until(clock_type::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  if (left <= 0) return 0;
  return left > 60'000 ? 60'000 : static_cast<int>(left) + 1;
}

struct spawn_resources {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  bool have_actions = false;
  bool have_attributes = false;
  ~spawn_resources() {
    if (have_actions) posix_spawn_file_actions_destroy(&actions);
    if (have_attributes) posix_spawnattr_destroy(&attributes);
  }
};

}  // namespace

child_process::child_process(const std::string& command, std::size_t max_line_bytes, std::size_t stderr_tail_bytes)
    : max_line_bytes_(max_line_bytes), stderr_tail_bytes_(stderr_tail_bytes) {
  // O_CLOEXEC everywhere: a child started by another thread at the same moment must not inherit
  // these pipes (it would keep them open and hide the EOF of a crashed adapter).
  std::array<int, 2> in_pipe{-1, -1};
  std::array<int, 2> out_pipe{-1, -1};
  std::array<int, 2> err_pipe{-1, -1};
  auto close_all = [&] {
    for (auto* p : {&in_pipe, &out_pipe, &err_pipe}) {
      close_fd((*p)[0]);
      close_fd((*p)[1]);
    }
  };
  if (::pipe2(in_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(out_pipe.data(), O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    const int saved = errno;
    close_all();
    throw std::runtime_error(std::string("cannot create pipes: ") + std::strerror(saved));
  }

  spawn_resources spawn;
  posix_spawn_file_actions_init(&spawn.actions);
  spawn.have_actions = true;
  posix_spawnattr_init(&spawn.attributes);
  spawn.have_attributes = true;
  // dup2 clears FD_CLOEXEC on the target, so only these three reach the child.
  posix_spawn_file_actions_adddup2(&spawn.actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&spawn.actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&spawn.actions, err_pipe[1], STDERR_FILENO);
  // Its own process group (pgid = its pid), so terminate() reaches grandchildren too; default
  // signal dispositions (the runner ignores SIGPIPE) and an empty signal mask.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setpgroup(&spawn.attributes, 0);
  posix_spawnattr_setsigdefault(&spawn.attributes, &defaults);
  posix_spawnattr_setsigmask(&spawn.attributes, &empty_mask);
  posix_spawnattr_setflags(&spawn.attributes,
                           static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));

  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string command_copy = command;
  char* argv[] = {shell.data(), dash_c.data(), command_copy.data(), nullptr};
  const int rc = ::posix_spawn(&pid_, shell.c_str(), &spawn.actions, &spawn.attributes, argv, environ);
  if (rc != 0) {
    close_all();
    pid_ = -1;
    throw std::runtime_error(std::string("cannot start '") + command + "': " + std::strerror(rc));
  }
  close_fd(in_pipe[0]);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  in_fd_ = in_pipe[1];
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  set_nonblocking(in_fd_);
  set_nonblocking(out_fd_);
  set_nonblocking(err_fd_);
}

child_process::~child_process() {
  close_fd(in_fd_);  // EOF on stdin: a well-behaved adapter exits now.
  if (!exit_description_) wait_exit(clock_type::now() + std::chrono::milliseconds(200));
  terminate();
  close_fd(out_fd_);
  close_fd(err_fd_);
}

void child_process::append_stderr(const char* data, std::size_t size) {
  err_tail_.append(data, size);
  if (err_tail_.size() > 2 * stderr_tail_bytes_) err_tail_.erase(0, err_tail_.size() - stderr_tail_bytes_);
}

void child_process::drain_stderr() {
  if (err_fd_ < 0) return;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(err_fd_, buffer.data(), buffer.size());
    if (n > 0) {
      append_stderr(buffer.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) close_fd(err_fd_);
    return;  // EAGAIN or error: nothing more for now.
  }
}

std::string child_process::stderr_tail() {
  drain_stderr();
  if (err_tail_.size() > stderr_tail_bytes_) return err_tail_.substr(err_tail_.size() - stderr_tail_bytes_);
  return err_tail_;
}

io_failure child_process::write_all(std::string_view bytes, clock_type::time_point deadline) {
  while (!bytes.empty()) {
    if (in_fd_ < 0) return io_failure::closed;
    const ssize_t n = ::write(in_fd_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return io_failure::closed;  // EPIPE: it is gone.
    // The pipe is full: wait for room, draining stderr meanwhile (the child may be blocked on it).
    std::array<pollfd, 2> fds{pollfd{in_fd_, POLLOUT, 0}, pollfd{err_fd_, POLLIN, 0}};
    const int timeout = millis_until(deadline);
    if (timeout == 0) return io_failure::timed_out;
    const int ready = ::poll(fds.data(), err_fd_ >= 0 ? 2 : 1, timeout);
    if (ready < 0 && errno != EINTR) return io_failure::closed;
    if (fds[1].revents != 0) drain_stderr();
    if ((fds[0].revents & (POLLERR | POLLHUP)) != 0) return io_failure::closed;
  }
  return io_failure::none;
}

io_failure child_process::read_line(std::string& line, clock_type::time_point deadline) {
  std::array<char, 65536> buffer{};
  std::size_t scanned = 0;
  for (;;) {
    const auto newline = out_buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      line.assign(out_buffer_, 0, newline);
      out_buffer_.erase(0, newline + 1);
      return io_failure::none;
    }
    scanned = out_buffer_.size();
    if (out_buffer_.size() > max_line_bytes_) return io_failure::line_too_long;
    if (out_fd_ < 0) return io_failure::closed;
    const ssize_t n = ::read(out_fd_, buffer.data(), buffer.size());
    if (n > 0) {
      out_buffer_.append(buffer.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) {
      close_fd(out_fd_);
      return io_failure::closed;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return io_failure::closed;
    std::array<pollfd, 2> fds{pollfd{out_fd_, POLLIN, 0}, pollfd{err_fd_, POLLIN, 0}};
    const int timeout = millis_until(deadline);
    if (timeout == 0) return io_failure::timed_out;
    const int ready = ::poll(fds.data(), err_fd_ >= 0 ? 2 : 1, timeout);
    if (ready < 0 && errno != EINTR) return io_failure::closed;
    if (fds[1].revents != 0) drain_stderr();
  }
}

std::string child_process::describe_status(int status) const {
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    std::string out = "exited with status " + std::to_string(code);
    // `sh -c` reports a command killed by signal N as status 128 + N.
    if (code > 128 && code <= 128 + 64) {
      const char* name = sigabbrev_np(code - 128);
      if (name != nullptr) out += std::string(" (the shell's report of signal ") + std::to_string(code - 128) + ", SIG" + name + ")";
    }
    return out;
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + (name != nullptr ? std::string(" (SIG") + name + ")" : "");
  }
  return "ended with wait status " + std::to_string(status);
}

std::optional<std::string> child_process::wait_exit(clock_type::time_point deadline) {
  if (exit_description_) return exit_description_;
  if (pid_ <= 0) return std::nullopt;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_description_ = describe_status(status);
      // Grandchildren may still hold the pipes; they belong to the same group.
      ::kill(-pid_, SIGKILL);
      return exit_description_;
    }
    if (r < 0 && errno != EINTR) {
      exit_description_ = "ended (status unavailable)";
      return exit_description_;
    }
    if (clock_type::now() >= deadline) return std::nullopt;
    drain_stderr();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string child_process::terminate() {
  if (exit_description_) return *exit_description_;
  if (pid_ <= 0) return "not started";
  ::kill(-pid_, SIGKILL);
  int status = 0;
  pid_t r = -1;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  exit_description_ = r == pid_ ? describe_status(status) : std::string("ended (status unavailable)");
  drain_stderr();
  return *exit_description_;
}

}  // namespace sse::runner
