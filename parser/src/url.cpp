// The subset of the URL Standard's basic URL parser described in sse/detail/url.hpp.
#include <sse/detail/url.hpp>

#include <vector>

namespace sse::detail {
namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_slash(char c) { return c == '/' || c == '\\'; }  // special URLs treat '\' as '/'

/// "Remove any leading and trailing C0 control or space from input" and "remove all ASCII tab or
/// newline from input".
std::string clean(std::string_view input) {
  std::size_t begin = 0;
  std::size_t end = input.size();
  while (begin < end && static_cast<unsigned char>(input[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(input[end - 1]) <= 0x20) --end;
  std::string out;
  for (char c : input.substr(begin, end - begin)) {
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

/// Percent-encodes bytes outside printable ASCII and the characters of `extra`.
std::string percent_encode(std::string_view s, std::string_view extra) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || extra.find(c) != std::string_view::npos) {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

bool is_single_dot(std::string_view s) { return s == "." || s == "%2e" || s == "%2E"; }
bool is_double_dot(std::string_view s) {
  return s == ".." || s == ".%2e" || s == ".%2E" || s == "%2e." || s == "%2E." || s == "%2e%2e" || s == "%2E%2E" ||
         s == "%2e%2E" || s == "%2E%2e";
}

/// The path state for special URLs: segments split at '/' or '\', "." removed, ".." pops.
std::string normalize_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = path.empty() || !is_slash(path.front()) ? 0 : 1;
  while (true) {
    std::size_t end = start;
    while (end < path.size() && !is_slash(path[end])) ++end;
    const std::string_view segment = path.substr(start, end - start);
    const bool last = end >= path.size();
    if (is_double_dot(segment)) {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (is_single_dot(segment)) {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(percent_encode(segment, "\"#<>?^`{}|"));
    }
    if (last) break;
    start = end + 1;
  }
  std::string out;
  for (const auto& s : segments) out += "/" + s;
  return out.empty() ? "/" : out;
}

/// Splits "path?query#fragment" into `url` (the path is not normalized here).
void split_path_query_fragment(std::string_view rest, std::string& path, url_record& url) {
  const std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    url.has_fragment = true;
    url.fragment = percent_encode(rest.substr(hash + 1), "\"<>`");
    rest = rest.substr(0, hash);
  }
  const std::size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    url.has_query = true;
    url.query = percent_encode(rest.substr(question + 1), "\"#<>'");
    rest = rest.substr(0, question);
  }
  path = std::string(rest);
}

/// Host and port of an http(s) authority. No user info, no IPv6 literal, ASCII hosts only.
bool parse_authority(std::string_view authority, url_record& url) {
  if (authority.find('@') != std::string_view::npos || authority.find('[') != std::string_view::npos) return false;
  const std::size_t colon = authority.find(':');
  const std::string_view host = authority.substr(0, colon);
  if (host.empty()) return false;
  for (char c : host) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || std::string_view("#%/:<>?@[\\]^|").find(c) != std::string_view::npos) return false;
    url.host += to_lower(c);
  }
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    for (char c : port) {
      if (!is_ascii_digit(c)) return false;
    }
    while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
    if (port.size() > 5 || (!port.empty() && std::stoul(std::string(port)) > 65535)) return false;
    const bool is_default = (url.scheme == "http" && port == "80") || (url.scheme == "https" && port == "443");
    if (!is_default) url.port = std::string(port);
  }
  return true;
}

/// `rest` is what follows "http:" or "https:".
std::optional<url_record> parse_http(std::string scheme, std::string_view rest) {
  url_record url;
  url.scheme = std::move(scheme);
  while (!rest.empty() && is_slash(rest.front())) rest.remove_prefix(1);
  std::size_t end = 0;
  while (end < rest.size() && !is_slash(rest[end]) && rest[end] != '?' && rest[end] != '#') ++end;
  if (!parse_authority(rest.substr(0, end), url)) return std::nullopt;
  std::string path;
  split_path_query_fragment(rest.substr(end), path, url);
  url.path = normalize_path(path);
  return url;
}

}  // namespace

std::string url_record::serialize(bool exclude_fragment) const {
  std::string out = scheme + ":";
  if (is_http()) out += "//" + host + (port.empty() ? "" : ":" + port);
  out += path;
  if (has_query) out += "?" + query;
  if (has_fragment && !exclude_fragment) out += "#" + fragment;
  return out;
}

std::string url_record::origin() const {
  if (!is_http()) return "null";
  return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

std::optional<url_record> parse_url(std::string_view raw_input, const url_record* base) {
  const std::string input = clean(raw_input);
  // The scheme start and scheme states: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
  std::size_t colon = 0;
  if (!input.empty() && is_ascii_alpha(input.front())) {
    colon = 1;
    while (colon < input.size() && (is_ascii_alpha(input[colon]) || is_ascii_digit(input[colon]) ||
                                    input[colon] == '+' || input[colon] == '-' || input[colon] == '.')) {
      ++colon;
    }
    if (colon >= input.size() || input[colon] != ':') colon = 0;
  }
  if (colon != 0) {
    std::string scheme;
    for (char c : std::string_view(input).substr(0, colon)) scheme += to_lower(c);
    const std::string_view rest = std::string_view(input).substr(colon + 1);
    if (scheme == "http" || scheme == "https") {
      // "special relative or authority state": "http:foo" relative to an http base of the same scheme.
      if (base != nullptr && base->scheme == scheme && (rest.empty() || !is_slash(rest.front()))) {
        return parse_url(rest, base);
      }
      return parse_http(std::move(scheme), rest);
    }
    url_record opaque;
    opaque.scheme = std::move(scheme);
    split_path_query_fragment(rest, opaque.path, opaque);
    opaque.path = percent_encode(opaque.path, "");
    return opaque;
  }
  // A relative reference needs an http(s) base (other bases have no hierarchy to resolve against).
  if (base == nullptr || !base->is_http()) return std::nullopt;
  const std::string_view rest(input);
  if (rest.size() >= 2 && is_slash(rest[0]) && is_slash(rest[1])) return parse_http(base->scheme, rest);
  url_record url = *base;
  url.has_fragment = false;
  url.fragment.clear();
  if (rest.empty()) return url;
  if (rest.front() == '#') {
    url.has_fragment = true;
    url.fragment = percent_encode(rest.substr(1), "\"<>`");
    return url;
  }
  url.has_query = false;
  url.query.clear();
  std::string path;
  split_path_query_fragment(rest, path, url);
  if (rest.front() == '?') {
    url.path = base->path;
  } else if (is_slash(rest.front())) {
    url.path = normalize_path(path);
  } else {
    // Merge with the base path: everything up to and including its last '/'.
    url.path = normalize_path(base->path.substr(0, base->path.rfind('/') + 1) + path);
  }
  return url;
}

}  // namespace sse::detail
