// @azure/core-sse `createSseStream(body)`, the parser the Azure SDKs stream completions with, behind
// the adapter protocol. It reads bytes (a ReadableStream the adapter feeds) and yields messages
// {data, event, id, retry}; fields are decoded per line with a default TextDecoder. A message is
// yielded at a blank line only when it had a data field. Its `id` is that block's id field and ""
// when it had none (the two cannot be told apart): an event's last_event_id is the most recent
// non-empty id yielded, starting from the reset's last event ID. `retry` travels on the message, so
// it is reported when the message is (before its event). No comments, no id-only blocks.
// Needs Node >= 22 (its engines field).
import { createSseStream } from '@azure/core-sse';
import { serveIteratedLibrary } from './protocol.mjs';

serveIteratedLibrary(import.meta.url, '@azure/core-sse', {
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  messages: (body) => createSseStream(body.stream),
  translate(message, stream) {
    if (message.id !== '') stream.lastEventId = message.id;
    if (message.retry !== undefined) stream.observe({ kind: 'retry', ms: message.retry });
    stream.observe({ kind: 'event', type: message.event || 'message', data: message.data, last_event_id: stream.lastEventId });
  },
});
