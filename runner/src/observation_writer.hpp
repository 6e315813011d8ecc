// observation_writer.hpp: observations as JSON lines (the text of conformance::observation_to_json,
// byte for byte), written straight from the parser's buffers as each observation completes. `parse`
// prints this way, so an event of 50 MB costs its data buffer once, not a log, a JSON value and a
// printed copy of it on top.
#pragma once

#include <sse/parser.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace sse::runner {

class observation_line_writer final : public parser_handler {
public:
  explicit observation_line_writer(std::FILE* out) : out_(out) {}

  void on_event(const event_view& e) override;
  void on_retry(std::uint64_t ms) override;
  void on_last_event_id(std::string_view id) override;
  void on_comment(std::string_view text) override;
  void on_end(std::string_view id) override;

  /// True once a write failed (a full disk, a closed pipe); nothing more is written then.
  [[nodiscard]] bool failed() const noexcept { return error_ != 0; }
  /// The errno of the failed write (EPIPE: the reader went away).
  [[nodiscard]] int error() const noexcept { return error_; }

private:
  void raw(std::string_view text);
  /// A JSON string: quotes, the escapes of nlohmann::json's dump (\" \\ \b \f \n \r \t, \u00XX for
  /// other controls), every other byte as is.
  void quoted(std::string_view text);
  void end_line();

  std::FILE* out_;
  std::string buffer_;
  int error_ = 0;
};

}  // namespace sse::runner
