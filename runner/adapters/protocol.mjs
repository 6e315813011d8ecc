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
    push: (bytes) => {
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
      // A chunk of a bench run is a view of one stream buffer that nothing writes to: no copy needed.
      controller.enqueue(benchmarking ? view : view.slice());
    },
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

/** True while the adapter answers a `bench` request: the runner then checks how many events a stream
 *  produced, not when they arrived, so a fed session need not wait for the library after each chunk. */
let benchmarking = false;

/** How many bytes a fed session pushes in a bench run before it lets the library catch up (bounds the
 *  queue of chunks a library that reads asynchronously has not read yet). */
const benchCatchUpBytes = 64 * 1024;

/** The session of a library fed through a fedStream(): each chunk is pushed as one network read, the
 *  library is given time to process it, and what it reported into `seen` meanwhile is the answer.
 *  `finish()` runs at end of body and resolves to the last event ID string for the `end` observation
 *  (undefined: the library cannot tell, no `end`). In a bench run, chunks are pushed as they come
 *  and the library catches up every benchCatchUpBytes (a network that delivers faster than the
 *  reader reads); end() still waits for everything. */
export function fedSession(body, seen, finish) {
  let queuedBytes = 0;
  return {
    feed(bytes) {
      body.push(bytes);
      if (benchmarking && (queuedBytes += bytes.length) < benchCatchUpBytes) return seen.splice(0);
      queuedBytes = 0;
      return settle().then(() => seen.splice(0));
    },
    async end() {
      const lastEventId = await finish();
      if (lastEventId !== undefined) seen.push({ kind: 'end', last_event_id: lastEventId });
      return seen.splice(0);
    },
  };
}

/** What an adapter keeps of one stream: `observe(observation)` records an observation for the next
 *  answer (`seen` holds them), `lastEventId` is the stream's last event ID as the adapter follows it,
 *  starting from the reset's, or from "" for a library that cannot start from one (capability
 *  `initial_last_event_id: false`). */
function streamState(initialLastEventId, capabilities) {
  const seen = [];
  return {
    seen,
    lastEventId: capabilities.initial_last_event_id === false ? '' : initialLastEventId,
    observe: (observation) => seen.push(observation),
  };
}

/** serve() for the adapter at `adapterUrl` (its import.meta.url) of the installed package
 *  `packageName`: named after the package unless `name` says otherwise, with the version of the
 *  package the adapter really imports. */
export function serveLibrary(adapterUrl, packageName, { name = packageName, ...rest }) {
  serve({ name, version: packageVersion(packageName, adapterUrl), ...rest });
}

/** A parser that processes each chunk before its feed call returns: `connect(stream)` makes one for
 *  a stream (see streamState: it reports with stream.observe and keeps stream.lastEventId, the `end`
 *  observation's) and returns the function that feeds it a chunk's bytes. */
export function serveSyncParser(adapterUrl, packageName, { connect, ...identity }) {
  serveLibrary(adapterUrl, packageName, {
    ...identity,
    start(initialLastEventId) {
      const stream = streamState(initialLastEventId, identity.capabilities);
      const feed = connect(stream);
      return {
        feed(bytes) {
          feed(bytes);
          return stream.seen.splice(0);
        },
        end() {
          stream.observe({ kind: 'end', last_event_id: stream.lastEventId });
          return stream.seen.splice(0);
        },
      };
    },
  });
}

/** A library that reads a fed body itself and yields one message per event block: `messages(body)` is
 *  its async iterable over the fedStream() `body`; `translate(message, stream)` records what a message
 *  shows (see streamState). stream.lastEventId is the `end` observation's unless the capabilities
 *  say `end: false`. */
export function serveIteratedLibrary(adapterUrl, packageName, { messages, translate, ...identity }) {
  serveLibrary(adapterUrl, packageName, {
    ...identity,
    start(initialLastEventId) {
      const stream = streamState(initialLastEventId, identity.capabilities);
      const body = fedStream();
      const iterate = (async () => {
        for await (const message of messages(body)) translate(message, stream);
      })();
      return fedSession(body, stream.seen, async () => {
        body.close();
        await iterate;
        return identity.capabilities.end === false ? undefined : stream.lastEventId;
      });
    },
  });
}

/** Records every event `source` (an EventSource-like object) dispatches that `isMessage(event)`
 *  accepts, as an `event` observation into `seen`: its dispatchEvent is wrapped, so no listener per
 *  event type is needed. */
export function recordDispatchedEvents(source, seen, isMessage = (event) => event instanceof MessageEvent) {
  const dispatch = source.dispatchEvent.bind(source);
  source.dispatchEvent = (event) => {
    if (isMessage(event)) seen.push({ kind: 'event', type: event.type, data: event.data, last_event_id: event.lastEventId });
    return dispatch(event);
  };
}

/** An EventSource-like client that takes a custom `fetch`: its first request is answered with a fed
 *  body, so its own connection code and parser run. `connect(fetch, seen, initialLastEventId)` makes
 *  the client with that fetch and returns it (it reports into `seen`). At end of body the client
 *  schedules a reconnection (captured): with `reconnection(url, init)`, it is run and that function
 *  reads the last event ID its request carries (the `end` observation's; the request is never
 *  answered); without, it is dropped and `lastEventId(client)` is the `end` observation's. */
export function serveFetchedClient(adapterUrl, packageName, { connect, reconnection, lastEventId, ...identity }) {
  serveLibrary(adapterUrl, packageName, {
    ...identity,
    async start(initialLastEventId) {
      const seen = [];
      const body = fedStream();
      let requests = 0;
      let reconnectedFrom;
      const client = connect(
        (url, init) => {
          if (++requests === 1) return Promise.resolve(body.response());
          reconnectedFrom = reconnection(url, init);
          return new Promise(() => {});  // the reconnection is never answered: the adapter closes it
        },
        seen,
        initialLastEventId,
      );
      await settle();
      return fedSession(body, seen, async () => {
        const timeouts = await endBodyCapturingTimers(body);
        if (reconnection === undefined) {
          client.close();
          return lastEventId(client);
        }
        for (const [reconnect] of timeouts) reconnect();
        await settle();
        client.close();
        if (reconnectedFrom === undefined) throw new Error(`${packageName} did not reconnect at end of body`);
        return reconnectedFrom;
      });
    },
  });
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

/** The process's CPU time (user + system) in ms: what a bench run is measured in, so that other load
 *  on the machine does not count. */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** How often (in chunks) a bench run looks at the clock for its time cap. */
const benchClockEvery = 64;

/** Answers a `bench` request (ADAPTERS.md, "Bench mode"): parses the stream in chunks of
 *  `chunk_bytes` through the adapter's own start/feed/end, each pass a fresh stream: first warm-up
 *  passes until `warmup_ms` of CPU time (the JIT compiles the library meanwhile), then measured passes
 *  until they took `min_ms` of CPU time. Stops mid-pass once `max_ms` of wall-clock time have passed
 *  (a parser too slow, or quadratic); the figures are those of the complete measured passes, or,
 *  when none completed, of everything fed. */
async function bench(message, start) {
  const stream = Buffer.from(message.data, 'base64');
  const chunkBytes = message.chunk_bytes;
  const wallStart = performance.now();
  const cpuStart = cpuMs();
  const overCap = () => performance.now() - wallStart > message.max_ms;
  const progress = [];
  let fed = 0;
  let events = 0;
  let iterations = 0;
  let warmupPasses = 0;
  let measuredFrom = { bytes: 0, cpu: cpuStart };
  let measured;  // {bytes, cpu} up to the end of the last complete measured pass
  benchmarking = true;
  try {
    parse: for (;;) {
      const session = await start('');
      let streamEvents = 0;
      const count = (observations) => {
        for (const o of observations) if (o.kind === 'event') ++streamEvents;
      };
      let nextMark = 1024;
      for (let offset = 0, n = 0; offset < stream.length; offset += chunkBytes, ++n) {
        const chunk = stream.subarray(offset, offset + chunkBytes);
        const observed = session.feed(chunk);
        count(observed instanceof Promise ? await observed : observed);
        fed += chunk.length;
        if (iterations === 0 && offset + chunk.length >= nextMark) {
          progress.push([offset + chunk.length, cpuMs() - cpuStart]);
          nextMark *= 2;
        }
        if (n % benchClockEvery === benchClockEvery - 1 && overCap()) break parse;
      }
      count(await session.end());
      events += streamEvents;
      ++iterations;
      const now = cpuMs();
      if (measured === undefined && now - cpuStart < message.warmup_ms) {
        warmupPasses = iterations;
        measuredFrom = { bytes: fed, cpu: now };
        continue;
      }
      measured = { bytes: fed - measuredFrom.bytes, cpu: now - measuredFrom.cpu };
      if (measured.cpu >= message.min_ms || overCap()) break;
    }
  } finally {
    benchmarking = false;
  }
  const figures = measured ?? { bytes: fed, cpu: cpuMs() - cpuStart };
  return {
    type: 'bench_result', bytes: figures.bytes, cpu_ms: figures.cpu, events, iterations, warmup_passes: warmupPasses,
    complete: measured !== undefined, elapsed_ms: performance.now() - wallStart, progress,
  };
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
  write({ type: 'hello', protocol: 1, name, version, capabilities, bench: true });
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
      case 'bench':
        write(await bench(message, start));
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
