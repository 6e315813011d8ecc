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
import { fedStream, packageVersion, serve, settle, fedSession, endBodyCapturingTimers } from './protocol.mjs';

let currentFetch;
const { setTimeout: originalSetTimeout, fetch: originalFetch } = globalThis;
globalThis.setTimeout = (...args) => globalThis.setTimeout(...args);  // whatever setTimeout is when called
globalThis.fetch = (...args) => currentFetch(...args);
const { EventSourcePolyfill } = createRequire(import.meta.url)('event-source-polyfill');
Object.assign(globalThis, { setTimeout: originalSetTimeout, fetch: originalFetch });

serve({
  name: 'event-source-polyfill',
  version: packageVersion('event-source-polyfill', import.meta.url),
  capabilities: { events: true, last_event_id_commits: false, retry: false, comments: false, end: true, initial_last_event_id: false },
  async start() {
    const seen = [];
    const body = fedStream();
    let reconnection;
    let requests = 0;
    currentFetch = (url) => {
      if (++requests === 1) return Promise.resolve(body.response());
      reconnection = new URL(url).searchParams.get('lastEventId') ?? '';
      return new Promise(() => {});  // the reconnection is never answered: the adapter closes it
    };
    const source = new EventSourcePolyfill('http://127.0.0.1/', { heartbeatTimeout: 2 ** 31 - 1 });
    const dispatch = source.dispatchEvent.bind(source);
    source.dispatchEvent = (event) => {
      if (event.data !== undefined && event.lastEventId !== undefined)
        seen.push({ kind: 'event', type: event.type, data: event.data, last_event_id: event.lastEventId });
      return dispatch(event);
    };
    source.onerror = () => {};
    await settle();
    return fedSession(body, seen, async () => {
      const timeouts = await endBodyCapturingTimers(body);
      for (const [callback] of timeouts) callback();
      await settle();
      source.close();
      if (reconnection === undefined) throw new Error('event-source-polyfill did not reconnect at end of body');
      return reconnection;
    });
  },
});
