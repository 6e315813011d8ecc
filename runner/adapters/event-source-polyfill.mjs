// event-source-polyfill (npm, Yaffle's EventSource polyfill) `EventSourcePolyfill` behind the
// adapter protocol, with its own FetchTransport: it reads `fetch` and `setTimeout` from the global
// object once, when it loads, so the adapter loads it with late-bound stand-ins for both. Its fetch
// gets a Response over a stream the adapter feeds; its transport decodes with a default TextDecoder
// (which removes a leading BOM: the parser relies on that) and hands the text to its parser. Every
// MessageEvent it dispatches is recorded (the instance's dispatchEvent is wrapped). Its last event
// ID and reconnection time are private: at end of body it schedules a reconnection (captured, run at
// once) whose URL carries the last event ID as the `lastEventId` query parameter: that is the `end`
// observation's last_event_id. No per-line retry (private, clamped), no comments, no commits, and no
// way to start from a last event ID (initial_last_event_id: false).
import { createRequire } from 'node:module';
import { recordDispatchedEvents, serveFetchedClient } from './protocol.mjs';

let currentFetch;
const { setTimeout: originalSetTimeout, fetch: originalFetch } = globalThis;
globalThis.setTimeout = (...args) => globalThis.setTimeout(...args);  // whatever setTimeout is when called
globalThis.fetch = (...args) => currentFetch(...args);
const { EventSourcePolyfill } = createRequire(import.meta.url)('event-source-polyfill');
Object.assign(globalThis, { setTimeout: originalSetTimeout, fetch: originalFetch });

serveFetchedClient(import.meta.url, 'event-source-polyfill', {
  capabilities: { events: true, last_event_id_commits: false, retry: false, comments: false, end: true, initial_last_event_id: false },
  connect(fetch, seen) {
    currentFetch = fetch;
    const source = new EventSourcePolyfill('http://127.0.0.1/', { heartbeatTimeout: 2 ** 31 - 1 });
    recordDispatchedEvents(source, seen, (event) => event.data !== undefined && event.lastEventId !== undefined);
    source.onerror = () => {};
    return source;
  },
  reconnection: (url) => new URL(url).searchParams.get('lastEventId') ?? '',
});
