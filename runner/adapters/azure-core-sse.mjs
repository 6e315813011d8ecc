// @azure/core-sse `createSseStream(body)`, the parser the Azure SDKs stream completions with, behind
// the adapter protocol. It reads bytes (a ReadableStream the adapter feeds) and yields messages
// {data, event, id, retry}; fields are decoded per line with a default TextDecoder. A message is
// yielded at a blank line only when it had a data field. Its `id` is that block's id field and ""
// when it had none (the two cannot be told apart): an event's last_event_id is the most recent
// non-empty id yielded, starting from the reset's last event ID. `retry` travels on the message, so
// it is reported when the message is (before its event). No comments, no id-only blocks.
// Needs Node >= 22 (its engines field).
import { createSseStream } from '@azure/core-sse';
import { fedStream, packageVersion, serve, fedSession } from './protocol.mjs';

serve({
  name: '@azure/core-sse',
  version: packageVersion('@azure/core-sse', import.meta.url),
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  start(initialLastEventId) {
    const seen = [];
    let lastEventId = initialLastEventId;
    const body = fedStream();
    const iterate = (async () => {
      for await (const message of createSseStream(body.stream)) {
        if (message.id !== '') lastEventId = message.id;
        if (message.retry !== undefined) seen.push({ kind: 'retry', ms: message.retry });
        seen.push({ kind: 'event', type: message.event || 'message', data: message.data, last_event_id: lastEventId });
      }
    })();
    return fedSession(body, seen, async () => {
      body.close();
      await iterate;
      return lastEventId;
    });
  },
});
