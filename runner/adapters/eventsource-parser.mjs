// eventsource-parser (npm) behind the adapter protocol.
// The parser takes strings, so bytes are decoded the way its companion `eventsource` package does:
// a streaming TextDecoder (UTF-8, invalid bytes to U+FFFD). The parser reports an event's `id` field
// only when its block had one; lastEventId is the most recent id reported, as EventSource keeps it.
// It does not surface id-only blocks, so it cannot report last_event_id commits. Its onComment hook
// removes one leading space, a convention of its own: the standard says nothing about comment text,
// so the adapter does not claim the corpus's `comment` observation (raw text after the colon).
import { createParser } from 'eventsource-parser';
import { packageVersion, serve } from './protocol.mjs';

serve({
  name: 'eventsource-parser',
  version: packageVersion('eventsource-parser'),
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  start(initialLastEventId) {
    const seen = [];
    let lastEventId = initialLastEventId;
    const decoder = new TextDecoder('utf-8');
    const parser = createParser({
      onEvent(event) {
        if (event.id !== undefined) lastEventId = event.id;
        seen.push({ kind: 'event', type: event.event ?? 'message', data: event.data, last_event_id: lastEventId });
      },
      onRetry(ms) {
        seen.push({ kind: 'retry', ms });
      },
    });
    return {
      feed(bytes) {
        const text = decoder.decode(bytes, { stream: true });
        if (text !== '') parser.feed(text);
        return seen.splice(0);
      },
      end() {
        // The stream ended: the parser has no end-of-stream call; pending input is dropped.
        seen.push({ kind: 'end', last_event_id: lastEventId });
        return seen.splice(0);
      },
    };
  },
});
