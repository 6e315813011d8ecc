// The EventSource connection, HTML Standard §9.2.2 (constructor, close()) and §9.2.3 (processing
// model), with the steps of the Fetch Standard that one EventSource request goes through:
// https://html.spec.whatwg.org/multipage/server-sent-events.html
// https://fetch.spec.whatwg.org/
#include <sse/connection.hpp>

#include <stdexcept>
#include <utility>

namespace sse {

namespace {

constexpr unsigned max_redirects = 20;

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool byte_case_insensitive_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool is_http_tab_or_space(char c) { return c == '\t' || c == ' '; }
bool is_http_whitespace(char c) { return is_http_tab_or_space(c) || c == '\n' || c == '\r'; }

/// "An HTTP token code point is U+0021 (!), U+0023 (#), U+0024 ($), U+0025 (%), U+0026 (&), U+0027
/// ('), U+002A (*), U+002B (+), U+002D (-), U+002E (.), U+005E (^), U+005F (_), U+0060 (`), U+007C
/// (|), U+007E (~), or an ASCII alphanumeric." (MIME Sniffing)
bool is_http_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string_view trim(std::string_view s, bool (*is_space)(char)) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Fetch's "collect an HTTP quoted string" with extract-value false: the quoted string as written,
/// from its opening quote to its closing quote (or the end).
std::string_view collect_quoted_string(std::string_view input, std::size_t& position) {
  const std::size_t start = position;
  ++position;  // the opening U+0022 (")
  while (true) {
    while (position < input.size() && input[position] != '"' && input[position] != '\\') ++position;
    if (position >= input.size()) break;
    const char quote_or_backslash = input[position++];
    if (quote_or_backslash == '\\') {
      if (position >= input.size()) break;
      ++position;
    } else {
      break;
    }
  }
  return input.substr(start, position - start);
}

/// Fetch's "get, decode, and split" a header value. Bytes stand for themselves ("isomorphic decode"):
/// every byte the later steps compare is ASCII.
std::vector<std::string> decode_and_split(std::string_view input) {
  std::vector<std::string> values;
  std::string temporary;
  std::size_t position = 0;
  while (true) {
    const std::size_t start = position;
    while (position < input.size() && input[position] != '"' && input[position] != ',') ++position;
    temporary.append(input.substr(start, position - start));
    if (position < input.size() && input[position] == '"') {
      temporary.append(collect_quoted_string(input, position));
      if (position < input.size()) continue;
    }
    values.emplace_back(trim(temporary, is_http_tab_or_space));
    temporary.clear();
    if (position >= input.size()) return values;
    ++position;  // the U+002C (,)
  }
}

/// MIME Sniffing's "parse a MIME type", up to the essence: parameters never make parsing fail, so
/// they are not needed to decide success, and EventSource ignores them.
std::optional<std::string> parse_mime_type_essence(std::string_view input) {
  // "Remove any leading and trailing HTTP whitespace from input."
  input = trim(input, is_http_whitespace);
  // "Let type be the result of collecting a sequence of code points that are not U+002F (/)"; "If
  // type is the empty string or does not solely contain HTTP token code points, then return failure."
  const std::size_t slash = input.find('/');
  const std::string_view type = input.substr(0, slash);
  // "If position is past the end of input, then return failure."
  if (!is_http_token(type) || slash == std::string_view::npos) return std::nullopt;
  // "Let subtype be ... not U+003B (;)"; "Remove any trailing HTTP whitespace from subtype."
  std::string_view subtype = input.substr(slash + 1);
  subtype = subtype.substr(0, subtype.find(';'));
  while (!subtype.empty() && is_http_whitespace(subtype.back())) subtype.remove_suffix(1);
  if (!is_http_token(subtype)) return std::nullopt;
  // "type, in ASCII lowercase, and subtype, in ASCII lowercase"
  std::string essence;
  for (char c : type) essence += ascii_lower(c);
  essence += '/';
  for (char c : subtype) essence += ascii_lower(c);
  return essence;
}

/// "A redirect status is a status that is 301, 302, 303, 307, or 308."
bool is_redirect_status(std::uint16_t status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

connection_output page_output(connection_output_kind kind, ready_state state) {
  connection_output o;
  o.kind = kind;
  o.state = state;
  return o;
}

}  // namespace

std::string_view to_string(connection_output_kind k) noexcept {
  switch (k) {
    case connection_output_kind::send_request: return "send_request";
    case connection_output_kind::wait: return "wait";
    case connection_output_kind::abort_fetch: return "abort_fetch";
    case connection_output_kind::never_reconnect: return "never_reconnect";
    case connection_output_kind::open: return "open";
    case connection_output_kind::message: return "message";
    case connection_output_kind::error: return "error";
  }
  return "unknown";
}

std::optional<std::string> get_header(const header_list& headers, std::string_view name) {
  std::optional<std::string> value;
  for (const auto& h : headers) {
    if (!byte_case_insensitive_equal(h.name, name)) continue;
    // "the values of all headers in list whose name is a byte-case-insensitive match for name,
    // separated from each other by 0x2C 0x20, in order"
    value = value ? *value + ", " + h.value : h.value;
  }
  return value;
}

std::optional<std::string> extract_mime_type_essence(const header_list& headers) {
  // "Let values be the result of getting, decoding, and splitting `Content-Type` from headers."
  // "If values is null, then return failure."
  const auto combined = get_header(headers, "Content-Type");
  if (!combined) return std::nullopt;
  std::optional<std::string> essence;
  for (const auto& value : decode_and_split(*combined)) {
    // "If temporaryMimeType is failure or its essence is "*/*", then continue."
    auto temporary = parse_mime_type_essence(value);
    if (!temporary || *temporary == "*/*") continue;
    // "Set mimeType to temporaryMimeType." (charset bookkeeping does not change the essence)
    essence = std::move(temporary);
  }
  // "If mimeType is null, then return failure."
  return essence;
}

// The body of a response being interpreted: §9.2.6 runs in sse::parser; what it reports lands here.
class connection::body_handler final : public parser_handler {
public:
  explicit body_handler(connection& owner) : owner_(owner) {}

  void on_event(const event_view& e) override {
    // Dispatch step 8: "Queue a task which, if the readyState attribute is set to a value other
    // than CLOSED, dispatches the newly created event at the EventSource object."
    owner_.tasks_.push_back({task_kind::dispatch, std::string(e.type), std::string(e.data),
                             std::string(e.last_event_id), owner_.response_origin_});
  }
  void on_retry(std::uint64_t ms) override {
    // "set the event stream's reconnection time to that integer" (kept for every later reconnection)
    owner_.reconnection_time_ms_ = ms;
    owner_.reconnection_time_is_default_ = false;
  }
  void on_last_event_id(std::string_view id) override {
    // Dispatch step 1: "Set the last event ID string of the event source to the value of the last
    // event ID buffer."
    owner_.last_event_id_ = std::string(id);
  }

private:
  connection& owner_;
};

connection::connection(connection_options options)
    : with_credentials_(options.with_credentials),
      reconnection_time_ms_(options.default_reconnection_time_ms),
      handler_(std::make_unique<body_handler>(*this)),
      parser_(std::make_unique<parser>(*handler_)) {
  // Step 2: "Let settings be ev's relevant settings object." (modelled by the document's URL)
  auto document = detail::parse_url(options.document_url);
  if (!document || !document->is_http()) throw std::invalid_argument("document_url is not an http(s) URL");
  document_url_ = std::move(*document);
  // Step 3: "Let urlRecord be the result of encoding-parsing a URL given url, relative to settings."
  // Step 4: "If urlRecord is failure, then throw a "SyntaxError" DOMException."
  auto record = detail::parse_url(options.url, &document_url_);
  if (!record) throw std::invalid_argument("SyntaxError: the url does not parse: " + options.url);
  // Step 5: "Set ev's url to urlRecord."
  url_ = record->serialize();
  // Steps 6-8: "Let corsAttributeState be Anonymous." "If the value of eventSourceInitDict's
  // withCredentials member is true, then set corsAttributeState to Use Credentials and set ev's
  // withCredentials attribute to true." "Let request be the result of creating a potential-CORS
  // request given urlRecord, the empty string, and corsAttributeState." (mode "cors"; credentials
  // mode "include" for Use Credentials, else "same-origin")
  url_list_.push_back(std::move(*record));
  // Step 10: "User agents may set (`Accept`, `text/event-stream`) in request's header list." The
  // reference does (gap G3).
  request_headers_.push_back({"Accept", "text/event-stream"});
  // Step 11: "Set request's cache mode to "no-store"." (Fetch then adds Pragma and Cache-Control;
  // see fetch().) Step 12: "Set request's initiator type to "other"." (no observable effect here)
  // Step 13: "Set ev's request to request."
}

connection::~connection() = default;

connection_outputs connection::start() {
  // Step 15: "Fetch request, with processResponseEndOfBody set to processEventSourceEndOfBody and
  // processResponse set to the following steps given response res: ..."
  return fetch();
}

void connection::require_phase(fetch_phase expected, std::string_view input) const {
  if (phase_ != expected) {
    throw std::logic_error(std::string(input) + " arrived while no fetch was at that stage (a driver bug)");
  }
}

bool connection::redirect_tainted() const {
  // Fetch's redirect-taint: not "same-origin" once a URL of the list follows one that is cross-origin
  // with both it and the request's origin.
  for (std::size_t i = 1; i < url_list_.size(); ++i) {
    const auto& last = url_list_[i - 1];
    if (!url_list_[i].same_origin(last) && !document_url_.same_origin(last)) return true;
  }
  return false;
}

connection_outputs connection::fetch() {
  const detail::url_record& current = url_list_.back();
  // Main fetch: "request's current URL's origin is same origin with request's origin, and request's
  // response tainting is "basic"" -> a basic fetch; "request's current URL's scheme is not an HTTP(S)
  // scheme" -> "Return a network error."; otherwise "Set request's response tainting to "cors"".
  if (!(current.same_origin(document_url_) && !cors_tainting_)) {
    if (!current.is_http()) {
      // Only the constructor's URL can get here (redirects to other schemes are network errors in
      // follow_redirect()). Gap G2: retrying a non-HTTP(S) URL is futile, so the connection fails.
      return handle_network_error(network_error_kind::futile);
    }
    cors_tainting_ = true;
  }
  http_request request;
  request.url = current.serialize(true);
  request.include_credentials = with_credentials_;
  request.headers = request_headers_;
  // "If httpRequest's response tainting is "cors" ... append (`Origin`, serializedOrigin)", where
  // serializing a request origin gives "null" when the redirect-taint is not "same-origin".
  if (cors_tainting_) append_header(request.headers, "Origin", redirect_tainted() ? "null" : document_url_.origin());
  // HTTP-network-or-cache fetch: "If httpRequest's cache mode is "no-store" or "reload", then: If
  // httpRequest's header list does not contain `Pragma`, then append (`Pragma`, `no-cache`) ... If
  // httpRequest's header list does not contain `Cache-Control`, then append (`Cache-Control`,
  // `no-cache`)".
  append_header(request.headers, "Pragma", "no-cache");
  append_header(request.headers, "Cache-Control", "no-cache");
  phase_ = fetch_phase::awaiting_response;

  connection_output out;
  out.kind = connection_output_kind::send_request;
  out.request = std::move(request);
  if (reconnecting_) {
    out.delay_ms = reconnect_wait_ms_;
    out.default_delay = reconnect_wait_default_;
    reconnecting_ = false;
  }
  return {out};
}

void connection::append_header(header_list& headers, std::string_view name, std::string_view value) const {
  if (!get_header(headers, name)) headers.push_back({std::string(name), std::string(value)});
}

bool connection::cors_check(const header_list& headers) const {
  // "Let origin be the result of getting `Access-Control-Allow-Origin` from response's header list."
  // "If origin is null, then return failure."
  const auto origin = get_header(headers, "Access-Control-Allow-Origin");
  if (!origin) return false;
  // "If request's credentials mode is not "include" and origin is `*`, then return success."
  if (!with_credentials_ && *origin == "*") return true;
  // "If the result of byte-serializing a request origin with request is not origin, then return
  // failure."
  if (*origin != (redirect_tainted() ? "null" : document_url_.origin())) return false;
  // "If request's credentials mode is not "include", then return success."
  if (!with_credentials_) return true;
  // "Let credentials be the result of getting `Access-Control-Allow-Credentials` ... If credentials
  // is `true`, then return success." "Return failure."
  const auto credentials = get_header(headers, "Access-Control-Allow-Credentials");
  return credentials && *credentials == "true";
}

connection_outputs connection::receive_response(std::uint16_t status, const header_list& headers) {
  if (ready_state_ == ready_state::closed) return {};  // the fetch was aborted; late bytes are dropped
  require_phase(fetch_phase::awaiting_response, "a response");
  // HTTP fetch: "If request's response tainting is "cors" and a CORS check for request and response
  // returns failure, then return a network error." Gap G2: a CORS failure is futile.
  if (cors_tainting_ && !cors_check(headers)) return handle_network_error(network_error_kind::futile);
  // "If internalResponse's status is a redirect status" and its location URL is not null: follow it.
  if (is_redirect_status(status) && get_header(headers, "Location")) return follow_redirect(headers);
  return process_response(status, headers);
}

connection_outputs connection::follow_redirect(const header_list& headers) {
  // Location URL: "Let location be the result of extracting header list values given `Location`";
  // `Location` allows a single value, so two headers are failure. "If location is a header value,
  // then set location to the result of parsing location with response's URL." "If locationURL is
  // failure, then return a network error."
  std::size_t count = 0;
  std::string value;
  for (const auto& h : headers) {
    if (byte_case_insensitive_equal(h.name, "Location")) {
      ++count;
      value = h.value;
    }
  }
  const detail::url_record& current = url_list_.back();
  auto location = count == 1 ? detail::parse_url(value, &current) : std::nullopt;
  if (!location) return handle_network_error(network_error_kind::ordinary);
  // "If location is a URL whose fragment is null, then set location's fragment to requestFragment."
  if (!location->has_fragment && current.has_fragment) {
    location->has_fragment = true;
    location->fragment = current.fragment;
  }
  // HTTP-redirect fetch: "If locationURL's scheme is not an HTTP(S) scheme, then return a network
  // error." "If request's redirect count is 20, then return a network error." "Increase request's
  // redirect count by 1." The request is the EventSource's, reused by every reconnection, so the
  // count is never reset (gap P2).
  if (!location->is_http() || redirect_count_ == max_redirects)
    return handle_network_error(network_error_kind::ordinary);
  ++redirect_count_;
  // "Append locationURL to request's URL list." "Return the result of running main fetch".
  url_list_.push_back(std::move(*location));
  return fetch();
}

connection_outputs connection::process_response(std::uint16_t status, const header_list& headers) {
  // Dispatch step 5: the origin "of the event stream's final URL (i.e., the URL after redirects)".
  response_origin_ = url_list_.back().origin();
  // 15.3: "Otherwise, if res's status is not 200, or if res's `Content-Type` is not
  // `text/event-stream`, then fail the connection." The Content-Type test is Fetch's "extract a MIME
  // type" and a comparison of its essence (gap G6).
  const auto essence = extract_mime_type_essence(headers);
  if (status != 200 || !essence || *essence != "text/event-stream") {
    phase_ = fetch_phase::discarding_body;
    return fail();
  }
  // 15.4: "Otherwise, announce the connection and interpret res's body line by line."
  // "When a user agent is to announce the connection, the user agent must queue a task which, if
  // the readyState attribute is set to a value other than CLOSED, sets the readyState attribute to
  // OPEN and fires an event named open at the EventSource object."
  tasks_.push_back({task_kind::announce, {}, {}, {}, {}});
  // A new stream: new buffers; gap G1: the last event ID buffer starts from the last event ID string.
  parser_->reset(last_event_id_);
  phase_ = fetch_phase::receiving_body;
  return {};
}

connection_outputs connection::receive_body(std::string_view bytes) {
  if (ready_state_ == ready_state::closed || phase_ == fetch_phase::discarding_body) return {};
  require_phase(fetch_phase::receiving_body, "body bytes");
  parser_->feed(bytes);  // dispatches queue tasks through body_handler
  return {};
}

connection_outputs connection::end_of_body() {
  if (ready_state_ == ready_state::closed) return {};
  if (phase_ == fetch_phase::discarding_body) {
    // A failed response's body ended. processEventSourceEndOfBody would reestablish the connection,
    // but its first task finds readyState CLOSED (the fail task was queued first) and its last one
    // finds it not CONNECTING: "Once the user agent has failed the connection, it does not attempt to
    // reconnect." Nothing to do.
    phase_ = fetch_phase::idle;
    return {};
  }
  require_phase(fetch_phase::receiving_body, "the end of the body");
  parser_->finish();  // §9.2.6: a pending partial event is discarded
  phase_ = fetch_phase::idle;
  // Step 14: "processEventSourceEndOfBody given response res be the following step: if res is not a
  // network error, then reestablish the connection."
  return reestablish();
}

connection_outputs connection::network_error(network_error_kind kind) {
  if (ready_state_ == ready_state::closed) return {};
  if (phase_ == fetch_phase::discarding_body) {
    phase_ = fetch_phase::idle;
    return {};  // the connection was already failed
  }
  if (phase_ == fetch_phase::receiving_body) {
    // Gap P1: the standard only reacts to a body that ends normally. The reference treats a network
    // error during the body like one before the response: the partial event is discarded, then an
    // aborted fetch fails the connection and any other error reestablishes it.
    parser_->finish();
  } else {
    require_phase(fetch_phase::awaiting_response, "a network error");
  }
  return handle_network_error(kind);
}

connection_outputs connection::handle_network_error(network_error_kind kind) {
  phase_ = fetch_phase::idle;
  switch (kind) {
    case network_error_kind::aborted:
      // 15.1: "If res is an aborted network error, then fail the connection."
      return fail();
    case network_error_kind::futile:
      // 15.2: "... unless the user agent knows that to be futile, in which case the user agent may
      // fail the connection." The reference does, for CORS failures and non-HTTP(S) URLs (gap G2).
      return fail();
    case network_error_kind::ordinary:
      // 15.2: "Otherwise, if res is a network error, then reestablish the connection".
      return reestablish();
  }
  return {};
}

connection_outputs connection::reestablish() {
  // "When a user agent is to reestablish the connection, the user agent must run the following
  // steps. These steps are run in parallel, not as part of a task."
  // Step 1: "Queue a task to run the following steps: 1. If the readyState attribute is set to
  // CLOSED, abort the task. 2. Set the readyState attribute to CONNECTING. 3. Fire an event named
  // error at the EventSource object."
  tasks_.push_back({task_kind::reestablish_error, {}, {}, {}, {}});
  reconnecting_ = true;
  reconnect_task_ran_ = false;
  reconnect_timer_fired_ = false;
  // Step 2: "Wait a delay equal to the reconnection time of the event source." Step 3 ("Optionally,
  // wait some more") is not taken: the wait is the minimum the standard requires.
  reconnect_wait_ms_ = reconnection_time_ms_;
  reconnect_wait_default_ = reconnection_time_is_default_;
  connection_output out;
  out.kind = connection_output_kind::wait;
  out.delay_ms = reconnect_wait_ms_;
  out.default_delay = reconnect_wait_default_;
  return {out};
}

connection_outputs connection::reconnection_timer_fired() {
  if (!reconnecting_ || reconnect_timer_fired_) {
    if (ready_state_ == ready_state::closed) return {};
    throw std::logic_error("the reconnection timer fired while no reconnection wait was in progress (a driver bug)");
  }
  reconnect_timer_fired_ = true;
  // Step 4: "Wait until the aforementioned task has run, if it has not yet run." Step 5: "Queue a
  // task to run the following steps".
  if (reconnect_task_ran_) tasks_.push_back({task_kind::reestablish_fetch, {}, {}, {}, {}});
  return {};
}

connection_outputs connection::fail() {
  // "When a user agent is to fail the connection, the user agent must queue a task which, if the
  // readyState attribute is set to a value other than CLOSED, sets the readyState attribute to CLOSED
  // and fires an event named error at the EventSource object. Once the user agent has failed the
  // connection, it does not attempt to reconnect."
  failed_ = true;
  tasks_.push_back({task_kind::fail, {}, {}, {}, {}});
  connection_output out;
  out.kind = connection_output_kind::never_reconnect;
  return {out};
}

connection_outputs connection::close() {
  if (ready_state_ == ready_state::closed) return {};
  // "The close() method must abort any instances of the fetch algorithm started for this
  // EventSource object, and must set the readyState attribute to CLOSED."
  connection_outputs out;
  if (phase_ != fetch_phase::idle) {
    connection_output abort;
    abort.kind = connection_output_kind::abort_fetch;
    out.push_back(std::move(abort));
    phase_ = fetch_phase::idle;
  }
  ready_state_ = ready_state::closed;
  return out;
}

connection_outputs connection::run_next_task() {
  if (tasks_.empty()) return {};
  task t = std::move(tasks_.front());
  tasks_.pop_front();
  const bool closed = ready_state_ == ready_state::closed;
  switch (t.kind) {
    case task_kind::announce:
      // "... if the readyState attribute is set to a value other than CLOSED, sets the readyState
      // attribute to OPEN and fires an event named open at the EventSource object."
      if (closed) return {};
      ready_state_ = ready_state::open;
      return {page_output(connection_output_kind::open, ready_state_)};
    case task_kind::dispatch: {
      // "... if the readyState attribute is set to a value other than CLOSED, dispatches the newly
      // created event at the EventSource object."
      if (closed) return {};
      connection_output out = page_output(connection_output_kind::message, ready_state_);
      out.type = std::move(t.type);
      out.data = std::move(t.data);
      out.last_event_id = std::move(t.last_event_id);
      out.origin = std::move(t.origin);
      return {out};
    }
    case task_kind::reestablish_error: {
      // Reestablish step 1 (see reestablish()); step 4 waits for this task to have run.
      reconnect_task_ran_ = true;
      if (reconnect_timer_fired_) tasks_.push_back({task_kind::reestablish_fetch, {}, {}, {}, {}});
      if (closed) return {};  // "If the readyState attribute is set to CLOSED, abort the task."
      ready_state_ = ready_state::connecting;
      return {page_output(connection_output_kind::error, ready_state_)};
    }
    case task_kind::reestablish_fetch: {
      // Step 5.1: "If the EventSource object's readyState attribute is not set to CONNECTING, then
      // return."
      if (ready_state_ != ready_state::connecting) {
        reconnecting_ = false;
        return {};
      }
      // Step 5.2: "Let request be the EventSource object's request."
      // Step 5.3: "If the EventSource object's last event ID string is not the empty string, then:
      // Let lastEventIDValue be the EventSource object's last event ID string, encoded as UTF-8. Set
      // (`Last-Event-ID`, lastEventIDValue) in request's header list." Gap G5: when the string is
      // empty, the header a previous reconnection set is removed, so no stale id is sent.
      std::erase_if(request_headers_,
                    [](const http_header& h) { return byte_case_insensitive_equal(h.name, "Last-Event-ID"); });
      if (!last_event_id_.empty()) request_headers_.push_back({"Last-Event-ID", last_event_id_});
      // Step 5.4: "Fetch request and process the response obtained in this fashion, if any, as
      // described earlier in this section."
      return fetch();
    }
    case task_kind::fail:
      if (closed) return {};
      ready_state_ = ready_state::closed;
      return {page_output(connection_output_kind::error, ready_state_)};
  }
  return {};
}

}  // namespace sse
