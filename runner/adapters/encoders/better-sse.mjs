// better-sse: EventBuffer, the writer under Session.push() and Channel.broadcast(), field by field:
// comment() for each comment, event(), id(), retry(), data(), then dispatch(). Its default data
// serializer is JSON.stringify (data is written as JSON text); the adapter passes the string through
// unchanged (`serializer: (data) => data`, the library's documented option for raw strings), so the
// written data can be compared with the string that was given. Its sanitizer is the default one.
import { createEventBuffer } from 'better-sse';
import { packageVersion, serveEncoder } from './protocol.mjs';

serveEncoder({
  name: 'better-sse',
  version: packageVersion('better-sse'),
  writes: { type: true, id: true, retry: true, comments: true, no_data: true },
  encode(event) {
    const buffer = createEventBuffer({ serializer: (data) => data });
    for (const comment of event.comments ?? []) buffer.comment(comment);
    if ('type' in event) buffer.event(event.type);
    if ('id' in event) buffer.id(event.id);
    if ('retry' in event) buffer.retry(event.retry);
    if ('data' in event) buffer.data(event.data);
    buffer.dispatch();
    return buffer.read();
  },
});
