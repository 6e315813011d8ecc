// text_util.hpp: small text helpers the runner needs and the conformance library does not offer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sse::runner {

/// RFC 4648 base64 with padding (the adapter protocol's chunk encoding).
[[nodiscard]] std::string base64_encode(std::string_view bytes);
/// The bytes of RFC 4648 base64 text with padding (the encode mode's answers); nullopt when `text`
/// is not exactly that (wrong length, a character outside the alphabet, misplaced padding).
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

/// Text that is safe inside XML 1.0 character data and attributes: & < > " ' escaped; bytes that are
/// not valid UTF-8 and characters XML 1.0 forbids (C0 controls other than tab, LF, CR) written as
/// \xHH, so JUnit readers never reject the file.
[[nodiscard]] std::string xml_escape(std::string_view text);

/// Text that is valid UTF-8: invalid bytes written as \xHH (for stderr tails shown in reports).
[[nodiscard]] std::string printable_utf8(std::string_view text);

/// `s` as one word for /bin/sh: in single quotes, each ' written as '\''.
[[nodiscard]] std::string shell_quote(const std::string& s);

/// Shell-style glob match (`*`, `?`, `[...]`) of a whole string.
[[nodiscard]] bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace sse::runner
