// The WASM package and the native reference give byte-identical observation logs on every case of the
// corpus under every chunking plan, chunk by chunk (so dispatch latency is identical too).
//
// The native side is tools/sse-native-logs (built natively by the wasm preset): it loads the corpus
// with the conformance library, cuts every case with make_chunkings(), and prints per chunking the
// log_to_json() of what each feed() and finish() reported. This test feeds the same chunks to the
// JS package (Uint8Array chunks through Parser.feed) and compares its logToJson() text byte for byte.
//
// Environment: SSE_NATIVE_LOGS (the tool; default: ../build/wasm/wasm/native-tools/sse-native-logs)
// and SSE_FIXTURES_DIR (default: ../fixtures). ctest sets both.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Parser, compareLogs, logToJson } from '../index.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const tool = process.env.SSE_NATIVE_LOGS || here('../../build/wasm/wasm/native-tools/sse-native-logs');
const fixtures = process.env.SSE_FIXTURES_DIR || here('../../fixtures');
const MAX_REPORTED = 5;

function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** The logs of the JS package for one case under one chunking, as the native tool prints them. */
function wasmLogs(body, initialLastEventId, splits) {
  const parser = new Parser({ lastEventId: initialLastEventId });
  try {
    const logs = [];
    const cuts = [0, ...splits, body.length];
    for (let k = 0; k + 1 < cuts.length; ++k) {
      // A copy of exactly the chunk's bytes, as the native side feeds exact-size buffers.
      logs.push(parser.feed(body.slice(cuts[k], cuts[k + 1])));
    }
    logs.push(parser.finish());
    return logs;
  } finally {
    parser.dispose();
  }
}

test('WASM and native builds give identical JSON observation logs, every case, every chunking', {
  skip: existsSync(tool) ? false : `the native tool ${tool} is not built (cmake --build --preset wasm builds it)`,
}, async () => {
  const child = spawn(tool, [fixtures], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', resolve));

  const cases = new Set();
  let chunkings = 0;
  let chunks = 0;
  const mismatches = [];
  let differing = 0;
  let current = null; // {id, body, initialLastEventId}
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    const fields = line.split('\t');
    if (fields[0] === 'C') {
      current = { id: fields[1], body: fromHex(fields[2]), initialLastEventId: new TextDecoder().decode(fromHex(fields[3])) };
      cases.add(current.id);
      continue;
    }
    assert.equal(fields[0], 'K', `unexpected line from ${tool}: ${line.slice(0, 80)}`);
    assert.ok(current, 'a chunking line before any case line');
    const [, name, splitText, nativeText] = fields;
    const splits = splitText === '' ? [] : splitText.split(',').map(Number);
    const logs = wasmLogs(current.body, current.initialLastEventId, splits);
    const wasmText = `[${logs.map((log) => logToJson(log)).join(',')}]`;
    ++chunkings;
    chunks += logs.length - 1;
    if (wasmText !== nativeText && ++differing <= MAX_REPORTED) {
      const nativeLog = JSON.parse(nativeText).flat();
      mismatches.push(`${current.id} under ${name}:\n` +
        `  native: ${nativeText.slice(0, 300)}\n  wasm:   ${wasmText.slice(0, 300)}\n` +
        `  whole logs (- native, + wasm):\n${compareLogs(nativeLog, logs.flat()).diff}`);
    }
  }
  const code = await exited;
  assert.equal(code, 0, `${tool} failed (exit ${code}):\n${stderr}`);
  assert.ok(cases.size > 0 && chunkings > 0, `${tool} printed no cases:\n${stderr}`);
  assert.equal(differing, 0, `${differing} of ${chunkings} chunkings differ; the first ones:\n${mismatches.join('\n')}`);
  console.log(`# identical logs: ${cases.size} cases, ${chunkings} chunkings, ${chunks} chunks (${stderr.trim()})`);
});
