// eventsource 5.x (npm), the EventSource for Node and other runtimes, behind the adapter protocol.
// It takes a custom `fetch`: the adapter's returns a Response over a stream the adapter feeds, so the
// library's own connection code runs (its default TextDecoder, then eventsource-parser 4.x). Every
// MessageEvent it dispatches is recorded (the instance's dispatchEvent is wrapped), with its type,
// data and lastEventId. Its last event ID and reconnection time are private: at end of body the
// library schedules a reconnection (captured, not waited for) and runs it, and the Last-Event-ID
// header of that second request is the `end` observation's last_event_id. No per-line retry
// observation (only the final reconnection time would be visible), no comments, no commits. It has
// no way to start from a last event ID (initial_last_event_id: false): a stream always starts from "".
// Needs Node >= 22.12 (its engines field).
import { EventSource } from 'eventsource';
import { recordDispatchedEvents, serveFetchedClient } from './protocol.mjs';

/** The Last-Event-ID header as eventsource sends it to a custom fetch: UTF-8 bytes as a byte string. */
const headerText = (value) => (value === undefined ? '' : Buffer.from(value, 'latin1').toString('utf8'));

serveFetchedClient(import.meta.url, 'eventsource', {
  capabilities: { events: true, last_event_id_commits: false, retry: false, comments: false, end: true, initial_last_event_id: false },
  connect(fetch, seen) {
    const source = new EventSource('http://127.0.0.1/', { fetch });
    recordDispatchedEvents(source, seen);
    source.addEventListener('error', () => {});  // an error event without a listener is harmless, keep it quiet
    return source;
  },
  reconnection: (url, init) => headerText(init.headers['Last-Event-ID']),
});
