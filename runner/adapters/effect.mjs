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
import { packageVersion, serve, utf8Decoder } from './protocol.mjs';

serve({
  name: 'effect (Sse)',
  version: packageVersion('effect', import.meta.url),
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  start(initialLastEventId) {
    const seen = [];
    let lastEventId = initialLastEventId;
    const decoder = utf8Decoder();
    const parser = Sse.makeParser((parsed) => {
      const id = parsed._tag === 'Retry' ? parsed.lastEventId : parsed.id;
      if (id !== undefined) lastEventId = id;
      if (parsed._tag === 'Retry') seen.push({ kind: 'retry', ms: Duration.toMillis(parsed.duration) });
      else seen.push({ kind: 'event', type: parsed.event, data: parsed.data, last_event_id: lastEventId });
    });
    return {
      feed(bytes) {
        const error = parser.feed(decoder.decode(bytes, { stream: true }));
        if (error !== undefined) throw error;
        return seen.splice(0);
      },
      end() {
        seen.push({ kind: 'end', last_event_id: lastEventId });
        return seen.splice(0);
      },
    };
  },
});
