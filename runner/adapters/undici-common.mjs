// The parser behind undici's EventSource, lib/web/eventsource/eventsource-stream.js, driven directly
// (shared by undici.mjs for 8.x and undici-7.mjs for 7.x; only the package differs). EventSource
// gives every connection's EventSourceStream the same settings object and reads lastEventId and
// reconnectionTime from it; this adapter observes that object's writes: a write of a different
// lastEventId is a last_event_id commit, every reconnectionTime write is a retry. Events are what
// the stream pushes (type, data, lastEventId). Comments are dropped by undici.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageDir, serveSyncParser } from './protocol.mjs';

export function serveUndici({ packageName, adapterUrl }) {
  const require = createRequire(adapterUrl);
  const { EventSourceStream } = require(join(packageDir(packageName, adapterUrl), 'lib/web/eventsource/eventsource-stream.js'));
  serveSyncParser(adapterUrl, packageName, {
    name: 'undici',
    capabilities: { events: true, last_event_id_commits: true, retry: true, comments: false, end: true },
    connect(stream) {
      let reconnectionTime;
      const settings = { origin: 'http://127.0.0.1' };
      Object.defineProperty(settings, 'lastEventId', {
        enumerable: true,
        get: () => stream.lastEventId,
        set: (value) => {
          if (value !== stream.lastEventId) stream.observe({ kind: 'last_event_id', value });
          stream.lastEventId = value;
        },
      });
      Object.defineProperty(settings, 'reconnectionTime', {
        enumerable: true,
        get: () => reconnectionTime,
        set: (value) => {
          reconnectionTime = value;
          stream.observe({ kind: 'retry', ms: value });
        },
      });
      const parser = new EventSourceStream({
        eventSourceSettings: settings,
        push(event) {
          stream.observe({ kind: 'event', type: event.type, data: event.options.data, last_event_id: event.options.lastEventId });
          return true;
        },
      });
      return (bytes) =>
        parser._transform(bytes, 'buffer', (error) => {
          if (error) throw error;
        });
    },
  });
}
