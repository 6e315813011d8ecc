// cli_harness.hpp: what the end-to-end tests of the sse-conformance executable share: running a
// shell command with its output and exit code, quoting for /bin/sh, and a test fixture with a
// scratch folder of its own.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

namespace sse::runner::testing {

/// `s` as one /bin/sh word.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct result {
  int exit_code = -1;  ///< -1: killed by a signal (a crash)
  std::string output;  ///< stdout and stderr
  double seconds = 0;  ///< wall-clock time of the whole command
};

/// Runs `sh -c COMMAND`, capturing stdout and stderr.
inline result shell(const std::string& command) {
  const auto start = std::chrono::steady_clock::now();
  result r;
  FILE* pipe = ::popen(("(" + command + ") 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

/// Whether the command printed every one of `needles`; a failure names the first missing one and
/// shows the whole output.
inline ::testing::AssertionResult printed(const result& r, std::initializer_list<std::string_view> needles) {
  for (std::string_view needle : needles) {
    if (r.output.find(needle) == std::string::npos)
      return ::testing::AssertionFailure() << "no \"" << needle << "\" in the output:\n" << r.output;
  }
  return ::testing::AssertionSuccess();
}

/// Runs the executable `exe` with `args` (already quoted), feeding `stdin_text` when given.
inline result run_executable(const std::string& exe, const std::string& args, const std::string& stdin_text = "") {
  std::string command = quote(exe) + " " + args;
  if (!stdin_text.empty()) command = "printf '%s' " + quote(stdin_text) + " | " + command;
  return shell(command);
}

/// A test with a scratch folder of its own (named after the test, removed afterwards).
class scratch_test : public ::testing::Test {
protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("sse-runner-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir / name).string(); }
  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write(const std::string& file, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }
  std::filesystem::path dir;
};

}  // namespace sse::runner::testing
