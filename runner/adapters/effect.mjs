// effect's SSE parser (`Sse.makeParser` from effect/encoding, the parser inside its `Sse.decode`
// channel) behind the adapter protocol. It takes strings: bytes are decoded with a streaming
// TextDecoder that leaves a BOM in place (the parser strips one leading BOM itself). It keeps the
// last event ID itself and puts it on every Event and Retry (`id`, undefined until an id field was
// seen), so an event's last_event_id is that value, or the reset's last event ID while it is
// undefined. A Retry carries the reconnection time at the line that set it. It dispatches at a
// blank line only when the data buffer is not empty, so id-only blocks are not visible (no commits),
// and it reports no comments. It has no end-of-stream call; pending input is dropped.
import { Duration } from 'effect';
import { Sse } from 'effect/encoding';
import { serveSyncParser, utf8Decoder } from './protocol.mjs';

serveSyncParser(import.meta.url, 'effect', {
  name: 'effect (Sse)',
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  connect(stream) {
    const decoder = utf8Decoder();
    const parser = Sse.makeParser((parsed) => {
      const id = parsed._tag === 'Retry' ? parsed.lastEventId : parsed.id;
      if (id !== undefined) stream.lastEventId = id;
      if (parsed._tag === 'Retry') stream.observe({ kind: 'retry', ms: Duration.toMillis(parsed.duration) });
      else stream.observe({ kind: 'event', type: parsed.event, data: parsed.data, last_event_id: stream.lastEventId });
    });
    return (bytes) => {
      const error = parser.feed(decoder.decode(bytes, { stream: true }));
      if (error !== undefined) throw error;
    };
  },
});
