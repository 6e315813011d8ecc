// The SSE decoder of the `openai` package (Stainless-generated; @anthropic-ai/sdk ships a variant of
// the same LineDecoder + SSEDecoder design, which this adapter does not run):
// `_iterSSEMessages(response, controller)` from openai/core/streaming, which Stream.fromSSEResponse
// iterates for every streamed completion. It reads the Response body itself (bytes in: its
// iterSSEChunks splits at blank lines, its LineDecoder splits lines and decodes UTF-8 with a default
// TextDecoder per line, its SSEDecoder builds {event, data}); the adapter hands it a Response over a
// stream it feeds, and collects what the iterator yields. The decoder keeps only `event` and `data`:
// no id (events carry no last event ID, so neither `end` nor commits), no retry, no comments. At end
// of body it flushes a pending event (`flush()`), which the adapter reports as it comes. An empty
// `event` (null without an event line, "" after `event:`) is reported as "message": the SDK's
// consumers test it for truthiness.
// Needs Node >= 22 (its engines field).
import { _iterSSEMessages } from 'openai/core/streaming';
import { serveIteratedLibrary } from './protocol.mjs';

serveIteratedLibrary(import.meta.url, 'openai', {
  capabilities: { events: true, event_ids: false, initial_last_event_id: false, retry: false, comments: false, end: false },
  messages: (body) => _iterSSEMessages(body.response(), new AbortController()),
  translate(message, stream) {
    stream.observe({ kind: 'event', type: message.event || 'message', data: message.data });
  },
});
