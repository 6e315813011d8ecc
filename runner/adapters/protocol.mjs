// protocol.mjs: the adapter side of the sse-conformance adapter protocol (see ../ADAPTERS.md).
//
// An adapter module calls serve() with its name, version, capabilities and a start() function.
// start(lastEventId) begins one stream and returns {feed(bytes), end()}; each returns (or resolves
// to) the observations made since the previous call, in the fixture format:
//   {kind: "event", type, data, last_event_id} | {kind: "retry", ms} | {kind: "last_event_id", value}
//   {kind: "comment", text} | {kind: "end", last_event_id}
// start, feed and end may return promises: each answer is written once its promise settles, and
// messages are handled one at a time, in order.
// Everything protocol-related lives here, so each adapter file only translates its library.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The version of the package `name` as the adapter at `adapterUrl` (its import.meta.url) imports
 *  it: resolved with Node's own lookup from the adapter's location, so a copy of this file elsewhere
 *  reports the package its adapter really loads. Reads package.json directly (`exports` may hide it).
 *  An absolute `name` is a package folder (a Debian package under /usr/share/nodejs, say). */
export function packageVersion(name, adapterUrl) {
  const candidates = name.startsWith('/')
    ? [name]
    : (createRequire(adapterUrl).resolve.paths(name) ?? []).map((dir) => join(dir, name));
  for (const dir of candidates) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    } catch (error) {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') throw error;
    }
  }
  throw new Error(`packageVersion: ${name} is not installed where ${adapterUrl} would load it from`);
}

/** The folder of the package `name` as seen from `adapterUrl` (for libraries whose parser is a file
 *  their `exports` do not list). */
export function packageDir(name, adapterUrl) {
  for (const dir of createRequire(adapterUrl).resolve.paths(name) ?? []) {
    const candidate = join(dir, name);
    try {
      readFileSync(join(candidate, 'package.json'));
      return candidate;
    } catch {
      // not in this node_modules folder
    }
  }
  throw new Error(`packageDir: ${name} is not installed where ${adapterUrl} would load it from`);
}

/** A streaming UTF-8 decoder for libraries that take strings. `ignoreBOM: true`: TextDecoder's
 *  default removes a leading BOM before the parser sees it, which would hide whether the parser
 *  handles the BOM itself (the SSE standard's "UTF-8 decode" removes exactly one). */
export function utf8Decoder() {
  return new TextDecoder('utf-8', { ignoreBOM: true });
}

/** Resolves once the work queued by a feed (promise jobs, nextTick callbacks, stream pulls) has run:
 *  setImmediate callbacks run only after the microtask and nextTick queues are empty. A few turns
 *  cover libraries that hop through an I/O-phase callback (Node streams) between reads. */
export async function settle(turns = 3) {
  for (let i = 0; i < turns; ++i) await nextTurn();
}

/** A byte stream the adapter feeds, for libraries that read a `ReadableStream` or a `Response`:
 *  push(bytes) enqueues one chunk exactly as a network read would deliver it, close() ends the body.
 *  After a push, `await settle()` before collecting observations. */
export function fedStream() {
  let controller;
  const stream = new ReadableStream({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    response: () => new Response(stream, { headers: { 'content-type': 'text/event-stream' } }),
    push: (bytes) => controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice()),
    close: () => controller.close(),
  };
}

/** Runs `during` with setTimeout captured instead of scheduled, and resolves to the captured
 *  [callback, delay] pairs: how a client adapter sees the reconnection an EventSource schedules at
 *  end of body (the delay is its reconnection time) without waiting for it. */
export async function captureTimeouts(during) {
  const captured = [];
  const original = globalThis.setTimeout;
  globalThis.setTimeout = (callback, delay, ...args) => {
    captured.push([() => callback(...args), delay]);
    return { unref() {}, ref() {}, hasRef: () => false, [Symbol.toPrimitive]: () => 0 };
  };
  try {
    await during();
  } finally {
    globalThis.setTimeout = original;
  }
  return captured;
}

/** The session of a library fed through a fedStream(): each chunk is pushed as one network read, the
 *  library is given time to process it, and what it reported into `seen` meanwhile is the answer.
 *  `finish()` runs at end of body and resolves to the last event ID string for the `end` observation
 *  (undefined: the library cannot tell, no `end`). */
export function fedSession(body, seen, finish) {
  return {
    async feed(bytes) {
      body.push(bytes);
      await settle();
      return seen.splice(0);
    },
    async end() {
      const lastEventId = await finish();
      if (lastEventId !== undefined) seen.push({ kind: 'end', last_event_id: lastEventId });
      return seen.splice(0);
    },
  };
}

/** Ends a fed body under captureTimeouts(): a client's end-of-body handling runs, and the timers it
 *  schedules (its reconnection) are returned instead of started. */
export async function endBodyCapturingTimers(body) {
  return captureTimeouts(async () => {
    body.close();
    await settle();
  });
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
  const events_without_ids = capabilities.event_ids === false;
  // An implementation without event ids (capability event_ids: false) reports events without
  // last_event_id, whatever the adapter put there.
  const shape = (observations) => {
    if (!events_without_ids) return observations;
    return observations.map((o) => {
      if (o.kind !== 'event') return o;
      const { last_event_id, ...rest } = o;
      return rest;
    });
  };
  write({ type: 'hello', protocol: 1, name, version, capabilities });
  let stream = null;
  const handle = async (line) => {
    const message = JSON.parse(line);
    switch (message.type) {
      case 'reset':
        stream = await start(message.last_event_id ?? '');
        write({ type: 'ready' });
        break;
      case 'chunk':
        write({ type: 'observed', observations: shape(await stream.feed(Buffer.from(message.data, 'base64'))) });
        break;
      case 'end':
        write({ type: 'observed', observations: shape(await stream.end()) });
        stream = null;
        break;
      default:
        throw new Error(`unknown message type: ${line}`);
    }
  };
  let queue = Promise.resolve();
  const fail = (error) => {
    process.stderr.write(`${name} adapter: ${error?.stack ?? error}\n`);
    process.exit(1);
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    queue = queue.then(() => handle(line)).catch(fail);
  });
  lines.on('close', () => {
    queue.then(() => process.exit(0));
  });
}
