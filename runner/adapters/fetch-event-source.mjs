// @microsoft/fetch-event-source's stream parser: getLines() and getMessages() from its parse module,
// wired as its fetchEventSource() wires them. The parse module needs no window/document (only the
// fetch module does), so no shim is loaded. Its onId callback sets the Last-Event-ID it would send on
// reconnection; an event's last_event_id is that value. It reports no comments and no id commits.
import { createRequire } from 'node:module';
import { serveSyncParser } from './protocol.mjs';

const require = createRequire(import.meta.url);
const { getLines, getMessages } = require('@microsoft/fetch-event-source/lib/cjs/parse.js');

serveSyncParser(import.meta.url, '@microsoft/fetch-event-source', {
  name: 'fetch-event-source',
  capabilities: { events: true, last_event_id_commits: false, retry: true, comments: false, end: true },
  connect(stream) {
    const onChunk = getLines(
      getMessages(
        (id) => {
          stream.lastEventId = id;  // fetch.ts: headers['last-event-id'] = id, or deleted when empty
        },
        (retry) => stream.observe({ kind: 'retry', ms: retry }),
        (message) => {
          stream.observe({ kind: 'event', type: message.event || 'message', data: message.data, last_event_id: stream.lastEventId });
        },
      ),
    );
    return (bytes) => onChunk(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  },
});
