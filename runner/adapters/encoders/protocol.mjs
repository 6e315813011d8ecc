// protocol.mjs: the adapter side of the encode mode of the adapter protocol (see ../../ADAPTERS.md,
// "Encode mode"). An adapter calls serveEncoder() with its name, version, `writes` (which event
// members its library's API takes) and encode(event), which returns what the library wrote (a string
// or bytes, or a promise of either) or throws the library's refusal. Everything protocol-related
// lives here, so each adapter file only translates its library.
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';

/** The version of an installed package (read from its package.json, which `exports` may hide). */
export function packageVersion(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

/** A case's string member as a JavaScript string: a JSON string, or {"utf16": [code units]}, which
 *  may hold lone surrogates (a JavaScript string can, a JSON string cannot). */
function jsString(value) {
  return typeof value === 'string' ? value : String.fromCharCode(...value.utf16);
}

/** The event as a JavaScript object: absent members stay absent. */
export function toEvent(raw) {
  const event = {};
  for (const key of ['type', 'data', 'id']) if (key in raw) event[key] = jsString(raw[key]);
  if ('retry' in raw) event.retry = raw.retry;
  if ('comments' in raw) event.comments = raw.comments.map(jsString);
  return event;
}

/** Bytes of what a library wrote: strings are encoded as a server sends them (TextEncoder, which
 *  writes a lone surrogate as U+FFFD, like every Response body and Node stream). */
function toBytes(written) {
  if (typeof written === 'string') return Buffer.from(new TextEncoder().encode(written));
  if (written instanceof Uint8Array) return Buffer.from(written.buffer, written.byteOffset, written.byteLength);
  throw new TypeError(`the adapter's encode() returned ${typeof written}, not a string or bytes`);
}

/** Reads a whole ReadableStream of bytes (a Response body, a TransformStream's readable side). */
export async function readAll(readable) {
  const parts = [];
  for await (const part of readable) parts.push(typeof part === 'string' ? Buffer.from(part) : Buffer.from(part));
  return Buffer.concat(parts);
}

export function serveEncoder({ name, version, writes, encode }) {
  const write = (message) => process.stdout.write(JSON.stringify(message) + '\n');
  write({ type: 'hello', protocol: 1, mode: 'encode', name, version, capabilities: {}, writes });
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      const message = JSON.parse(line);
      if (message.type !== 'encode') throw new Error(`unknown message type: ${line}`);
      let written;
      try {
        written = await encode(toEvent(message.event));
      } catch (error) {
        write({ type: 'refused', message: String(error?.message ?? error) });
        return;
      }
      write({ type: 'encoded', data: toBytes(written).toString('base64') });
    });
  });
  lines.on('close', () => queue.then(() => process.exit(0)));
}
