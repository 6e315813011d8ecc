// @microsoft/fetch-event-source's stream parser: getLines() and getMessages() from its parse module,
// wired as its fetchEventSource() wires them. The parse module needs no window/document (only the
// fetch module does), so no shim is loaded. Its onId callback sets the Last-Event-ID it would send on
// reconnection; an event's last_event_id is that value. It reports no comments and no id commits.
import { createRequire } from 'node:module';
import { packageVersion, serve } from './protocol.mjs';

const require = createRequire(import.meta.url);
const { getLines, getMessages } = require('@microsoft/fetch-event-source/lib/cjs/parse.js');

serve({
  name: 'fetch-event-source',
  version: packageVersion('@microsoft/fetch-event-source', import.meta.url),
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  start(initialLastEventId) {
    const seen = [];
    let lastEventId = initialLastEventId;
    const onChunk = getLines(
      getMessages(
        (id) => {
          lastEventId = id;  // fetch.ts: headers['last-event-id'] = id, or deleted when empty
        },
        (retry) => {
          seen.push({ kind: 'retry', ms: retry });
        },
        (message) => {
          seen.push({ kind: 'event', type: message.event || 'message', data: message.data, last_event_id: lastEventId });
        },
      ),
    );
    return {
      feed(bytes) {
        onChunk(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
        return seen.splice(0);
      },
      end() {
        seen.push({ kind: 'end', last_event_id: lastEventId });
        return seen.splice(0);
      },
    };
  },
});
