// h3: createEventStream(event) in a real H3 app handler, fetched in memory (app.fetch, no network):
// pushComment() for each comment, then push() with the message; the bytes are the response body.
// The API takes data, event, id, retry and comments. A comment-only event is pushComment() calls
// alone; anything else (an empty event too) is also one push(), which always writes a data line.
import { H3, createEventStream } from 'h3';
import { packageVersion, readAll, serveEncoder } from './protocol.mjs';

serveEncoder({
  name: 'h3',
  version: packageVersion('h3'),
  writes: { type: true, id: true, retry: true, comments: true, no_data: true },
  async encode(event) {
    const app = new H3();
    let failure = null;
    app.get('/', (h3event) => {
      const stream = createEventStream(h3event);
      (async () => {
        try {
          for (const comment of event.comments ?? []) await stream.pushComment(comment);
          const message = {};
          if ('data' in event) message.data = event.data;
          if ('type' in event) message.event = event.type;
          if ('id' in event) message.id = event.id;
          if ('retry' in event) message.retry = event.retry;
          if (Object.keys(message).length > 0 || !event.comments?.length) await stream.push(message);
        } catch (error) {
          failure = error;
        } finally {
          await stream.close();
        }
      })();
      return stream.send();
    });
    const response = await app.fetch(new Request('http://localhost/'));
    const bytes = await readAll(response.body);
    if (failure) throw failure;
    return bytes;
  },
});
