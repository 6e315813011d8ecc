// hono: SSEStreamingApi.writeSSE, the writer behind streamSSE() (hono/streaming). One event per
// stream; the bytes are what streamSSE's Response body would carry. The API takes data (required),
// event, id and retry; it has no comment call (writeSSE only; stream.write() is raw bytes).
import { SSEStreamingApi } from 'hono/streaming';
import { packageVersion, readAll, serveEncoder } from './protocol.mjs';

serveEncoder({
  name: 'hono',
  version: packageVersion('hono'),
  writes: { type: true, id: true, retry: true, comments: false, no_data: false },
  async encode(event) {
    const { readable, writable } = new TransformStream();
    const stream = new SSEStreamingApi(writable, readable);
    const message = { data: event.data };
    if ('type' in event) message.event = event.type;
    if ('id' in event) message.id = event.id;
    if ('retry' in event) message.retry = event.retry;
    const writing = (async () => {
      try {
        await stream.writeSSE(message);
      } finally {
        await stream.close();
      }
    })();
    const [bytes] = await Promise.all([readAll(stream.responseReadable), writing]);
    return bytes;
  },
});
