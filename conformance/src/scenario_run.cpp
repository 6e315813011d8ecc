// scenario_run.cpp: plays a connection scenario against the reference model, sse::connection, in
// virtual time, and compares what happened with the scenario's expected log and exchanges.
#include <sse/conformance/scenario.hpp>

#include <algorithm>
#include <map>
#include <queue>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace sse::conformance {
namespace {

constexpr std::size_t max_steps = 100000;  // a scenario that has not settled by then loops

std::string shown(std::string_view bytes) { return "\"" + escape_bytes(bytes) + "\""; }
std::string shown_or_absent(const std::optional<std::string>& bytes) { return bytes ? shown(*bytes) : "absent"; }

class scenario_player {
public:
  scenario_player(const scenario& s, const scenario_run_options& options)
      : scenario_(s), options_(options), es_(make_options(s, options)) {}

  scenario_result play() {
    record_page(log_kind::construct);
    handle(es_.start());
    run_actions_due_at(0);
    drain();
    std::size_t steps = 0;
    while (!agenda_.empty() && ++steps < max_steps) {
      const item next = agenda_.top();
      agenda_.pop();
      now_ = next.time;
      perform(next);
      drain();
    }
    if (steps >= max_steps) problems_ += "the scenario did not settle within " + std::to_string(max_steps) + " steps\n";
    return finish();
  }

private:
  enum class what : std::uint8_t { head, chunk, end, timer, action };
  struct item {
    std::uint64_t time;
    std::uint64_t sequence;
    what kind;
    std::size_t exchange;  // head, chunk, end
    std::size_t index;     // chunk: its index; action: its index
    bool operator>(const item& o) const { return std::tie(time, sequence) > std::tie(o.time, o.sequence); }
  };
  static constexpr std::size_t no_exchange = static_cast<std::size_t>(-1);

  static connection_options make_options(const scenario& s, const scenario_run_options& options) {
    connection_options o;
    o.url = substitute_origins(s.url, options);
    o.with_credentials = s.with_credentials;
    o.document_url = options.origin + "/";
    o.default_reconnection_time_ms = options.default_reconnection_time_ms;
    return o;
  }

  void schedule(std::uint64_t delay, what kind, std::size_t exchange = no_exchange, std::size_t index = 0) {
    agenda_.push({now_ + delay, next_sequence_++, kind, exchange, index});
  }

  void record_page(log_kind kind) {
    log_entry e;
    e.kind = kind;
    e.state = es_.state();
    observed_.push_back(e);
  }

  void handle(const connection_outputs& outputs) {
    for (const auto& o : outputs) {
      switch (o.kind) {
        case connection_output_kind::send_request: send(o); break;
        case connection_output_kind::wait: schedule(o.delay_ms, what::timer); break;
        case connection_output_kind::abort_fetch: fetch_aborted(); break;
        case connection_output_kind::never_reconnect: break;
        case connection_output_kind::open:
        case connection_output_kind::error:
        case connection_output_kind::message: {
          log_entry e;
          e.kind = o.kind == connection_output_kind::open    ? log_kind::open
                   : o.kind == connection_output_kind::error ? log_kind::error
                                                             : log_kind::message;
          e.state = o.state;
          e.type = o.type;
          e.data = o.data;
          e.last_event_id = o.last_event_id;
          if (e.kind == log_kind::message) e.origin = symbolic_origin(o.origin, options_);
          observed_.push_back(e);
          run_actions_due_at(++observations_);
          break;
        }
      }
    }
    if (!es_.fetching()) current_ = no_exchange;
  }

  void send(const connection_output& o) {
    const std::size_t index = requests_++;
    log_entry e;
    e.kind = log_kind::request;
    e.exchange = index;
    if (!o.default_delay) e.min_delay_ms = o.delay_ms;
    observed_.push_back(e);
    if (index >= scenario_.exchanges.size()) {
      problems_ += "request #" + std::to_string(index) + " to " + shown(o.request.url) + ": the scenario has only " +
                   std::to_string(scenario_.exchanges.size()) +
                   " exchanges, so the client was not expected to send it\n";
      current_ = no_exchange;
      return;
    }
    problems_ += check_request(scenario_, index, o.request, options_);
    current_ = index;
    current_request_entry_ = observed_.size() - 1;
    current_answered_ = false;
    schedule(scenario_.exchanges[index].response.delay_ms, what::head, index);
  }

  /// The fetch in progress is aborted (close(), or the page's abort). Fetch sends the request "in
  /// parallel" and says nothing of when its bytes leave, so a request aborted before its response
  /// arrived may never reach the server: its entry says so.
  void fetch_aborted() {
    if (current_ != no_exchange && !current_answered_) observed_[current_request_entry_].may_not_arrive = true;
    current_ = no_exchange;
  }

  void run_actions_due_at(std::size_t observation) {
    for (std::size_t i = 0; i < scenario_.actions.size(); ++i) {
      const page_action& a = scenario_.actions[i];
      if (a.after_observation != observation) continue;
      if (a.delay_ms == 0) {
        run_action(a);
      } else {
        schedule(a.delay_ms, what::action, no_exchange, i);
      }
    }
  }

  void run_action(const page_action& a) {
    if (a.kind == page_action_kind::close) {
      const connection_outputs out = es_.close();
      record_page(log_kind::close);
      handle(out);
      return;
    }
    // abort: the page's fetches are aborted, which ends the EventSource's fetch, if one is in
    // progress, with an aborted network error.
    connection_outputs out;
    if (current_ != no_exchange && es_.fetching()) out = es_.network_error(network_error_kind::aborted);
    fetch_aborted();
    record_page(log_kind::abort);
    handle(out);
  }

  void drain() {
    while (es_.has_pending_tasks()) handle(es_.run_next_task());
  }

  header_list substituted(const header_list& headers) const {
    header_list out;
    for (const auto& h : headers) out.push_back({h.name, substitute_origins(h.value, options_)});
    return out;
  }

  void perform(const item& next) {
    if (next.kind == what::timer) {
      handle(es_.reconnection_timer_fired());
      return;
    }
    if (next.kind == what::action) {
      run_action(scenario_.actions[next.index]);
      return;
    }
    if (next.exchange != current_) return;  // that fetch was aborted or superseded by a redirect
    const scenario_response& r = scenario_.exchanges[next.exchange].response;
    switch (next.kind) {
      case what::head:
        current_answered_ = true;
        if (r.network_error) {
          handle(es_.network_error(network_error_kind::ordinary));
          return;
        }
        handle(es_.receive_response(r.status, substituted(r.headers)));
        if (current_ == next.exchange) schedule_after_chunk(next.exchange, 0);
        return;
      case what::chunk:
        handle(es_.receive_body(r.body[next.index].bytes));
        if (current_ == next.exchange) schedule_after_chunk(next.exchange, next.index + 1);
        return;
      case what::end:
        handle(r.end == response_end::close ? es_.end_of_body() : es_.network_error(network_error_kind::ordinary));
        return;
      case what::timer:
      case what::action: return;
    }
  }

  /// Schedules chunk `index` of the exchange's body, or its end after the last one.
  void schedule_after_chunk(std::size_t exchange, std::size_t index) {
    const scenario_response& r = scenario_.exchanges[exchange].response;
    if (index < r.body.size()) {
      schedule(r.body[index].delay_ms, what::chunk, exchange, index);
    } else if (r.end != response_end::hold) {
      schedule(r.end_delay_ms, what::end, exchange);
    }
  }

  scenario_result finish() {
    scenario_result result;
    result.observed = observed_;
    const scenario_log& expected = scenario_.expected;
    const std::string log_diff = diff_logs(expected, observed_);
    result.passed = problems_.empty() && log_diff.empty();
    result.diff = problems_ + log_diff;
    return result;
  }

  const scenario& scenario_;
  const scenario_run_options& options_;
  connection es_;
  std::priority_queue<item, std::vector<item>, std::greater<>> agenda_;
  std::uint64_t now_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::size_t current_ = no_exchange;      // the exchange whose response the fetch in progress reads
  std::size_t current_request_entry_ = 0;  // its request entry in observed_
  bool current_answered_ = false;          // its response (head or network error) has arrived
  std::size_t requests_ = 0;
  std::size_t observations_ = 0;
  scenario_log observed_;
  std::string problems_;
};

}  // namespace

std::string symbolic_origin(const std::string& origin, const scenario_run_options& options) {
  if (origin == options.origin) return "{origin}";
  if (origin == options.other_origin) return "{other_origin}";
  return origin;
}

std::string check_request(const scenario& s, std::size_t index, const http_request& sent,
                          const scenario_run_options& options) {
  const scenario_request& want = s.exchanges.at(index).request;
  const std::string where = "request #" + std::to_string(index) + " (exchanges[" + std::to_string(index) + "].request)";
  std::string problems;
  const auto compare = [&](std::string_view what, const std::optional<std::string>& expected,
                           const std::optional<std::string>& actual) {
    if (expected != actual) {
      problems += where + ": " + std::string(what) + ": expected " + shown_or_absent(expected) + ", sent " +
                  shown_or_absent(actual) + "\n";
    }
  };
  compare("URL", substitute_origins(want.url, options), sent.url);
  compare("method", want.method, sent.method);
  compare("header Accept", want.accept, get_header(sent.headers, "Accept"));
  compare("header Cache-Control", want.cache_control, get_header(sent.headers, "Cache-Control"));
  compare("header Last-Event-ID", want.last_event_id, get_header(sent.headers, "Last-Event-ID"));
  if (want.checks_origin) {
    std::optional<std::string> origin;
    if (want.origin) origin = substitute_origins(*want.origin, options);
    compare("header Origin", origin, get_header(sent.headers, "Origin"));
  }
  return problems;
}

namespace {

/// What differs between two entries of the same kind, e.g. `origin: expected "{origin}", observed
/// "http://127.0.0.1:1234/stream"`, members separated by "; ".
std::string member_differences(const log_entry& expected, const log_entry& observed) {
  std::string out;
  const auto differ = [&out](std::string_view member, const std::string& want, const std::string& got) {
    if (want == got) return;
    out += (out.empty() ? "" : "; ") + std::string(member) + ": expected " + want + ", observed " + got;
  };
  const auto delay = [](const std::optional<std::uint64_t>& d) { return d ? std::to_string(*d) : std::string("null"); };
  differ("ready_state", std::to_string(static_cast<int>(expected.state)),
         std::to_string(static_cast<int>(observed.state)));
  differ("exchange", std::to_string(expected.exchange), std::to_string(observed.exchange));
  differ("min_delay_ms", delay(expected.min_delay_ms), delay(observed.min_delay_ms));
  differ("may_not_arrive", expected.may_not_arrive ? "true" : "false", observed.may_not_arrive ? "true" : "false");
  differ("type", shown(expected.type), shown(observed.type));
  differ("data", shown(expected.data), shown(observed.data));
  differ("last_event_id", shown(expected.last_event_id), shown(observed.last_event_id));
  differ("origin", shown(expected.origin), shown(observed.origin));
  return out;
}

}  // namespace

std::string diff_logs(const scenario_log& expected, const scenario_log& observed) {
  if (observed == expected) return {};
  // The longest common subsequence aligns the logs, so that every differing entry is listed, not
  // only the first: lcs[i][j] is its length for expected[i..] and observed[j..].
  const std::size_t n = expected.size();
  const std::size_t m = observed.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = expected[i] == observed[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::string lines;
  std::size_t differing = 0;
  std::vector<const log_entry*> only_expected;
  std::vector<const log_entry*> only_observed;
  // Between two common entries, entries of the same kind at the same place are one entry that
  // differs in some members ("~"); the rest are on one side only.
  const auto flush = [&] {
    std::size_t k = 0;
    for (; k < only_expected.size() && k < only_observed.size() && only_expected[k]->kind == only_observed[k]->kind;
         ++k)
      lines += "  ~ " + format_log_entry(*only_expected[k]) + ": " +
               member_differences(*only_expected[k], *only_observed[k]) + "\n";
    for (std::size_t e = k; e < only_expected.size(); ++e) lines += "  - " + format_log_entry(*only_expected[e]) + "\n";
    for (std::size_t o = k; o < only_observed.size(); ++o) lines += "  + " + format_log_entry(*only_observed[o]) + "\n";
    differing += only_expected.size() + only_observed.size() - k;
    only_expected.clear();
    only_observed.clear();
  };
  for (std::size_t i = 0, j = 0; i < n || j < m;) {
    if (i < n && j < m && expected[i] == observed[j]) {
      flush();
      lines += "    " + format_log_entry(expected[i]) + "\n";
      ++i;
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      only_expected.push_back(&expected[i++]);
    } else {
      only_observed.push_back(&observed[j++]);
    }
  }
  flush();
  return "the log differs in " + std::to_string(differing) + " entr" + (differing == 1 ? "y" : "ies") +
         " (  same, - expected only, + observed only, ~ both, with what differs):\n" + lines;
}

std::string substitute_origins(std::string_view text, const scenario_run_options& options) {
  constexpr std::string_view origin = "{origin}";
  constexpr std::string_view other_origin = "{other_origin}";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, origin.size()) == origin) {
      out += options.origin;
      i += origin.size();
    } else if (text.substr(i, other_origin.size()) == other_origin) {
      out += options.other_origin;
      i += other_origin.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string format_log_entry(const log_entry& e) {
  std::string out(to_string(e.kind));
  if (e.kind == log_kind::request) {
    out += " exchange=" + std::to_string(e.exchange) +
           " min_delay_ms=" + (e.min_delay_ms ? std::to_string(*e.min_delay_ms) : std::string("null"));
    if (e.may_not_arrive) out += " may_not_arrive";
    return out;
  }
  if (e.kind == log_kind::message) {
    out += " type=" + shown(e.type) + " data=" + shown(e.data) + " last_event_id=" + shown(e.last_event_id) +
           " origin=" + shown(e.origin);
  }
  return out + " ready_state=" + std::to_string(static_cast<int>(e.state));
}

scenario_result run_scenario(const scenario& s, const scenario_run_options& options) {
  try {
    return scenario_player(s, options).play();
  } catch (const std::exception& e) {  // the model rejected an input sequence, or the URL did not parse
    scenario_result result;
    result.diff = std::string("the reference refused the scenario: ") + e.what() + "\n";
    return result;
  }
}

}  // namespace sse::conformance
