// sse-conformance parse: the reference as an oracle. Prints the observation log of any byte stream
// as JSON lines, as it happens (so `curl -N URL | sse-conformance parse` follows a live stream).
//
// Memory: each observation is printed from the parser's own buffers as it completes (see
// observation_writer.hpp), so what is held is the pending event and one read buffer. The parser's
// optional limits are exposed (--max-line-bytes, --max-event-bytes): passing one stops the parse
// with a clear error and exit code 1, never a silent truncation. A closed stdout (`parse | head -1`)
// stops the parse at once.
#include "commands.hpp"
#include "observation_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <iostream>
#include <memory>
#include <vector>

namespace sse::runner {
namespace {

/// The largest --chunk: the read buffer is allocated at once, so a typo must not ask for 100 GB.
constexpr std::size_t max_chunk_bytes = std::size_t{64} << 20;

struct parse_options {
  std::string file = "-";
  std::size_t chunk = 0;
  std::string last_event_id;
  std::size_t max_line_bytes = 0;
  std::size_t max_event_bytes = 0;
};

std::string limit_message(parse_error error, const parse_options& o, std::uint64_t offset) {
  const std::string where = " (within the first " + std::to_string(offset) +
                            " bytes of the stream); stopped, the "
                            "observations above are complete, the end of stream was not reached";
  if (error == parse_error::line_too_long)
    return "a line is longer than --max-line-bytes " + std::to_string(o.max_line_bytes) + " bytes" + where;
  return "an event's data is larger than --max-event-bytes " + std::to_string(o.max_event_bytes) + " bytes" + where;
}

int parse_command(const parse_options& o) {
  int fd = STDIN_FILENO;
  if (o.file != "-") {
    fd = ::open(o.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw usage_error(o.file + ": cannot read the file");
  }
  observation_line_writer writer(stdout);
  parser_options options;
  options.initial_last_event_id = o.last_event_id;
  options.report_comments = true;
  options.limits.max_line_bytes = o.max_line_bytes;
  options.limits.max_event_bytes = o.max_event_bytes;
  parser p(writer, std::move(options));
  std::vector<char> buffer(o.chunk != 0 ? o.chunk : 65536);
  bool failed = false;
  std::uint64_t offset = 0;
  parse_error error = parse_error::none;
  for (bool eof = false; !eof && !failed && !writer.failed() && error == parse_error::none;) {
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
    if (got != 0) error = p.feed(std::string_view(buffer.data(), got));
    offset += got;
  }
  if (fd != STDIN_FILENO) ::close(fd);
  if (writer.failed()) {
    if (writer.error() == EPIPE) return exit_usage;  // the reader went away: nothing to say to it
    throw usage_error(std::string("cannot write to stdout: ") + std::strerror(writer.error()));
  }
  if (failed) throw usage_error(o.file + ": read error");
  if (error != parse_error::none) {
    std::cerr << "sse-conformance: parse: " << limit_message(error, o, offset) << '\n';
    return exit_gate_failed;
  }
  p.finish();
  if (writer.failed()) {
    if (writer.error() == EPIPE) return exit_usage;
    throw usage_error(std::string("cannot write to stdout: ") + std::strerror(writer.error()));
  }
  return exit_passed;
}

}  // namespace

void add_parse_command(CLI::App& app, int& exit_code) {
  auto [cmd, o] = new_command<parse_options>(
      app, "parse", "Print the reference's observation log of a byte stream as JSON lines (the fixture format)");
  cmd->add_option("file", o->file, "The body to parse; '-' (default) reads stdin")->type_name("FILE|-");
  cmd->add_option("--chunk", o->chunk, "Feed the stream in pieces of N bytes (default: as it is read; at most 64 MiB)")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, max_chunk_bytes));
  cmd->add_option("--last-event-id", o->last_event_id,
                  "The last event ID string when the stream starts (as after a reconnection)");
  cmd->add_option("--max-line-bytes", o->max_line_bytes,
                  "Stop with an error (exit code 1) at a line longer than N bytes (default: no limit, as the "
                  "standard)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-event-bytes", o->max_event_bytes,
                  "Stop with an error (exit code 1) when an event's data grows past N bytes (default: no limit)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  cmd->footer(
      "Exit codes: 0 parsed; 1 a --max-* limit was passed (what came before it is printed); 2 bad usage, "
      "unreadable input, or stdout could not be written.");
  cmd->callback([o, &exit_code] { exit_code = parse_command(*o); });
}

}  // namespace sse::runner
