#!/usr/bin/env node
// An sse-conformance adapter skeleton for a JavaScript library (runner/ADAPTERS.md): copy this file
// into your repository and replace the stand-in parser below by your library. Node ≥ 18, no imports
// from this repository. Check it with:
//   sse-conformance run --impl 'node adapter.mjs' --expected-failures sse-baseline.txt
import { createInterface } from 'node:readline';

const capabilities = { events: true, retry: true, end: true }; // what your library can report

// ---- The stand-in for your library: a small parser of the standard's event stream format. --------
function createStandInParser(lastEventId, report) {
  let buffer = '', first = true, afterCR = false, data = '', type = '', id = lastEventId;
  const line = (text) => {
    if (text === '') {
      lastEventId = id;
      if (data !== '') report({ kind: 'event', type: type || 'message', data: data.slice(0, -1), last_event_id: lastEventId });
      data = type = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const name = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data += value + '\n';
    else if (name === 'event') type = value;
    else if (name === 'id' && !value.includes('\0')) id = value;
    else if (name === 'retry' && /^[0-9]+$/.test(value)) report({ kind: 'retry', ms: Number(value) });
  };
  return {
    write(text) {
      buffer += text;
      if (first && buffer.length > 0) {
        if (buffer[0] === '\uFEFF') buffer = buffer.slice(1); // one BOM, at the very start only
        first = false;
      }
      for (let at = buffer.search(/[\r\n]/); at >= 0; at = buffer.search(/[\r\n]/)) {
        const skip = afterCR && at === 0 && buffer[0] === '\n';
        afterCR = buffer[at] === '\r';
        if (!skip) line(buffer.slice(0, at));
        buffer = buffer.slice(at + 1);
      }
    },
    get lastEventId() { return lastEventId; },
  };
}

// ---- The adapter: one stream per reset. -----------------------------------------------------------
function start(lastEventId) {
  const seen = [];
  // Bytes become text as the Encoding standard says, leaving a BOM to the parser (ignoreBOM).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const parser = createStandInParser(lastEventId, (observation) => seen.push(observation));
  return {
    feed(bytes) {
      parser.write(decoder.decode(bytes, { stream: true })); // ◀── YOUR LIBRARY'S FEED GOES HERE
      return seen.splice(0);
    },
    end() {
      parser.write(decoder.decode());
      seen.push({ kind: 'end', last_event_id: parser.lastEventId });
      return seen.splice(0);
    },
  };
}

const write = (message) => process.stdout.write(JSON.stringify(message) + '\n');
write({ type: 'hello', protocol: 1, name: 'my-library', version: '0.0.0', capabilities });
let stream = null;
let queue = Promise.resolve();
const handle = async (message) => {
  if (message.type === 'reset') {
    stream = start(message.last_event_id ?? '');
    write({ type: 'ready' });
  } else if (message.type === 'chunk') {
    write({ type: 'observed', observations: await stream.feed(Buffer.from(message.data, 'base64')) });
  } else if (message.type === 'end') {
    write({ type: 'observed', observations: await stream.end() });
  }
};
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (text) => {
  queue = queue.then(() => handle(JSON.parse(text))).catch((error) => {
    process.stderr.write(`adapter: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
});
lines.on('close', () => queue.then(() => process.exit(0)));
