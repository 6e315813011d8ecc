// The clients that connect with Node's http.request and parse the response's 'data' events
// themselves (Debian's node-eventsource 2.x, launchdarkly-eventsource) share this translation.
// The adapter replaces http.request while a client connects with one whose response it feeds: each
// chunk is one 'data' event, which these clients process synchronously. They start from the reset's
// last event ID through their `headers: {'Last-Event-ID': …}` option. Events are what they emit (the
// instance's `emit`); their public `reconnectInterval` is watched, every write being a retry. At end
// of body they schedule a reconnection (captured, run at once): the Last-Event-ID header of that
// request is the `end` observation's last_event_id. No comments, no id-only commits (their last
// event ID is private).
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { captureTimeouts, serve } from './protocol.mjs';

/** Runs `connect` with http.request answering every request: `respond(options, onResponse)` gets the
 *  request's options (with its headers) and its response callback, whichever of http.request's
 *  signatures the client uses. */
function withFakeRequests(respond, connect) {
  const request = http.request;
  http.request = (...args) => {
    const onResponse = args.find((arg) => typeof arg === 'function');
    const options = args.find((arg) => typeof arg === 'object' && !(arg instanceof URL) && arg !== null) ?? {};
    respond(options, onResponse);
    return Object.assign(new EventEmitter(), { end() {}, abort() {}, destroy() {}, setNoDelay() {}, setTimeout() {}, write() {} });
  };
  try {
    return connect();
  } finally {
    http.request = request;
  }
}

/** `create(url, headers)` makes the client; `emitsOnlyWithListeners`: the client calls emit only for
 *  event types that have listeners (so every type is made to have one). */
export function serveHttpClient({ name, version, create, emitsOnlyWithListeners }) {
  serve({
    name,
    version,
    capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
    async start(initialLastEventId) {
      const seen = [];
      const response = Object.assign(new EventEmitter(), { statusCode: 200, headers: { 'content-type': 'text/event-stream' } });
      const headers = initialLastEventId === '' ? {} : { 'Last-Event-ID': initialLastEventId };
      const source = withFakeRequests(
        (options, onResponse) => process.nextTick(() => onResponse(response)),
        () => create('http://127.0.0.1/', headers),
      );
      let reconnectInterval = source.reconnectInterval;
      Object.defineProperty(source, 'reconnectInterval', {
        get: () => reconnectInterval,
        set: (value) => {
          reconnectInterval = value;
          seen.push({ kind: 'retry', ms: value });
        },
      });
      if (emitsOnlyWithListeners) source.listeners = () => [() => {}];
      source.emit = (type, event) => {
        if (event?.data !== undefined) seen.push({ kind: 'event', type, data: event.data, last_event_id: event.lastEventId });
        return true;
      };
      await new Promise((resolve) => process.nextTick(() => process.nextTick(resolve)));  // the response has been handed over
      return {
        feed(bytes) {
          response.emit('data', Buffer.from(bytes));
          return seen.splice(0);
        },
        async end() {
          const timeouts = await captureTimeouts(() => response.emit('end'));
          let reconnection;
          withFakeRequests(
            (options) => {
              reconnection = options.headers?.['Last-Event-ID'] ?? '';
            },
            () => timeouts.forEach(([reconnect]) => reconnect()),
          );
          source.close();
          if (reconnection === undefined) throw new Error(`${name} did not reconnect at end of body`);
          seen.push({ kind: 'end', last_event_id: reconnection });
          return seen.splice(0);
        },
      };
    },
  });
}
