// fetch-event-stream `events(response)` behind the adapter protocol: it reads a Response body (bytes
// through its own TextDecoderStream and Deno std's TextLineStream with allowCR) and yields one message
// per block {data?, event?, id?, retry?}, for any block that had a data, event, id or retry field.
// The adapter hands it a Response over a stream it feeds. A message is reported as an event of its
// `event` ("message" when absent or empty) with its `data` ("" when the block had none); its `id`, when present, is
// converted by the library to a number when it looks like one, and String() of it becomes the last
// event ID (starting from the reset's). `retry` travels on the message and is reported with it.
// No comments; id-only blocks come out as events, which is what the library yields.
import { events } from 'fetch-event-stream';
import { fedStream, packageVersion, serve, fedSession } from './protocol.mjs';

serve({
  name: 'fetch-event-stream',
  version: packageVersion('fetch-event-stream', import.meta.url),
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  start(initialLastEventId) {
    const seen = [];
    let lastEventId = initialLastEventId;
    const body = fedStream();
    const iterate = (async () => {
      for await (const message of events(body.response())) {
        if (message.id !== undefined) lastEventId = String(message.id);
        if (message.retry !== undefined) seen.push({ kind: 'retry', ms: message.retry });
        seen.push({ kind: 'event', type: message.event || 'message', data: message.data ?? '', last_event_id: lastEventId });
      }
    })();
    return fedSession(body, seen, async () => {
      body.close();
      await iterate;
      return lastEventId;
    });
  },
});
