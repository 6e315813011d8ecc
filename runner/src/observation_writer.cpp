#include "observation_writer.hpp"

#include <cerrno>

namespace sse::runner {
namespace {
constexpr std::size_t flush_bytes = 1u << 16;
}

void observation_line_writer::raw(std::string_view text) {
  if (error_ != 0) return;
  if (buffer_.size() + text.size() < flush_bytes) {
    buffer_.append(text);
    return;
  }
  // A large piece (an event's data) goes out as it is, never copied into the buffer.
  if ((!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size()) ||
      (!text.empty() && std::fwrite(text.data(), 1, text.size(), out_) != text.size()))
    error_ = errno != 0 ? errno : EIO;
  buffer_.clear();
}

void observation_line_writer::quoted(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  raw("\"");
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    raw(text.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"': raw("\\\""); break;
      case '\\': raw("\\\\"); break;
      case '\b': raw("\\b"); break;
      case '\f': raw("\\f"); break;
      case '\n': raw("\\n"); break;
      case '\r': raw("\\r"); break;
      case '\t': raw("\\t"); break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        raw(std::string_view(escape, sizeof escape));
      }
    }
  }
  raw(text.substr(plain));
  raw("\"");
}

void observation_line_writer::end_line() {
  raw("}\n");
  if (error_ != 0) return;
  // Each observation leaves as it completes, so `curl -N URL | sse-conformance parse` follows a live stream.
  if ((!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size()) ||
      std::fflush(out_) != 0)
    error_ = errno != 0 ? errno : EIO;
  buffer_.clear();
}

// The keys in nlohmann::json's order (sorted), as observation_to_json prints them.
void observation_line_writer::on_event(const event_view& e) {
  raw("{\"data\":");
  quoted(e.data);
  raw(",\"kind\":\"event\",\"last_event_id\":");
  quoted(e.last_event_id);
  raw(",\"type\":");
  quoted(e.type);
  end_line();
}

void observation_line_writer::on_retry(std::uint64_t ms) {
  raw("{\"kind\":\"retry\",\"ms\":" + std::to_string(ms));
  end_line();
}

void observation_line_writer::on_last_event_id(std::string_view id) {
  raw("{\"kind\":\"last_event_id\",\"value\":");
  quoted(id);
  end_line();
}

void observation_line_writer::on_comment(std::string_view text) {
  raw("{\"kind\":\"comment\",\"text\":");
  quoted(text);
  end_line();
}

void observation_line_writer::on_end(std::string_view id) {
  raw("{\"kind\":\"end\",\"last_event_id\":");
  quoted(id);
  end_line();
}

}  // namespace sse::runner
