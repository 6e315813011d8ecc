// test_encoder: an encode-mode adapter broken on purpose, for the runner's own tests.
//
// It speaks the encode mode (runner/ADAPTERS.md) around the reference encoder, and misbehaves when
// the event's data is one of these words:
//   CRASH    aborts (SIGABRT) after writing to stderr
//   HANG     stops answering (and leaves a sleeping grandchild in its process group)
//   GARBAGE  answers with a line that is not the protocol
//   BADBASE64  answers {"type":"encoded"} with data that is not base64
//   EXIT     exits with status 7
// Flags:
//   --inject       writes `id` and `event` values through, line breaks and all (a writer with the
//                  classic injection bug: a wrong answer, not a fault)
//   --no-comments  declares that its API takes no comments
//   --start MODE   misbehaves before the hello: parser (a parsing adapter's hello, no mode)
#include <sse/encoder.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

using json = nlohmann::json;

std::string base64(const std::string& bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(v >> shift) & 63u];
  }
  if (bytes.size() - i == 1) {
    const unsigned v = at(i) << 16;
    out += std::string{alphabet[(v >> 18) & 63u], alphabet[(v >> 12) & 63u]} + "==";
  } else if (bytes.size() - i == 2) {
    const unsigned v = (at(i) << 16) | (at(i + 1) << 8);
    out += std::string{alphabet[(v >> 18) & 63u], alphabet[(v >> 12) & 63u], alphabet[(v >> 6) & 63u]} + "=";
  }
  return out;
}

void reply(const json& message) { std::cout << message.dump() << std::endl; }

std::string text(const json& v) { return v.is_string() ? v.get<std::string>() : std::string("?"); }

/// The injection bug: every member written as `name: value`, nothing split, nothing refused.
std::string write_through(const json& event) {
  std::string out;
  for (const char* key : {"type", "id", "data"}) {
    if (!event.contains(key)) continue;
    out += std::string(key) == "type" ? "event" : key;
    out += ": " + text(event[key]) + "\n";
  }
  return out + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  bool inject = false;
  bool comments = true;
  std::string start;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--inject") inject = true;
    if (arg == "--no-comments") comments = false;
    if (arg == "--start" && i + 1 < argc) start = argv[++i];
  }
  if (start == "parser") {
    reply({{"type", "hello"}, {"protocol", 1}, {"name", "a-parser"}, {"capabilities", json::object()}});
  } else {
    reply({{"type", "hello"},
           {"protocol", 1},
           {"mode", "encode"},
           {"name", "test-encoder"},
           {"version", inject ? "inject" : "1"},
           {"capabilities", json::object()},
           {"writes", {{"type", true}, {"id", true}, {"retry", true}, {"comments", comments}, {"no_data", true}}}});
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    const json message = json::parse(line, nullptr, false);
    if (message.is_discarded() || message.value("type", json()) != "encode") return 3;
    const json& event = message["event"];
    const std::string data = event.contains("data") ? text(event["data"]) : "";
    if (data == "CRASH") {
      std::cerr << "test_encoder: crashing on purpose" << std::endl;
      std::abort();
    }
    if (data == "EXIT") return 7;
    if (data == "HANG") {
      if (::fork() == 0) ::execlp("sleep", "sleep", "30", static_cast<char*>(nullptr));
      std::this_thread::sleep_for(std::chrono::seconds(30));
      return 0;
    }
    if (data == "GARBAGE") {
      std::cout << "this is not the protocol" << std::endl;
      continue;
    }
    if (data == "BADBASE64") {
      reply({{"type", "encoded"}, {"data", "not base64!"}});
      continue;
    }
    if (inject) {
      reply({{"type", "encoded"}, {"data", base64(write_through(event))}});
      continue;
    }
    sse::outgoing_event e;
    if (event.contains("type")) e.type = text(event["type"]);
    if (event.contains("data")) e.data = data;
    if (event.contains("id")) e.id = text(event["id"]);
    if (event.contains("retry")) {
      const auto r = sse::retry_from_number(event["retry"].get<double>());
      if (r.error != sse::encode_error::none) {
        reply({{"type", "refused"}, {"message", std::string(sse::to_string(r.error))}});
        continue;
      }
      e.retry = r.milliseconds;
    }
    if (event.contains("comments"))
      for (const auto& c : event["comments"]) e.comments.push_back(text(c));
    const auto written = sse::encode(e);
    if (written.ok())
      reply({{"type", "encoded"}, {"data", base64(written.bytes)}});
    else
      reply({{"type", "refused"}, {"message", written.message}});
  }
  return 0;
}
