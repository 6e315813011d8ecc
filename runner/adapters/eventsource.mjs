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
import { fedStream, packageVersion, serve, settle, fedSession, endBodyCapturingTimers } from './protocol.mjs';

/** The Last-Event-ID header as eventsource sends it to a custom fetch: UTF-8 bytes as a byte string. */
const headerText = (value) => (value === undefined ? '' : Buffer.from(value, 'latin1').toString('utf8'));

serve({
  name: 'eventsource',
  version: packageVersion('eventsource', import.meta.url),
  capabilities: { events: true, last_event_id_commits: false, retry: false, comments: false, end: true, initial_last_event_id: false },
  async start() {
    const seen = [];
    const body = fedStream();
    let reconnection;
    const requests = [];
    const fetch = (url, init) => {
      requests.push(init);
      if (requests.length === 1) return Promise.resolve(body.response());
      reconnection = headerText(init.headers['Last-Event-ID']);
      return new Promise(() => {});  // the reconnection is never answered: the adapter closes it
    };
    const source = new EventSource('http://127.0.0.1/', { fetch });
    const dispatch = source.dispatchEvent.bind(source);
    source.dispatchEvent = (event) => {
      if (event instanceof MessageEvent) seen.push({ kind: 'event', type: event.type, data: event.data, last_event_id: event.lastEventId });
      return dispatch(event);
    };
    source.addEventListener('error', () => {});  // an error event without a listener is harmless, keep it quiet
    await settle();
    return fedSession(body, seen, async () => {
      const timeouts = await endBodyCapturingTimers(body);
      for (const [reconnect] of timeouts) reconnect();
      await settle();
      source.close();
      if (reconnection === undefined) throw new Error('eventsource did not reconnect at end of body');
      return reconnection;
    });
  },
});
