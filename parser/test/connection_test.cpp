// connection_test.cpp: sse::connection, step by step (constructor, announce, reestablish, fail,
// close()), with close() at every point, and the Fetch pieces it uses (MIME type extraction, URLs).
#include <sse/connection.hpp>
#include <sse/detail/url.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using sse::connection;
using sse::connection_output_kind;
using sse::connection_outputs;
using sse::header_list;
using sse::network_error_kind;
using sse::ready_state;

const header_list event_stream{{"Content-Type", "text/event-stream"}};

sse::connection_options options(std::string url = "http://a.test/stream") {
  sse::connection_options o;
  o.url = std::move(url);
  o.document_url = "http://a.test/page";
  o.default_reconnection_time_ms = 3000;
  return o;
}

/// Runs every queued task; returns their outputs in order.
connection_outputs run_all(connection& es) {
  connection_outputs all;
  while (es.has_pending_tasks()) {
    for (auto& o : es.run_next_task()) all.push_back(std::move(o));
  }
  return all;
}

std::vector<connection_output_kind> kinds(const connection_outputs& outs) {
  std::vector<connection_output_kind> k;
  for (const auto& o : outs) k.push_back(o.kind);
  return k;
}

std::optional<std::string> header(const sse::http_request& r, std::string_view name) {
  return sse::get_header(r.headers, name);
}

/// A connection whose first response opened the stream (open already fired).
void open_stream(connection& es) {
  es.start();
  es.receive_response(200, event_stream);
  run_all(es);
  ASSERT_EQ(es.state(), ready_state::open);
}

TEST(Connection, HeaderExample) {
  sse::connection es({.url = "/stream", .document_url = "https://a.test/"});
  auto out = es.start();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].request.url, "https://a.test/stream");
  es.receive_response(200, {{"Content-Type", "text/event-stream"}});
  es.receive_body("data: hi\n\n");
  connection_outputs page;
  while (es.has_pending_tasks()) {
    for (auto& o : es.run_next_task()) page.push_back(o);
  }
  ASSERT_EQ(kinds(page), (std::vector{connection_output_kind::open, connection_output_kind::message}));
  EXPECT_EQ(page[1].data, "hi");
  out = es.end_of_body();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, connection_output_kind::wait);
  EXPECT_EQ(out[0].delay_ms, 3000u);
  EXPECT_EQ(es.run_next_task().at(0).state, ready_state::connecting);
}

// --- constructor ---------------------------------------------------------------------------

TEST(Connection, ConstructorLeavesConnectingAndStartSendsTheRequest) {
  connection es(options());
  EXPECT_EQ(es.state(), ready_state::connecting);  // R43
  EXPECT_FALSE(es.has_pending_tasks());
  const auto out = es.start();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, connection_output_kind::send_request);  // R48: the fetch starts at construction
  EXPECT_EQ(out[0].request.url, "http://a.test/stream");
  EXPECT_EQ(out[0].request.method, "GET");
  EXPECT_EQ(out[0].delay_ms, 0u);
  EXPECT_EQ(header(out[0].request, "Accept"), "text/event-stream");  // R45, G3
  EXPECT_EQ(header(out[0].request, "Cache-Control"), "no-cache");    // R46
  EXPECT_EQ(header(out[0].request, "Pragma"), "no-cache");
  EXPECT_EQ(header(out[0].request, "Last-Event-ID"), std::nullopt);
  EXPECT_EQ(header(out[0].request, "Origin"), std::nullopt);  // same-origin GET
  EXPECT_FALSE(out[0].request.include_credentials);
  EXPECT_EQ(es.state(), ready_state::connecting);
}

TEST(Connection, UrlParsedAgainstTheDocument) {
  connection es(options("../events?x=1#f"));
  EXPECT_EQ(es.url(), "http://a.test/events?x=1#f");
  EXPECT_EQ(es.start().at(0).request.url, "http://a.test/events?x=1");  // the fragment is not sent
}

TEST(Connection, UnparseableUrlThrowsSyntaxError) {
  EXPECT_THROW(connection(options("http://[::1/")), std::invalid_argument);
}

TEST(Connection, WithCredentialsSetsTheCredentialsMode) {
  auto o = options("http://b.test/s");
  o.with_credentials = true;
  connection es(o);
  EXPECT_TRUE(es.with_credentials());
  const auto out = es.start();
  EXPECT_TRUE(out.at(0).request.include_credentials);
  EXPECT_EQ(header(out.at(0).request, "Origin"), "http://a.test");  // cross-origin: a CORS request
}

TEST(Connection, NonHttpUrlFailsWithoutARequest) {
  connection es(options("mailto:x@y.test"));
  EXPECT_EQ(kinds(es.start()), std::vector{connection_output_kind::never_reconnect});  // G2
  EXPECT_EQ(es.state(), ready_state::connecting);                                      // the fail task has not run yet
  const auto out = run_all(es);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, connection_output_kind::error);
  EXPECT_EQ(out[0].state, ready_state::closed);
}

// --- processResponse ----------------------------------------------------------------------

TEST(Connection, AnnounceIsATaskThatSetsOpen) {
  connection es(options());
  es.start();
  EXPECT_TRUE(es.receive_response(200, event_stream).empty());
  EXPECT_EQ(es.state(), ready_state::connecting);  // not until the task runs
  ASSERT_EQ(es.pending_tasks(), 1u);
  const auto out = es.run_next_task();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, connection_output_kind::open);
  EXPECT_EQ(out[0].state, ready_state::open);
}

TEST(Connection, MessagesCarryTypeDataIdAndOrigin) {
  connection es(options());
  open_stream(es);
  es.receive_body("event: t\nid: 4\ndata: a\ndata: b\n\n");
  const auto out = run_all(es);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, connection_output_kind::message);
  EXPECT_EQ(out[0].type, "t");
  EXPECT_EQ(out[0].data, "a\nb");
  EXPECT_EQ(out[0].last_event_id, "4");
  EXPECT_EQ(out[0].origin, "http://a.test");
  EXPECT_EQ(es.last_event_id(), "4");
}

TEST(Connection, Non200StatusFailsAndTheBodyIsNotInterpreted) {
  for (const int code : {201, 204, 206, 299, 304, 404, 500, 503}) {
    const auto status = static_cast<std::uint16_t>(code);
    connection es(options());
    es.start();
    EXPECT_EQ(kinds(es.receive_response(status, event_stream)), std::vector{connection_output_kind::never_reconnect})
        << status;
    EXPECT_TRUE(es.receive_body("data: no\n\n").empty());  // R57
    EXPECT_TRUE(es.end_of_body().empty());                 // no reconnection after a failure
    const auto out = run_all(es);
    ASSERT_EQ(out.size(), 1u) << status;
    EXPECT_EQ(out[0].kind, connection_output_kind::error);
    EXPECT_EQ(out[0].state, ready_state::closed);
    EXPECT_TRUE(es.finished());
  }
}

TEST(Connection, WrongContentTypeFails) {
  connection es(options());
  es.start();
  es.receive_response(200, {{"Content-Type", "text/plain"}});
  EXPECT_EQ(run_all(es).at(0).state, ready_state::closed);
}

TEST(Connection, AbortedNetworkErrorFails) {
  connection es(options());
  es.start();
  EXPECT_EQ(kinds(es.network_error(network_error_kind::aborted)), std::vector{connection_output_kind::never_reconnect});
  EXPECT_EQ(run_all(es).at(0).state, ready_state::closed);  // R49
}

TEST(Connection, FutileNetworkErrorFails) {
  connection es(options());
  es.start();
  es.network_error(network_error_kind::futile);
  EXPECT_EQ(run_all(es).at(0).state, ready_state::closed);
}

// --- reestablish the connection ----------------------------------------------------------------

TEST(Connection, EndOfBodyReestablishes) {
  connection es(options());
  open_stream(es);
  const auto wait = es.end_of_body();
  ASSERT_EQ(wait.size(), 1u);
  EXPECT_EQ(wait[0].kind, connection_output_kind::wait);
  EXPECT_EQ(wait[0].delay_ms, 3000u);  // R64: the reference's default
  EXPECT_TRUE(wait[0].default_delay);
  // Step 1: a task sets CONNECTING and fires error.
  const auto error = run_all(es);
  ASSERT_EQ(error.size(), 1u);
  EXPECT_EQ(error[0].kind, connection_output_kind::error);
  EXPECT_EQ(error[0].state, ready_state::connecting);
  // Steps 2-5: after the wait, a task fetches again.
  EXPECT_TRUE(es.reconnection_timer_fired().empty());
  const auto again = run_all(es);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].kind, connection_output_kind::send_request);
  EXPECT_EQ(again[0].delay_ms, 3000u);
  EXPECT_TRUE(again[0].default_delay);
}

TEST(Connection, TimerBeforeTheErrorTaskRanWaitsForIt) {
  // Step 4: "Wait until the aforementioned task has run, if it has not yet run."
  connection es(options());
  open_stream(es);
  es.end_of_body();
  es.reconnection_timer_fired();
  ASSERT_EQ(es.pending_tasks(), 1u);  // only the error task; the fetch task is queued when it has run
  EXPECT_EQ(es.run_next_task().at(0).kind, connection_output_kind::error);
  ASSERT_EQ(es.pending_tasks(), 1u);
  EXPECT_EQ(es.run_next_task().at(0).kind, connection_output_kind::send_request);
}

TEST(Connection, RetryPersistsAcrossConnections) {
  connection es(options());
  open_stream(es);
  es.receive_body("retry: 250\n\n");
  EXPECT_EQ(es.end_of_body().at(0).delay_ms, 250u);
  run_all(es);
  es.reconnection_timer_fired();
  EXPECT_EQ(run_all(es).at(0).delay_ms, 250u);
  es.receive_response(200, event_stream);
  run_all(es);
  const auto wait = es.end_of_body();  // this stream sent no retry
  EXPECT_EQ(wait.at(0).delay_ms, 250u);
  EXPECT_FALSE(wait.at(0).default_delay);
}

TEST(Connection, LastEventIdSentEncodedAsUtf8AndRemovedWhenReset) {
  connection es(options());
  open_stream(es);
  es.receive_body("id: \xE2\x80\xA6\ndata: a\n\n");
  es.end_of_body();
  run_all(es);
  es.reconnection_timer_fired();
  const auto first = run_all(es);
  EXPECT_EQ(header(first.at(0).request, "Last-Event-ID"), "\xE2\x80\xA6");  // R62
  es.receive_response(200, event_stream);
  es.receive_body("id\ndata: b\n\n");  // resets the id
  es.end_of_body();
  run_all(es);
  es.reconnection_timer_fired();
  const auto second = run_all(es);
  EXPECT_EQ(header(second.at(0).request, "Last-Event-ID"), std::nullopt);  // G5: no stale header
}

TEST(Connection, NewStreamStartsFromTheLastEventId) {
  // G1: the last event ID buffer of a new response starts from the last event ID string.
  connection es(options());
  open_stream(es);
  es.receive_body("id: 1\ndata: a\n\n");
  es.end_of_body();
  run_all(es);
  es.reconnection_timer_fired();
  run_all(es);
  es.receive_response(200, event_stream);
  es.receive_body("data: b\n\n");
  const auto out = run_all(es);
  EXPECT_EQ(out.back().last_event_id, "1");
}

TEST(Connection, ResetMidEventDiscardsThePartialEventAndReconnects) {
  connection es(options());
  open_stream(es);
  es.receive_body("data: whole\n\ndata: part");
  EXPECT_EQ(kinds(es.network_error(network_error_kind::ordinary)), std::vector{connection_output_kind::wait});  // P1
  const auto out = run_all(es);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].data, "whole");
  EXPECT_EQ(out[1].kind, connection_output_kind::error);
  EXPECT_EQ(out[1].state, ready_state::connecting);
}

// --- redirects and CORS --------------------------------------------------------------------

TEST(Connection, RedirectIsFollowedAndReconnectionGoesWhereItEnded) {
  connection es(options("http://a.test/start"));
  es.start();
  const auto hop = es.receive_response(302, {{"Location", "/final"}});
  ASSERT_EQ(hop.size(), 1u);
  EXPECT_EQ(hop[0].kind, connection_output_kind::send_request);
  EXPECT_EQ(hop[0].request.url, "http://a.test/final");
  es.receive_response(200, event_stream);
  run_all(es);
  es.end_of_body();
  run_all(es);
  es.reconnection_timer_fired();
  EXPECT_EQ(run_all(es).at(0).request.url, "http://a.test/final");  // R63
}

TEST(Connection, TwentyFirstRedirectIsANetworkError) {
  connection es(options("http://a.test/loop"));
  es.start();
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(kinds(es.receive_response(307, {{"Location", "/loop"}})),
              std::vector{connection_output_kind::send_request});
  }
  EXPECT_EQ(kinds(es.receive_response(307, {{"Location", "/loop"}})), std::vector{connection_output_kind::wait});
}

TEST(Connection, CrossOriginNeedsTheCorsCheck) {
  {
    connection es(options("http://b.test/s"));
    es.start();
    EXPECT_EQ(kinds(es.receive_response(200, event_stream)), std::vector{connection_output_kind::never_reconnect});
  }
  {
    connection es(options("http://b.test/s"));
    es.start();
    es.receive_response(200, {{"Content-Type", "text/event-stream"}, {"Access-Control-Allow-Origin", "http://a.test"}});
    es.receive_body("data: x\n\n");
    const auto out = run_all(es);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].origin, "http://b.test");
  }
  {
    auto o = options("http://b.test/s");
    o.with_credentials = true;
    connection es(o);
    es.start();
    EXPECT_EQ(
        kinds(es.receive_response(200, {{"Content-Type", "text/event-stream"}, {"Access-Control-Allow-Origin", "*"}})),
        std::vector{connection_output_kind::never_reconnect});
  }
}

// --- close() at every point, and nothing after CLOSED --------------------------------------------

/// Drives a connection to a given point, calls close(), then throws every later input at it.
void expect_silent_after_close(const std::function<void(connection&)>& reach, bool fetch_in_progress) {
  connection es(options());
  reach(es);
  const auto out = es.close();
  EXPECT_EQ(es.state(), ready_state::closed);  // synchronously (R66)
  EXPECT_EQ(kinds(out), fetch_in_progress ? std::vector{connection_output_kind::abort_fetch}
                                          : std::vector<connection_output_kind>{});
  EXPECT_TRUE(run_all(es).empty()) << "a task queued before close() still fired something";
  EXPECT_TRUE(es.receive_response(200, event_stream).empty());
  EXPECT_TRUE(es.receive_body("data: late\n\n").empty());
  EXPECT_TRUE(es.end_of_body().empty());
  EXPECT_TRUE(es.network_error(network_error_kind::ordinary).empty());
  EXPECT_TRUE(es.reconnection_timer_fired().empty());
  EXPECT_TRUE(run_all(es).empty());
  EXPECT_TRUE(es.close().empty());
  EXPECT_EQ(es.state(), ready_state::closed);
  EXPECT_TRUE(es.finished());
}

TEST(ConnectionClose, BeforeStart) {
  expect_silent_after_close([](connection&) {}, false);
}
TEST(ConnectionClose, WhileAwaitingTheResponse) {
  expect_silent_after_close([](connection& es) { es.start(); }, true);
}
TEST(ConnectionClose, AfterTheResponseBeforeOpenRan) {
  expect_silent_after_close(
      [](connection& es) {
        es.start();
        es.receive_response(200, event_stream);  // the open task is queued
      },
      true);
}
TEST(ConnectionClose, BetweenQueuedEvents) {
  expect_silent_after_close(
      [](connection& es) {
        open_stream(es);
        es.receive_body("data: a\n\ndata: b\n\n");  // two dispatch tasks queued
        es.run_next_task();
      },
      true);
}
TEST(ConnectionClose, BeforeTheReconnectErrorTaskRan) {
  expect_silent_after_close(
      [](connection& es) {
        open_stream(es);
        es.end_of_body();
      },
      false);
}
TEST(ConnectionClose, DuringTheReconnectionWait) {
  expect_silent_after_close(
      [](connection& es) {
        open_stream(es);
        es.end_of_body();
        run_all(es);
      },
      false);
}
TEST(ConnectionClose, AfterTheTimerBeforeTheFetchTaskRan) {
  expect_silent_after_close(
      [](connection& es) {
        open_stream(es);
        es.end_of_body();
        run_all(es);
        es.reconnection_timer_fired();  // the fetch task is queued; step 5.1 finds CLOSED
      },
      false);
}
TEST(ConnectionClose, BeforeTheFailTaskRan) {
  expect_silent_after_close(
      [](connection& es) {
        es.start();
        es.receive_response(404, event_stream);
      },
      true);
}
TEST(ConnectionClose, AfterFailure) {
  connection es(options());
  es.start();
  es.receive_response(404, event_stream);
  run_all(es);
  EXPECT_TRUE(es.close().empty());  // already CLOSED: nothing to abort
  EXPECT_EQ(es.state(), ready_state::closed);
}

TEST(Connection, OutOfSequenceInputIsADriverBug) {
  connection es(options());
  EXPECT_THROW(es.receive_body("x"), std::logic_error);
  es.start();
  EXPECT_THROW(es.end_of_body(), std::logic_error);
  EXPECT_THROW(es.reconnection_timer_fired(), std::logic_error);
}

// --- Fetch: extract a MIME type ---------------------------------------------------------------

TEST(MimeType, EssenceIgnoresParametersCaseAndWhitespace) {
  const auto essence = [](std::string value) { return sse::extract_mime_type_essence({{"Content-Type", value}}); };
  EXPECT_EQ(essence("text/event-stream"), "text/event-stream");
  EXPECT_EQ(essence(" TEXT/Event-Stream ;charset=utf-8"), "text/event-stream");
  EXPECT_EQ(essence("text/event-stream;"), "text/event-stream");
  EXPECT_EQ(essence("text/event-stream; a=\"x,y\""), "text/event-stream");
  EXPECT_EQ(essence(""), std::nullopt);
  EXPECT_EQ(essence("x bogus"), std::nullopt);
  EXPECT_EQ(essence("text /event-stream"), std::nullopt);
  EXPECT_EQ(essence("text/"), std::nullopt);
  EXPECT_EQ(essence("*/*"), std::nullopt);
  EXPECT_EQ(essence("text/event-stream, text/plain"), "text/plain");
  EXPECT_EQ(essence("text/event-stream, bogus"), "text/event-stream");
  EXPECT_EQ(sse::extract_mime_type_essence({}), std::nullopt);
}

TEST(MimeType, SeveralHeadersAreCombinedInOrder) {
  EXPECT_EQ(sse::extract_mime_type_essence({{"Content-Type", "text/plain"}, {"content-type", "text/event-stream"}}),
            "text/event-stream");
  EXPECT_EQ(sse::extract_mime_type_essence({{"Content-Type", "text/event-stream"}, {"Content-Type", ""}}),
            "text/event-stream");
  EXPECT_EQ(sse::get_header({{"A", "1"}, {"b", "x"}, {"a", "2"}}, "a"), "1, 2");
}

// --- URLs ---------------------------------------------------------------------------------------

TEST(Url, ParsesResolvesAndSerializes) {
  using sse::detail::parse_url;
  const auto base = parse_url("HTTP://Example.TEST:80/a/b/c?q#f");
  ASSERT_TRUE(base);
  EXPECT_EQ(base->serialize(), "http://example.test/a/b/c?q#f");
  EXPECT_EQ(base->origin(), "http://example.test");
  const auto resolve = [&](std::string_view ref) {
    const auto u = parse_url(ref, &*base);
    return u ? u->serialize() : std::string("failure");
  };
  EXPECT_EQ(resolve("d"), "http://example.test/a/b/d");
  EXPECT_EQ(resolve("../d"), "http://example.test/a/d");
  EXPECT_EQ(resolve("/d/./e/../f"), "http://example.test/d/f");
  EXPECT_EQ(resolve("?x"), "http://example.test/a/b/c?x");
  EXPECT_EQ(resolve("#g"), "http://example.test/a/b/c?q#g");
  EXPECT_EQ(resolve("//other.test:8080/p"), "http://other.test:8080/p");
  EXPECT_EQ(resolve("https://s.test:443/"), "https://s.test/");
  EXPECT_EQ(resolve("a b"), "http://example.test/a/b/a%20b");
  EXPECT_EQ(resolve("http://[bad/"), "failure");
  EXPECT_EQ(resolve("http://h:99999/"), "failure");
  const auto mailto = parse_url("mailto:x@y.test");
  ASSERT_TRUE(mailto);
  EXPECT_FALSE(mailto->is_http());
  EXPECT_EQ(mailto->origin(), "null");
  EXPECT_FALSE(parse_url("relative/without/base"));
}

}  // namespace
