// The playground's notation (wasm/page/escape.js): bytesToNotation writes what parseEscapedText reads
// back to the same bytes and chunk boundaries, for every input of the corpus in its pinned chunking and
// for bytes that are not UTF-8, so "open in playground" sends exactly the case's stream.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { bytesToNotation, parseEscapedText } from '../page/escape.js';

const fixtures = process.env.SSE_FIXTURES_DIR || fileURLToPath(new URL('../../fixtures', import.meta.url));

function roundTrip(bytes, splits, what) {
  const text = bytesToNotation(bytes, splits);
  const back = [];
  assert.deepEqual(Buffer.from(parseEscapedText(text, back)).toString('hex'), Buffer.from(bytes).toString('hex'), `${what}: ${text}`);
  assert.deepEqual(back, splits, `${what}: the chunk boundaries of ${text}`);
}

/** A fixture value's bytes: a string (UTF-8) or a list of strings and {hex} parts (fixtures/README.md). */
function bytesOf(value) {
  const parts = typeof value === 'string' ? [value] : value;
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p.hex.replace(/ /g, ''), 'hex'))));
}

/** A case's input bytes and its pinned chunks' ends ("chunks", or the whole "input"). */
function caseInput(c) {
  const chunks = (c.chunks ?? [c.input]).map(bytesOf);
  const splits = [];
  let at = 0;
  for (const chunk of chunks.slice(0, -1)) { at += chunk.length; if (chunk.length && at !== splits[splits.length - 1]) splits.push(at); }
  return { bytes: new Uint8Array(Buffer.concat(chunks)), splits };
}

test('every corpus input survives the notation, whole and cut at every third byte', () => {
  let n = 0;
  for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.json') && !f.includes('schema') && f !== 'rules.json')) {
    for (const c of JSON.parse(readFileSync(join(fixtures, file), 'utf8')).cases ?? []) {
      const { bytes, splits } = caseInput(c);
      roundTrip(bytes, [], c.id);
      if (splits.length) roundTrip(bytes, splits.filter((s) => s < bytes.length), `${c.id} in its pinned chunks`);
      const every3 = [];
      for (let i = 3; i < bytes.length; i += 3) every3.push(i);
      roundTrip(bytes, every3, `${c.id} cut every 3 bytes`);
      n++;
    }
  }
  assert.ok(n > 300, `only ${n} cases read`);
});

test('invalid UTF-8, controls, invisible code points and a code point cut by a boundary', () => {
  roundTrip(new Uint8Array([0xff, 0xc3, 0x28, 0x00, 0x7f, 0x5c, 0x7c]), [2], 'invalid bytes');
  roundTrip(new TextEncoder().encode('\uFEFFdata: \u2028x\u{1F600}\r\n'), [1, 12], 'BOM, U+2028 cut, emoji');
  assert.equal(bytesToNotation(new TextEncoder().encode('a\\|b')), 'a\\\\|b');
});

test('markers that would make an empty chunk are dropped', () => {
  const splits = [];
  assert.deepEqual([...parseEscapedText('\\|ab\\|\\|c\\|', splits)], [0x61, 0x62, 0x63]);
  assert.deepEqual(splits, [2]);
  assert.throws(() => parseEscapedText('a\\|b'), /unknown escape/);  // without splits, \| is no escape
});
