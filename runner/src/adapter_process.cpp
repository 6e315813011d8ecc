#include "adapter_process.hpp"

#include "adapter_answer.hpp"
#include "text_util.hpp"

#include <sse/conformance/observation_json.hpp>

#include <nlohmann/json.hpp>

namespace sse::runner {

using json = nlohmann::json;

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
  throw adapter_fault(kind, text, shorten_line(line), process_->stderr_tail());
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
  if (process_->output_pending())
    fail(outcome::protocol_error, "output before the reset of this case (after the previous case's end answer)",
         process_->pending_stdout());
  json message = {{"type", "reset"}, {"last_event_id", std::string(initial_last_event_id)}};
  // ASCII only (\uXXXX escapes): Node's and Deno's readline also end a line at U+2028 and U+2029.
  send(message.dump(-1, ' ', true, json::error_handler_t::replace));
  const std::string line = receive("'ready' after reset");
  try {
    parse_ready(line);
  } catch (const adapter_fault& f) {
    fail(outcome::protocol_error, f.what(), line);
  }
}

observation_log adapter_implementation::receive_observations(const char* waiting_for) {
  const std::string line = receive(waiting_for);
  try {
    observed_answer answer = parse_observed(line, waiting_for, identity_.caps.event_ids);
    for (auto& note : answer.notes) notes_.push_back(std::move(note));
    return std::move(answer.log);
  } catch (const adapter_fault& f) {
    fail(outcome::protocol_error, f.what(), line);
  }
}

std::string adapter_implementation::request(const std::string& message, const char* waiting_for) {
  case_deadline_ = clock_type::now() + options_.case_timeout;
  send(message);
  return receive(waiting_for);
}

void adapter_implementation::post(const std::string& message) {
  case_deadline_ = clock_type::time_point::max();
  send(message);
}

std::optional<std::string> adapter_implementation::receive_by(clock_type::time_point deadline,
                                                              const char* waiting_for) {
  std::string line;
  switch (process_->read_line(line, deadline)) {
    case io_failure::none: return line;
    case io_failure::timed_out: return std::nullopt;
    case io_failure::line_too_long:
      fail(outcome::protocol_error,
           "a line longer than " + std::to_string(options_.max_line_bytes) + " bytes while waiting for " + waiting_for,
           process_->pending_stdout());
    case io_failure::closed: break;
  }
  fail(outcome::crash, std::string("the adapter ended while the runner was waiting for ") + waiting_for,
       process_->pending_stdout());
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
  observation_log log = receive_observations("the observations at end of stream");
  // "Every message the runner sends gets exactly one answer": a line already there after the answer
  // to `end` belongs to this case, not to the next one (whose reset it would answer).
  if (process_->output_pending())
    fail(outcome::protocol_error, "output after the answer to 'end' (every message gets exactly one answer)",
         process_->pending_stdout());
  return log;
}

}  // namespace sse::runner
