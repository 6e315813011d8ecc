// effect: Sse.encoder (effect/encoding), the writer under Sse.encode(). An Event value has a type
// (required; "message" when the case has none, as Sse.transformEvent does), an optional id and string
// data (required); a retry is its own value, Sse.Retry, written before the event as the encode()
// channel writes an upstream Retry. No comments.
import { Duration } from 'effect';
import { Sse } from 'effect/encoding';
import { packageVersion, serveEncoder } from './protocol.mjs';

serveEncoder({
  name: 'effect',
  version: packageVersion('effect'),
  writes: { type: true, id: true, retry: true, comments: false, no_data: false },
  encode(event) {
    let out = '';
    if ('retry' in event)
      out += Sse.encoder.write(new Sse.Retry({ duration: Duration.millis(event.retry), lastEventId: undefined }));
    out += Sse.encoder.write({ _tag: 'Event', id: event.id, event: event.type ?? 'message', data: event.data });
    return out;
  },
});
