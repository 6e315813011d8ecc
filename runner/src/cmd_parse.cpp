// sse-conformance parse: the reference as an oracle. Prints the observation log of any byte stream
// as JSON lines, as it happens (so `curl -N URL | sse-conformance parse` follows a live stream).
#include "commands.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <iostream>
#include <memory>
#include <vector>

namespace sse::runner {
namespace {

struct parse_options {
  std::string file = "-";
  std::size_t chunk = 0;
  std::string last_event_id;
};

void print(const observation_log& log) {
  for (const auto& o : log) std::cout << conformance::observation_to_json(o) << '\n';
  if (!log.empty()) std::cout.flush();
}

int parse_command(const parse_options& o) {
  int fd = STDIN_FILENO;
  if (o.file != "-") {
    fd = ::open(o.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw usage_error(o.file + ": cannot read the file");
  }
  auto impl = conformance::make_reference_implementation();
  impl->begin(o.last_event_id);
  std::vector<char> buffer(o.chunk != 0 ? o.chunk : 65536);
  bool failed = false;
  for (bool eof = false; !eof && !failed;) {
    // With --chunk N every feed is exactly N bytes (the last may be shorter), whatever read()
    // returns; without it each read is fed as it arrives, so a live stream is followed.
    std::size_t got = 0;
    do {
      const ssize_t n = ::read(fd, buffer.data() + got, buffer.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failed = true;
      if (n <= 0) {
        eof = true;
        break;
      }
      got += static_cast<std::size_t>(n);
    } while (o.chunk != 0 && got < buffer.size());
    if (got != 0) print(impl->feed(std::string_view(buffer.data(), got)));
  }
  if (fd != STDIN_FILENO) ::close(fd);
  if (failed) throw usage_error(o.file + ": read error");
  print(impl->finish());
  return exit_passed;
}

}  // namespace

void add_parse_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<parse_options>();
  auto* cmd = app.add_subcommand(
      "parse", "Print the reference's observation log of a byte stream as JSON lines (the fixture format)");
  cmd->add_option("file", o->file, "The body to parse; '-' (default) reads stdin")->type_name("FILE|-");
  cmd->add_option("--chunk", o->chunk, "Feed the stream in pieces of N bytes (default: as it is read)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--last-event-id", o->last_event_id,
                  "The last event ID string when the stream starts (as after a reconnection)");
  cmd->footer("Exit codes: 0 parsed; 2 bad usage or unreadable input.");
  cmd->callback([o, &exit_code] { exit_code = parse_command(*o); });
}

}  // namespace sse::runner
