// json_limits.cpp: the nesting pre-scan of json_limits.hpp.
#include <sse/conformance/json_limits.hpp>

namespace sse::conformance {

std::optional<std::string> check_json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > limit)
          return "JSON nested deeper than " + std::to_string(limit) + " levels (at byte " + std::to_string(i) +
                 "); refused before parsing";
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return std::nullopt;
}

}  // namespace sse::conformance
