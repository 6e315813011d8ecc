#include "scenario_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace sse::runner {
namespace {

namespace conf = sse::conformance;
using namespace std::chrono_literals;

constexpr std::size_t max_request_head_bytes = 64 * 1024;
constexpr auto request_head_timeout = 3000ms;  // a client that connects and never asks is dropped

int bind_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("scenario server: socket: ") + std::strerror(errno));
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("scenario server: cannot listen on 127.0.0.1: " + error);
  }
  port = ntohs(address.sin_port);
  return fd;
}

/// Writes all of `bytes` (one send() call unless the kernel takes less); false when the peer is gone.
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

/// Closes with a TCP reset: SO_LINGER with a zero timeout makes close() send RST instead of FIN.
void reset_connection(int fd) {
  const linger abortive{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
}

std::string_view reason_phrase(std::uint16_t status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

/// Reads the request head (through the blank line) and the bytes after it. nullopt when the client
/// sent no head in time.
std::optional<std::pair<std::string, std::string>> read_request_head(int fd, const std::atomic<bool>& stopping) {
  std::string bytes;
  const auto deadline = clock_type::now() + request_head_timeout;
  while (bytes.find("\r\n\r\n") == std::string::npos) {
    if (stopping || clock_type::now() >= deadline || bytes.size() > max_request_head_bytes) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return std::nullopt;
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  const auto end = bytes.find("\r\n\r\n");
  return std::pair{bytes.substr(0, end), bytes.substr(end + 4)};
}

/// Reads the rest of a body of `length` bytes (a page request's; small). False when it did not come.
bool read_body(int fd, std::string& body, std::size_t length, const std::atomic<bool>& stopping) {
  const auto deadline = clock_type::now() + request_head_timeout;
  while (body.size() < length) {
    if (stopping || clock_type::now() >= deadline || length > max_request_head_bytes) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    body.append(buffer, static_cast<std::size_t>(got));
  }
  body.resize(length);
  return true;
}

bool is_page_request(const http_request& r, const std::string& origin) {
  const std::string target = r.url.substr(std::min(r.url.size(), origin.size()));
  return (r.method == "GET" && target == "/") || target.starts_with("/__sse-conformance/");
}

/// The request line and header fields, exact bytes (each value without its surrounding whitespace,
/// as HTTP defines a field value). nullopt for a head that is not HTTP/1.x.
std::optional<http_request> parse_request_head(std::string_view head, const std::string& origin) {
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto second_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || second_space == first_space) return std::nullopt;
  http_request r;
  r.method = std::string(request_line.substr(0, first_space));
  const std::string_view target = request_line.substr(first_space + 1, second_space - first_space - 1);
  r.url = target.starts_with("/") ? origin + std::string(target) : std::string(target);
  std::string_view rest = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    r.headers.push_back({std::string(field.substr(0, colon)), std::string(trim_ows(field.substr(colon + 1)))});
  }
  return r;
}

}  // namespace

scenario_server::scenario_server() {
  int ports[2] = {0, 0};
  listeners_[0] = bind_loopback(ports[0]);
  try {
    listeners_[1] = bind_loopback(ports[1]);
  } catch (...) {
    ::close(listeners_[0]);
    throw;
  }
  origin_ = "http://127.0.0.1:" + std::to_string(ports[0]);
  other_origin_ = "http://127.0.0.1:" + std::to_string(ports[1]);
  options_ = run_options();
}

scenario_server::~scenario_server() { stop(); }

conf::scenario_run_options scenario_server::run_options() const {
  conf::scenario_run_options o;
  o.origin = origin_;
  o.other_origin = other_origin_;
  return o;
}

void scenario_server::play(const conf::scenario& s) {
  scenario_ = &s;
  log_.last_activity = clock_type::now();
  acceptor_ = std::thread([this] { accept_loop(); });
}

served_log scenario_server::log() const {
  const std::lock_guard lock(mutex_);
  return log_;
}

void scenario_server::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_.exchange(true)) return;
  }
  stopped_.notify_all();
  if (acceptor_.joinable()) acceptor_.join();
  for (int& fd : listeners_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  std::vector<std::thread> threads;
  {
    const std::lock_guard lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes a blocked send() or recv()
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void scenario_server::accept_loop() {
  while (!stopping_) {
    pollfd p[2] = {{listeners_[0], POLLIN, 0}, {listeners_[1], POLLIN, 0}};
    if (::poll(p, 2, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if ((p[i].revents & POLLIN) == 0) continue;
      const int fd = ::accept4(listeners_[i], nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      const std::lock_guard lock(mutex_);
      open_fds_.push_back(fd);
      threads_.emplace_back([this, fd, other = i == 1] { serve_connection(fd, other); });
    }
  }
}

bool scenario_server::pause(std::uint64_t ms) {
  if (ms == 0) return !stopping_;
  std::unique_lock lock(mutex_);
  return !stopped_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
}

void scenario_server::response_ended(std::size_t index, clock_type::time_point when) {
  const std::lock_guard lock(mutex_);
  log_.response_ends[index] = when;
  log_.last_activity = *log_.response_ends[index];
}

void scenario_server::serve_connection(int fd, bool other_origin) {
  if (auto head = read_request_head(fd, stopping_)) {
    const std::string& origin = other_origin ? other_origin_ : origin_;
    if (auto request = parse_request_head(head->first, origin)) {
      if (request->method == "GET" && request->url.ends_with("/favicon.ico")) {
        (void)send_all(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      } else if (page_handler_ && is_page_request(*request, origin)) {
        answer_page(fd, *request, std::move(head->second), origin);
      } else {
        std::size_t index = 0;
        {
          const std::lock_guard lock(mutex_);
          index = log_.requests.size();
          log_.requests.push_back({other_origin, std::move(*request), clock_type::now()});
          log_.response_ends.emplace_back();
          log_.last_activity = log_.requests.back().arrival;
        }
        answer(fd, index);
      }
    }
  }
  {
    const std::lock_guard lock(mutex_);
    std::erase(open_fds_, fd);
  }
  ::close(fd);
}

void scenario_server::answer_page(int fd, const http_request& request, std::string body, const std::string& origin) {
  page_request page{request.method, request.url.substr(origin.size()), std::move(body)};
  const auto length = get_header(request.headers, "Content-Length");
  if (length && !read_body(fd, page.body, std::strtoul(length->c_str(), nullptr, 10), stopping_)) return;
  const auto response = page_handler_(page);
  (void)send_all(fd, response ? *response : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  ::shutdown(fd, SHUT_WR);
}

void scenario_server::answer(int fd, std::size_t index) {
  if (index >= scenario_->exchanges.size()) {
    // Not in the scenario: "answered with 204 and reported" (fixtures/README.md).
    const auto ended = clock_type::now();
    (void)send_all(fd, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    response_ended(index, ended);
    return;
  }
  const conf::scenario_response& r = scenario_->exchanges[index].response;
  if (!pause(r.delay_ms)) return;
  if (r.network_error) {
    const auto ended = clock_type::now();
    reset_connection(fd);
    response_ended(index, ended);
    return;
  }
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason_phrase(r.status)) + "\r\n";
  for (const auto& h : r.headers) head += h.name + ": " + conf::substitute_origins(h.value, options_) + "\r\n";
  head += "Connection: close\r\n\r\n";
  if (!send_all(fd, head)) return;
  for (const auto& chunk : r.body) {
    if (!pause(chunk.delay_ms)) return;
    if (!chunk.bytes.empty() && !send_all(fd, chunk.bytes)) return;
  }
  if (r.end == conf::response_end::hold) {
    std::unique_lock lock(mutex_);
    stopped_.wait(lock, [this] { return stopping_.load(); });  // the body never ends
    return;
  }
  if (!pause(r.end_delay_ms)) return;
  const auto ended = clock_type::now();
  if (r.end == conf::response_end::reset) {
    reset_connection(fd);
  } else {
    ::shutdown(fd, SHUT_WR);
  }
  response_ended(index, ended);
}

}  // namespace sse::runner
