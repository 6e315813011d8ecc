#include "adapter_process.hpp"

#include "text_util.hpp"

#include <sse/conformance/observation_json.hpp>

#include <nlohmann/json.hpp>

#include <limits>

namespace sse::runner {
namespace {

using json = nlohmann::json;

constexpr std::size_t shown_line_bytes = 400;

std::string shorten(const std::string& line) {
  if (line.size() <= shown_line_bytes) return line;
  return line.substr(0, shown_line_bytes) + "… (" + std::to_string(line.size()) + " bytes)";
}

[[noreturn]] void hello_error(const std::string& message, const std::string& line) {
  throw adapter_fault(outcome::protocol_error, "invalid hello: " + message, shorten(line), {});
}

}  // namespace

adapter_identity parse_hello(const std::string& line) {
  json message = json::parse(line, nullptr, false);
  if (message.is_discarded() || !message.is_object()) hello_error("not a JSON object", line);
  if (message.value("type", json()) != "hello") hello_error("expected {\"type\":\"hello\",...} first", line);
  const json protocol = message.value("protocol", json());
  if (!protocol.is_number_integer() || protocol.get<int>() != adapter_protocol_version)
    hello_error("key 'protocol': expected " + std::to_string(adapter_protocol_version), line);
  adapter_identity id;
  const json name = message.value("name", json());
  if (!name.is_string() || name.get<std::string>().empty()) hello_error("key 'name': expected a non-empty string", line);
  id.name = name.get<std::string>();
  const json version = message.value("version", json(""));
  if (!version.is_string()) hello_error("key 'version': expected a string", line);
  id.version = version.get<std::string>();
  const json caps = message.value("capabilities", json());
  if (!caps.is_object()) hello_error("key 'capabilities': expected an object", line);
  conformance::capabilities c{};
  const std::pair<const char*, bool*> keys[] = {{"events", &c.events},
                                                {"last_event_id_commits", &c.last_event_id_commits},
                                                {"retry", &c.retry},
                                                {"comments", &c.comments},
                                                {"end", &c.end}};
  for (const auto& [key, field] : keys) {
    const json v = caps.value(key, json(false));
    if (!v.is_boolean()) hello_error(std::string("key 'capabilities.") + key + "': expected true or false", line);
    *field = v.get<bool>();
  }
  for (const auto& item : caps.items()) {
    bool known = false;
    for (const auto& k : keys) known = known || item.key() == k.first;
    if (!known) hello_error("key 'capabilities." + item.key() + "': unknown capability", line);
  }
  id.caps = c;
  return id;
}

adapter_implementation::adapter_implementation(adapter_options options) : options_(std::move(options)) {
  try {
    process_ = std::make_unique<child_process>(options_.command, options_.max_line_bytes);
  } catch (const std::runtime_error& e) {
    throw adapter_fault(outcome::crash, e.what(), {}, {});
  }
  case_deadline_ = clock_type::time_point::max();
  const std::string line = receive("its hello");
  hello_line_ = line;
  try {
    identity_ = parse_hello(line);
  } catch (adapter_fault& f) {
    f.stderr_tail = process_->stderr_tail();
    process_->terminate();
    throw;
  }
}

adapter_implementation::~adapter_implementation() = default;

void adapter_implementation::fail(outcome kind, const std::string& message, const std::string& line) {
  // Collect what the process left behind, then make sure it is gone (its whole group).
  std::string how;
  if (kind == outcome::crash) {
    auto ended = process_->wait_exit(clock_type::now() + std::chrono::milliseconds(500));
    how = ended ? *ended : process_->terminate() + " (closed its stdout, then was killed)";
  } else {
    process_->terminate();
  }
  std::string text = message;
  if (!how.empty()) text += ": adapter " + how;
  throw adapter_fault(kind, text, shorten(line), process_->stderr_tail());
}

clock_type::time_point adapter_implementation::exchange_deadline() {
  const auto answer_deadline = clock_type::now() + options_.timeout;
  case_deadline_binding_ = case_deadline_ < answer_deadline;
  return case_deadline_binding_ ? case_deadline_ : answer_deadline;
}

std::string adapter_implementation::timeout_reason() const {
  if (case_deadline_binding_)
    return "the case took longer than its " + std::to_string(options_.case_timeout.count()) + " ms in total";
  return "no progress within " + std::to_string(options_.timeout.count()) + " ms";
}

void adapter_implementation::send(const std::string& message) {
  switch (process_->write_all(message + "\n", exchange_deadline())) {
    case io_failure::none: return;
    case io_failure::timed_out:
      fail(outcome::timeout, timeout_reason() + " writing to the adapter (it stopped reading stdin)");
    default: fail(outcome::crash, "the adapter closed its stdin");
  }
}

std::string adapter_implementation::receive(const char* waiting_for) {
  std::string line;
  switch (process_->read_line(line, exchange_deadline())) {
    case io_failure::none: return line;
    case io_failure::timed_out: {
      const std::string partial = process_->pending_stdout();
      fail(outcome::timeout, timeout_reason() + " while waiting for " + waiting_for, partial);
    }
    case io_failure::line_too_long:
      fail(outcome::protocol_error,
           "a line longer than " + std::to_string(options_.max_line_bytes) + " bytes while waiting for " + waiting_for,
           process_->pending_stdout());
    case io_failure::closed: break;
  }
  const std::string partial = process_->pending_stdout();
  fail(outcome::crash, std::string("the adapter ended while the runner was waiting for ") + waiting_for, partial);
}

void adapter_implementation::begin(std::string_view initial_last_event_id) {
  case_deadline_ = clock_type::now() + options_.case_timeout;
  notes_.clear();
  json message = {{"type", "reset"}, {"last_event_id", std::string(initial_last_event_id)}};
  send(message.dump(-1, ' ', false, json::error_handler_t::replace));
  const std::string line = receive("'ready' after reset");
  const json reply = json::parse(line, nullptr, false);
  if (reply.is_discarded() || !reply.is_object() || reply.value("type", json()) != "ready")
    fail(outcome::protocol_error, "expected {\"type\":\"ready\"} after reset", line);
}

observation_log adapter_implementation::receive_observations(const char* waiting_for) {
  const std::string line = receive(waiting_for);
  const json reply = json::parse(line, nullptr, false);
  if (reply.is_discarded() || !reply.is_object())
    fail(outcome::protocol_error, std::string("expected a JSON object while waiting for ") + waiting_for, line);
  if (reply.value("type", json()) != "observed")
    fail(outcome::protocol_error, std::string("expected {\"type\":\"observed\",...} while waiting for ") + waiting_for,
         line);
  const auto it = reply.find("observations");
  if (it == reply.end() || !it->is_array())
    fail(outcome::protocol_error, "key 'observations': expected an array of observations", line);
  // A retry value outside the observation model (an integer in 0..2^53-1) is what a library that
  // neither clamps nor validates really computes (negative, 1e+30, Infinity). It is a wrong log, not
  // a protocol error: it is compared as ms = 2^64-1, which no expected log holds, and noted.
  json observations = *it;
  std::vector<std::size_t> out_of_model;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    json& o = observations[i];
    if (!o.is_object() || o.value("kind", json()) != "retry" || !o.contains("ms")) continue;
    const json& ms = o["ms"];
    if (ms.is_number_unsigned() && ms.get<std::uint64_t>() <= max_reconnection_time_ms) continue;
    if (!ms.is_number() && !ms.is_string() && !ms.is_null())
      fail(outcome::protocol_error, "key 'observations[" + std::to_string(i) + "].ms': expected a number", line);
    notes_.push_back("the adapter reported retry ms=" + (ms.is_null() ? std::string("null") : ms.dump()) +
                     ", outside the observation model (an integer from 0 to 9007199254740991); it is compared as "
                     "ms=18446744073709551615");
    o["ms"] = 0;
    out_of_model.push_back(i);
  }
  std::string error;
  auto log = conformance::log_from_json_value(observations, &error);
  if (!log) fail(outcome::protocol_error, "key 'observations': " + error, line);
  for (const std::size_t i : out_of_model) (*log)[i].ms = std::numeric_limits<std::uint64_t>::max();
  return std::move(*log);
}

std::string adapter_implementation::request(const std::string& message, const char* waiting_for) {
  case_deadline_ = clock_type::now() + options_.case_timeout;
  send(message);
  return receive(waiting_for);
}

void adapter_implementation::reject(const std::string& message, const std::string& line) {
  fail(outcome::protocol_error, message, line);
}

observation_log adapter_implementation::feed(std::string_view chunk) {
  send(R"({"type":"chunk","data":")" + base64_encode(chunk) + "\"}");
  return receive_observations("the observations of a chunk");
}

observation_log adapter_implementation::finish() {
  send(R"({"type":"end"})");
  return receive_observations("the observations at end of stream");
}

}  // namespace sse::runner
