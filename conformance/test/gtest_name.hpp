// gtest_name.hpp: a case or scenario id as a GoogleTest name (letters, digits and _ only), for the
// suites that make one test per corpus entry.
#pragma once

#include <string>
#include <string_view>

namespace sse::conformance::test {

/// "line-endings/crlf-split" -> "line_endings__crlf_split": '/' becomes "__", any other character
/// that is not an ASCII letter or digit becomes '_'.
inline std::string gtest_name(std::string_view id) {
  std::string name;
  for (char c : id) {
    if (c == '/') {
      name += "__";
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      name += c;
    } else {
      name += '_';
    }
  }
  return name;
}

}  // namespace sse::conformance::test
