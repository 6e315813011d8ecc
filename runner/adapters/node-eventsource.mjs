// Debian's node-eventsource (the `eventsource` npm package 2.x, /usr/share/nodejs/eventsource),
// the version many distributions still ship, behind the adapter protocol. It connects with Node's
// http.request and parses the response's 'data' events itself (bytes, WebKit's parser ported). The
// adapter replaces http.request for the instance's connections with one whose response it feeds:
// each chunk is one 'data' event, processed synchronously. It starts from the reset's last event ID
// through its `headers: {'Last-Event-ID': …}` option. Events are what it emits (the instance's
// `emit`, which it calls only for types with listeners, so every type is made to have one); its
// public `reconnectInterval` is watched, every write being a retry. At end of body it schedules a
// reconnection (captured, run at once): the Last-Event-ID header of that request is the `end`
// observation's last_event_id. No comments, no id-only commits (its last event ID is private).
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { captureTimeouts, packageVersion, serve } from './protocol.mjs';

const packageFolder = '/usr/share/nodejs/eventsource';
const EventSource = createRequire(import.meta.url)(packageFolder);

serve({
  name: 'eventsource (Debian node-eventsource)',
  version: packageVersion(packageFolder, import.meta.url),
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  start(initialLastEventId) {
    const seen = [];
    const response = Object.assign(new EventEmitter(), { statusCode: 200, headers: { 'content-type': 'text/event-stream' } });
    let reconnection;
    const request = http.request;
    const connection = () => Object.assign(new EventEmitter(), { end() {}, abort() {}, setNoDelay() {} });
    http.request = (options, onResponse) => {
      process.nextTick(() => onResponse(response));
      return connection();
    };
    const headers = initialLastEventId === '' ? {} : { 'Last-Event-ID': initialLastEventId };
    const source = new EventSource('http://127.0.0.1/', { headers });
    http.request = request;
    let reconnectInterval = source.reconnectInterval;
    Object.defineProperty(source, 'reconnectInterval', {
      get: () => reconnectInterval,
      set: (value) => {
        reconnectInterval = value;
        seen.push({ kind: 'retry', ms: value });
      },
    });
    source.listeners = () => [() => {}];
    source.emit = (type, event) => {
      if (event?.data !== undefined) seen.push({ kind: 'event', type, data: event.data, last_event_id: event.lastEventId });
      return true;
    };
    return new Promise((resolve) => process.nextTick(() => process.nextTick(() => resolve({
      feed(bytes) {
        response.emit('data', Buffer.from(bytes));
        return seen.splice(0);
      },
      async end() {
        const timeouts = await captureTimeouts(() => response.emit('end'));
        http.request = (options) => {
          reconnection = options.headers['Last-Event-ID'] ?? '';
          return connection();
        };
        try {
          for (const [reconnect] of timeouts) reconnect();
        } finally {
          http.request = request;
        }
        source.close();
        if (reconnection === undefined) throw new Error('node-eventsource did not reconnect at end of body');
        seen.push({ kind: 'end', last_event_id: reconnection });
        return seen.splice(0);
      },
    }))));
  },
});
