// test_adapter: an adapter that is broken on purpose, for the runner's own tests.
//
// It speaks the adapter protocol around the reference parser, and misbehaves when told to:
//   --faults      when the stream of the current case contains one of these words, it
//                   CRASH    aborts (SIGABRT) after writing to stderr
//                   HANG     stops answering (and leaves a sleeping grandchild in its process group)
//                   GARBAGE  answers with a line that is not the protocol
//                   BABBLE   writes bytes without end and never a newline
//                   EXIT     exits with status 7
//   --wrong       appends "!" to the data of every event (a wrong log, not a fault), and answers a
//                 bench request with one event more than it saw
//   --no-bench    does not offer bench requests in its hello (an adapter older than them)
//   --bug split-crlf  a planted parsing bug for the fuzz tests: a CR that ends one chunk and an LF that
//                 starts the next are taken as two line ends (the phantom blank line of R9)
//   --delay MS    sleeps MS milliseconds before answering each chunk (slow, but not hung)
//   --extra-line-after-end  prints one more line right after its answer to `end` (in the same write)
//   --caps LIST   declares only these capabilities (comma-separated), e.g. events,end
//   --start MODE  misbehaves before the hello: die (exit 5), silent (no hello), bad-hello, garbage
#include "text_util.hpp"

#include <sse/conformance/conformance.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <chrono>
#include <thread>
#include <unistd.h>

namespace {

using json = nlohmann::json;

[[noreturn]] void hang() {
  if (::fork() == 0) {
    for (;;) ::pause();  // a grandchild: the runner must kill the whole group
  }
  for (;;) ::pause();
}

void say(const std::string& line) { std::cout << line << '\n' << std::flush; }

}  // namespace

int main(int argc, char** argv) {
  bool faults = false;
  bool wrong = false;
  bool extra_line_after_end = false;
  bool split_crlf_bug = false;
  bool offers_bench = true;
  std::string caps_list = "events,last_event_id_commits,retry,comments,end";
  std::string start_mode;
  int delay_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--faults")
      faults = true;
    else if (arg == "--wrong")
      wrong = true;
    else if (arg == "--bug" && i + 1 < argc)
      split_crlf_bug = std::string(argv[++i]) == "split-crlf";
    else if (arg == "--no-bench")
      offers_bench = false;
    else if (arg == "--extra-line-after-end")
      extra_line_after_end = true;
    else if (arg == "--caps" && i + 1 < argc)
      caps_list = argv[++i];
    else if (arg == "--start" && i + 1 < argc)
      start_mode = argv[++i];
    else if (arg == "--delay" && i + 1 < argc)
      delay_ms = std::atoi(argv[++i]);
  }
  if (start_mode == "die") {
    std::cerr << "test adapter: failing at start on purpose\n";
    return 5;
  }
  if (start_mode == "silent") hang();
  if (start_mode == "garbage") say("Hello! I am not an adapter.");
  json caps = json::object();
  for (const char* name : {"events", "last_event_id_commits", "retry", "comments", "end"})
    caps[name] = ("," + caps_list + ",").find(std::string(",") + name + ",") != std::string::npos;
  json hello = {{"type", "hello"},
                {"protocol", start_mode == "bad-hello" ? 99 : 1},
                {"name", "test-adapter"},
                {"version", "1.0"},
                {"capabilities", caps}};
  if (offers_bench) hello["bench"] = true;
  say(hello.dump());

  auto impl = sse::conformance::make_reference_implementation();
  std::string stream;
  auto reply = [&](sse::observation_log log) {
    if (wrong)
      for (auto& o : log)
        if (o.kind == sse::observation_kind::event) o.data += "!";
    say(R"({"type":"observed","observations":)" + sse::conformance::log_to_json(log) + "}");
  };
  auto misbehave = [&] {
    if (!faults) return;
    if (stream.find("CRASH") != std::string::npos) {
      std::cerr << "test adapter: crashing on purpose\n" << std::flush;
      std::abort();
    }
    if (stream.find("HANG") != std::string::npos) hang();
    if (stream.find("GARBAGE") != std::string::npos) {
      say("this is not the protocol");
      stream.clear();
    }
    if (stream.find("BABBLE") != std::string::npos) {
      const std::string block(65536, 'x');
      for (;;) std::cout.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    if (stream.find("EXIT") != std::string::npos) std::exit(7);
  };

  std::string line;
  while (std::getline(std::cin, line)) {
    const json message = json::parse(line);
    const std::string type = message.at("type");
    if (type == "reset") {
      stream.clear();
      impl->begin(message.value("last_event_id", ""));
      say(R"({"type":"ready"})");
    } else if (type == "chunk") {
      std::string bytes = sse::runner::base64_decode(message.at("data").get<std::string>()).value_or("");
      // The planted bug: the reference swallows this LF (it completes the CRLF of the last chunk);
      // feeding a CR before it makes a second, phantom line end.
      const bool phantom_line =
          split_crlf_bug && !stream.empty() && stream.back() == '\r' && !bytes.empty() && bytes.front() == '\n';
      stream += bytes;
      if (phantom_line) bytes.insert(0, "\r");
      misbehave();
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      reply(impl->feed(bytes));
    } else if (type == "bench") {
      // Passes through the reference in chunk_bytes chunks until min_ms have passed (wall-clock time
      // stands in for CPU time: a test adapter).
      const std::string bytes = sse::runner::base64_decode(message.at("data").get<std::string>()).value_or("");
      const std::size_t chunk_bytes = message.at("chunk_bytes");
      const auto start = std::chrono::steady_clock::now();
      const auto elapsed_ms = [&] {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      };
      std::size_t events = 0;
      std::size_t passes = 0;
      do {
        impl->begin("");
        sse::observation_log log;
        for (std::size_t off = 0; off < bytes.size(); off += chunk_bytes)
          for (auto& o : impl->feed(std::string_view(bytes).substr(off, chunk_bytes))) log.push_back(std::move(o));
        for (auto& o : impl->finish()) log.push_back(std::move(o));
        for (const auto& o : log) events += o.kind == sse::observation_kind::event ? 1 : 0;
        ++passes;
      } while (elapsed_ms() < message.at("min_ms").get<double>());
      say(json{{"type", "bench_result"},
               {"bytes", bytes.size() * passes},
               {"events", events + (wrong ? 1 : 0)},
               {"iterations", passes},
               {"complete", true},
               {"cpu_ms", elapsed_ms()},
               {"elapsed_ms", elapsed_ms()},
               {"progress", json::array()}}
              .dump());
    } else if (type == "end") {
      if (extra_line_after_end) {
        // One more line than the protocol allows, in the same write as the answer (so it is there
        // when the runner has read the answer).
        std::cout << R"({"type":"observed","observations":)" << sse::conformance::log_to_json(impl->finish()) << "}\n"
                  << R"({"type":"ready"})" << '\n'
                  << std::flush;
        continue;
      }
      reply(impl->finish());
    }
  }
  return 0;
}
