// sse/detail/url.hpp: the part of the WHATWG URL Standard (https://url.spec.whatwg.org/) that the
// connection model needs: parsing http(s) URLs, resolving the relative references a `Location`
// header or the EventSource constructor may hold, and serializing origins.
//
// Deliberately a subset, and strict about it: http and https URLs are parsed fully enough to resolve
// and compare them (scheme and host lower-cased, default ports dropped, dot segments removed, bytes
// outside printable ASCII percent-encoded in path, query and fragment); any other scheme is kept as
// an opaque URL whose origin is opaque. What the subset does not cover (user info, IPv6 literals,
// IDNA, percent-decoding of hosts) is a parse failure, never a guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sse::detail {

struct url_record {
  std::string scheme;    ///< ASCII lower case, without ':'.
  std::string host;      ///< http(s) only: ASCII lower case.
  std::string port;      ///< http(s) only: digits, empty for the scheme's default port.
  std::string path;      ///< http(s): starts with '/'. Other schemes: everything after "scheme:".
  std::string query;     ///< Without '?'; meaningful when has_query.
  std::string fragment;  ///< Without '#'; meaningful when has_fragment.
  bool has_query = false;
  bool has_fragment = false;

  /// "http" or "https": the only schemes the connection model fetches (an HTTP(S) scheme).
  [[nodiscard]] bool is_http() const noexcept { return scheme == "http" || scheme == "https"; }
  /// The URL serializer; the fragment is left out when `exclude_fragment`.
  [[nodiscard]] std::string serialize(bool exclude_fragment = false) const;
  /// The ASCII serialization of the URL's origin: "http://host[:port]", or "null" for an opaque origin.
  [[nodiscard]] std::string origin() const;
  [[nodiscard]] bool same_origin(const url_record& other) const { return is_http() && origin() == other.origin(); }
};

/// Parses `input` relative to `base` (may be null). Returns nullopt on failure.
[[nodiscard]] std::optional<url_record> parse_url(std::string_view input, const url_record* base = nullptr);

}  // namespace sse::detail
