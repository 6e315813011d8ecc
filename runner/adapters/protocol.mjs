// protocol.mjs: the adapter side of the sse-conformance adapter protocol (see ../ADAPTERS.md).
//
// An adapter module calls serve() with its name, version, capabilities and a start() function.
// start(lastEventId) begins one stream and returns {feed(bytes), end()}; each returns the
// observations made since the previous call, in the fixture format:
//   {kind: "event", type, data, last_event_id} | {kind: "retry", ms} | {kind: "last_event_id", value}
//   {kind: "comment", text} | {kind: "end", last_event_id}
// Everything protocol-related lives here, so each adapter file only translates its library.
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';

/** The version of an installed package (read from its package.json, which `exports` may hide). */
export function packageVersion(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

/** JSON text of a message. A retry value JSON cannot carry exactly (a library that neither clamps
 *  nor validates) is written as the integer literal of its value, and a non-finite or fractional one
 *  as a string, so the runner shows it in a diff instead of rejecting the line (see ADAPTERS.md). */
function encode(message) {
  return JSON.stringify(message, (key, value) => {
    if (key !== 'ms' || typeof value !== 'number') return value;
    if (!Number.isFinite(value) || !Number.isInteger(value)) return String(value);
    return Number.isSafeInteger(value) ? value : `@@INT${BigInt(value)}@@`;
  }).replace(/"@@INT(-?\d+)@@"/g, '$1');
}

export function serve({ name, version, capabilities, start }) {
  const write = (message) => process.stdout.write(encode(message) + '\n');
  write({ type: 'hello', protocol: 1, name, version, capabilities });
  let stream = null;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const message = JSON.parse(line);
    switch (message.type) {
      case 'reset':
        stream = start(message.last_event_id ?? '');
        write({ type: 'ready' });
        break;
      case 'chunk':
        write({ type: 'observed', observations: stream.feed(Buffer.from(message.data, 'base64')) });
        break;
      case 'end':
        write({ type: 'observed', observations: stream.end() });
        stream = null;
        break;
      default:
        throw new Error(`unknown message type: ${line}`);
    }
  });
  lines.on('close', () => process.exit(0));
}
