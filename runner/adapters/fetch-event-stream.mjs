// fetch-event-stream `events(response)` behind the adapter protocol: it reads a Response body (bytes
// through its own TextDecoderStream and Deno std's TextLineStream with allowCR) and yields one message
// per block {data?, event?, id?, retry?}, for any block that had a data, event, id or retry field.
// The adapter hands it a Response over a stream it feeds. A message is reported as an event of its
// `event` ("message" when absent or empty) with its `data` ("" when the block had none); its `id`, when present, is
// converted by the library to a number when it looks like one, and String() of it becomes the last
// event ID (starting from the reset's). `retry` travels on the message and is reported with it.
// No comments; id-only blocks come out as events, which is what the library yields.
import { events } from 'fetch-event-stream';
import { serveIteratedLibrary } from './protocol.mjs';

serveIteratedLibrary(import.meta.url, 'fetch-event-stream', {
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  messages: (body) => events(body.response()),
  translate(message, stream) {
    if (message.id !== undefined) stream.lastEventId = String(message.id);
    if (message.retry !== undefined) stream.observe({ kind: 'retry', ms: message.retry });
    stream.observe({ kind: 'event', type: message.event || 'message', data: message.data ?? '', last_event_id: stream.lastEventId });
  },
});
