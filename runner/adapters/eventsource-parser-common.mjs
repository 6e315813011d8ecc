// The eventsource-parser adapters (4.x in eventsource-parser.mjs, 3.x in eventsource-parser-3.mjs)
// share this translation; only the package differs.
// The parser takes strings: bytes are decoded with a streaming TextDecoder that leaves a BOM in
// place (the parser documents that it strips one leading BOM itself). The parser reports an event's
// `id` field only when its block had one; lastEventId is the most recent id dispatched, as
// EventSource keeps it, starting from the reset's last event ID. 4.x calls onId(id) at every blank
// line whose block had an id field, events or not: an onId that changes lastEventId is a
// last_event_id commit. 3.x has no onId, so it cannot show id-only blocks. onComment removes one
// leading space, a convention of its own, so the corpus's `comment` observation is not claimed.
import { packageVersion, serveSyncParser, utf8Decoder } from './protocol.mjs';

export function serveEventsourceParser({ packageName, createParser, adapterUrl }) {
  const hasOnId = !packageVersion(packageName, adapterUrl).startsWith('3.');
  // The stream ends without a parser call: pending input is dropped (reset() without `consume`, as
  // the standard discards an incomplete event); an incomplete UTF-8 sequence would only end a line.
  serveSyncParser(adapterUrl, packageName, {
    name: 'eventsource-parser',
    capabilities: { events: true, last_event_id_commits: hasOnId, retry: true, comments: false, end: true },
    connect(stream) {
      const commit = (id) => {
        if (id !== stream.lastEventId) stream.observe({ kind: 'last_event_id', value: id });
        stream.lastEventId = id;
      };
      const decoder = utf8Decoder();
      const parser = createParser({
        onId: hasOnId ? commit : undefined,
        onEvent(event) {
          if (!hasOnId && event.id !== undefined) stream.lastEventId = event.id;
          stream.observe({ kind: 'event', type: event.event ?? 'message', data: event.data, last_event_id: stream.lastEventId });
        },
        onRetry(ms) {
          stream.observe({ kind: 'retry', ms });
        },
      });
      return (bytes) => {
        const text = decoder.decode(bytes, { stream: true });
        if (text !== '') parser.feed(text);
      };
    },
  });
}
