// extended-eventsource (npm) `EventSource` behind the adapter protocol. It takes a custom `fetch`:
// the adapter's returns a Response over a stream it feeds, so the library's own connection code and
// parser (its getLines/getMessages over bytes, fields decoded with a default TextDecoder) run. Every
// MessageEvent it dispatches is recorded (the instance's dispatchEvent is wrapped), with its type,
// data and lastEventId; every onRetryDelayReceived call is a retry. Its public `currentLastEventId`
// (what it sends as Last-Event-ID when it reconnects) is the `end` observation's last_event_id. At
// end of body it schedules a reconnection, captured and dropped. No comments, no commits (it sets the
// last event ID at the id line, with no signal at dispatch), and no way to start from a last event
// ID: its constructor always makes the first request without one (initial_last_event_id: false).
import { EventSource } from 'extended-eventsource';
import { recordDispatchedEvents, serveFetchedClient } from './protocol.mjs';

serveFetchedClient(import.meta.url, 'extended-eventsource', {
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true, initial_last_event_id: false },
  connect(fetch, seen) {
    const source = new EventSource('http://127.0.0.1/', { disableLogger: true, fetch });
    source.onRetryDelayReceived = (ms) => seen.push({ kind: 'retry', ms });
    recordDispatchedEvents(source, seen);
    return source;
  },
  lastEventId: (source) => source.currentLastEventId ?? '',
});
