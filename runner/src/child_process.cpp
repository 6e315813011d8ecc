#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
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

// ---- every live child group, so that every exit path of the runner can end them ----------------
//
// A fixed table of atomics rather than a container: the signal handler reads it, and a handler may
// only use async-signal-safe operations (no locks, no allocation). 0 marks a free slot.
constexpr std::size_t max_live_groups = 4096;
std::array<std::atomic<pid_t>, max_live_groups> live_groups{};

void register_group(pid_t group) {
  for (auto& slot : live_groups) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, group)) return;
  }
  // More live children than slots: not tracked; the death signal and the destructor still end it.
}

void unregister_group(pid_t group) {
  for (auto& slot : live_groups) {
    pid_t expected = group;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

/// Async-signal-safe: kill(2) only.
void kill_live_groups() noexcept {
  for (auto& slot : live_groups) {
    const pid_t group = slot.load();
    if (group > 0) ::kill(-group, SIGKILL);
  }
}

extern "C" void end_children_and_reraise(int sig) {
  kill_live_groups();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

extern "C" void end_children_at_exit() { kill_live_groups(); }

/// Once per process, before the first child starts: SIGTERM, SIGINT and SIGHUP end every child group
/// and then the runner (with the signal's own status), and so does a normal exit (atexit). A signal
/// some code of the process already handles (or ignores, or takes with sigwait while it is blocked,
/// as `serve` does) is left alone. A crash of the runner (SIGSEGV, SIGKILL) cannot be handled; for
/// that every child asks the kernel to SIGKILL it when the runner dies (PR_SET_PDEATHSIG).
void install_exit_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::atexit(end_children_at_exit);
    for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
      struct sigaction current {};
      if (::sigaction(sig, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
      struct sigaction action {};
      action.sa_handler = end_children_and_reraise;
      sigemptyset(&action.sa_mask);
      ::sigaction(sig, &action, nullptr);
    }
  });
}

/// The inode of a pipe end (both ends of a pipe share it); 0 when unknown.
ino_t pipe_inode(int fd) {
  struct stat st {};
  return fd >= 0 && ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/// True while some process still holds the write end of the pipe whose read end is `fd`
/// (poll reports POLLHUP once every writer has closed it).
bool pipe_has_writers(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) >= 0 && (p.revents & POLLHUP) == 0;
}

/// The parent pid of `pid` from /proc/PID/stat ("pid (comm) state ppid ..."); -1 when unknown.
pid_t parent_of(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  std::array<char, 512> text{};
  const ssize_t n = ::read(fd, text.data(), text.size() - 1);
  ::close(fd);
  if (n <= 0) return -1;
  const char* close_paren = std::strrchr(text.data(), ')');  // the command name may hold anything
  if (close_paren == nullptr) return -1;
  char state = 0;
  int ppid = -1;
  return std::sscanf(close_paren + 1, " %c %d", &state, &ppid) == 2 ? ppid : -1;
}

/// SIGKILLs every process of this user, except this one, that holds one of the pipes (found in
/// /proc/PID/fd as "pipe:[INODE]"). This reaches what killing the process group cannot: a
/// grandchild that left the group (setsid) and kept the adapter's stdout open.
void kill_pipe_holders(const std::array<ino_t, 3>& inodes) {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return;
  const pid_t self = ::getpid();
  while (const dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || pid <= 0 || pid == self) continue;
    const std::string fd_dir = std::string("/proc/") + entry->d_name + "/fd";
    DIR* fds = ::opendir(fd_dir.c_str());
    if (fds == nullptr) continue;  // another user's process, or gone
    bool holds = false;
    while (const dirent* fd = ::readdir(fds)) {
      if (fd->d_name[0] == '.') continue;
      std::array<char, 64> target{};
      const std::string link = fd_dir + "/" + fd->d_name;
      const ssize_t n = ::readlink(link.c_str(), target.data(), target.size() - 1);
      if (n <= 0) continue;
      const std::string_view text(target.data(), static_cast<std::size_t>(n));
      if (text.substr(0, 6) != "pipe:[") continue;
      const auto number = std::strtoull(std::string(text.substr(6)).c_str(), nullptr, 10);
      for (const ino_t inode : inodes) holds = holds || (inode != 0 && number == inode);
      if (holds) break;
    }
    ::closedir(fds);
    // A direct child of the runner holds them only between fork and exec of another adapter (the
    // pipes are close-on-exec): that one is innocent.
    if (holds && parent_of(static_cast<pid_t>(pid)) != self) ::kill(static_cast<pid_t>(pid), SIGKILL);
  }
  ::closedir(proc);
}

/// A command the shell can replace itself with (`exec COMMAND`): one simple command without
/// operators, expansions, assignments or keywords. Then the adapter is the child itself, so when
/// it closes stdout or exits the runner sees it at once, instead of a shell that still holds the
/// pipe while it waits.
bool is_simple_command(const std::string& command) {
  if (command.find_first_of(";&|<>()$`\n\\{}") != std::string::npos) return false;
  const auto begin = command.find_first_not_of(" \t");
  if (begin == std::string::npos) return false;
  const auto word_end = command.find_first_of(" \t", begin);
  const std::string first = command.substr(begin, word_end == std::string::npos ? std::string::npos : word_end - begin);
  if (first.find('=') != std::string::npos) return false;  // an assignment: `exec NAME=value` would fail
  for (const char* keyword : {"!", "if", "then", "else", "elif", "fi", "while", "until", "for", "do", "done", "case",
                              "esac", "in", "time", "exec", "function", "select"})
    if (first == keyword) return false;
  return true;
}

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

  install_exit_handlers();
  // Everything the child needs is prepared before fork(): after it, in a multi-threaded process,
  // the child may only make async-signal-safe calls until execve.
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string command_copy = is_simple_command(command) ? "exec " + command : command;
  char* argv[] = {shell.data(), dash_c.data(), command_copy.data(), nullptr};
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  const pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) {
    const int saved = errno;
    close_all();
    pid_ = -1;
    throw std::runtime_error(std::string("cannot start '") + command + "': " + std::strerror(saved));
  }
  if (pid_ == 0) {
    // Its own process group (pgid = its pid), so terminate() reaches grandchildren too. The kernel
    // SIGKILLs it when the thread that started it ends (the runner crashed or was killed; a worker
    // thread always ends its children first); if the runner died before this line, exit now.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // dup2 clears FD_CLOEXEC on the target, so only these three reach the command.
    if (::dup2(in_pipe[0], STDIN_FILENO) < 0 || ::dup2(out_pipe[1], STDOUT_FILENO) < 0 ||
        ::dup2(err_pipe[1], STDERR_FILENO) < 0)
      ::_exit(127);
    // Default signal dispositions (the runner ignores SIGPIPE and handles SIGTERM) and an empty mask.
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &empty_mask, nullptr);
    ::execve(shell.c_str(), argv, environ);
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also here, so the group exists before the parent ever signals it
  register_group(pid_);
  close_fd(in_pipe[0]);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  in_fd_ = in_pipe[1];
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  set_nonblocking(in_fd_);
  set_nonblocking(out_fd_);
  set_nonblocking(err_fd_);
  pipe_inodes_ = {pipe_inode(in_fd_), pipe_inode(out_fd_), pipe_inode(err_fd_)};
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
    // The limit holds for a line that arrived in one read as much as for one spread over many.
    if ((newline == std::string::npos ? out_buffer_.size() : newline) > max_line_bytes_)
      return io_failure::line_too_long;
    if (newline != std::string::npos) {
      line.assign(out_buffer_, 0, newline);
      out_buffer_.erase(0, newline + 1);
      return io_failure::none;
    }
    scanned = out_buffer_.size();
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
    // Nothing to read. The child may have exited while a process it started still holds the pipe
    // (so no EOF comes): what it wrote before has been read above, so it is over.
    if (exit_description_) return io_failure::closed;
    std::array<pollfd, 2> fds{pollfd{out_fd_, POLLIN, 0}, pollfd{err_fd_, POLLIN, 0}};
    const int timeout = millis_until(deadline);
    if (timeout == 0) return io_failure::timed_out;
    const int ready = ::poll(fds.data(), err_fd_ >= 0 ? 2 : 1, std::min(timeout, exit_check_interval_ms));
    if (ready < 0 && errno != EINTR) return io_failure::closed;
    if (fds[1].revents != 0) drain_stderr();
    if (ready == 0) reap_if_exited();
  }
}

bool child_process::output_pending() {
  std::array<char, 4096> buffer{};
  while (out_fd_ >= 0) {
    const ssize_t n = ::read(out_fd_, buffer.data(), buffer.size());
    if (n > 0) {
      out_buffer_.append(buffer.data(), static_cast<std::size_t>(n));
      if (out_buffer_.size() > max_line_bytes_) break;
      continue;
    }
    if (n == 0) close_fd(out_fd_);
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  return !out_buffer_.empty();
}

void child_process::reap_if_exited() {
  if (exit_description_ || pid_ <= 0) return;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_description_ = describe_status(status);
    end_leftovers();
  }
}

void child_process::end_leftovers() {
  ::kill(-pid_, SIGKILL);
  unregister_group(pid_);
  // A grandchild that left the group (setsid) but keeps the pipes open is found by its pipes.
  if (pipe_has_writers(out_fd_) || pipe_has_writers(err_fd_)) kill_pipe_holders(pipe_inodes_);
}

std::string child_process::describe_status(int status) const {
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    std::string out = "exited with status " + std::to_string(code);
    // `sh -c` reports a command killed by signal N as status 128 + N.
    if (code > 128 && code <= 128 + 64) {
      const char* name = sigabbrev_np(code - 128);
      if (name != nullptr)
        out += std::string(" (the shell's report of signal ") + std::to_string(code - 128) + ", SIG" + name + ")";
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
      end_leftovers();  // grandchildren may still hold the pipes
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
  end_leftovers();
  drain_stderr();
  return *exit_description_;
}

}  // namespace sse::runner
