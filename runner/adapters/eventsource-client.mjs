// eventsource-client (npm) `createEventSource` behind the adapter protocol. It takes a custom
// `fetch`: the adapter's returns a Response over a stream the adapter feeds, so the library's own
// connection code runs (a default TextDecoder, then its bundled eventsource-parser 3.x). It starts
// from the reset's last event ID (`initialLastEventId`). Every message its onMessage receives is an
// event, with the client's public `lastEventId` (updated before onMessage) as its last event ID;
// `end` reports that getter. Its reconnection time is only visible as the delay of the reconnection
// it schedules at end of body (onScheduleReconnect), not per retry line, so no `retry`. onComment
// hands over the comment with one leading space removed (its parser's convention): not claimed.
import { createEventSource } from 'eventsource-client';
import { serveFetchedClient } from './protocol.mjs';

serveFetchedClient(import.meta.url, 'eventsource-client', {
  capabilities: { events: true, last_event_id_commits: false, retry: false, comments: false, end: true },
  connect(fetch, seen, initialLastEventId) {
    const source = createEventSource({
      url: 'http://127.0.0.1/',
      initialLastEventId: initialLastEventId === '' ? undefined : initialLastEventId,
      fetch,
      onMessage(message) {
        seen.push({ kind: 'event', type: message.event ?? 'message', data: message.data, last_event_id: source.lastEventId ?? '' });
      },
    });
    return source;
  },
  lastEventId: (source) => source.lastEventId ?? '',
});
