// parse-sse `parseServerSentEvents(response)` behind the adapter protocol: the library pipes the body
// through a default TextDecoderStream and its ServerSentEventTransformStream, which yields
// {type, data, lastEventId, retry} per dispatched event (its last event ID persists across events,
// as EventSource keeps it, but starts at "": it has no way to start from a reset's last event ID).
// The adapter hands it a Response over a stream it feeds. `retry` travels on the event and is
// reported with it. No comments, no id-only blocks. At end of body it dispatches a pending event
// (its flush), which the adapter reports as it comes.
import { parseServerSentEvents } from 'parse-sse';
import { serveIteratedLibrary } from './protocol.mjs';

serveIteratedLibrary(import.meta.url, 'parse-sse', {
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true, initial_last_event_id: false },
  messages: (body) => parseServerSentEvents(body.response()),
  translate(event, stream) {
    stream.lastEventId = event.lastEventId;
    if (event.retry !== undefined) stream.observe({ kind: 'retry', ms: event.retry });
    stream.observe({ kind: 'event', type: event.type, data: event.data, last_event_id: event.lastEventId });
  },
});
