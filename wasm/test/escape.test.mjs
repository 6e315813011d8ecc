// The page's own escaper (wasm/page/escape.js, used before the WASM package has loaded or without
// it) writes exactly what conformance::escape_bytes writes (the package's escapeBytes, compiled from
// the C++): for every Unicode scalar value, every byte that cannot start a sequence, cut-off and
// ill-formed sequences, and every input of the corpus. So a person sees the same escapes everywhere.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { escapeBytes } from '../index.js';
import { escapeBytesRuns, escapeString, splitEscapes } from '../page/escape.js';

const fixtures = process.env.SSE_FIXTURES_DIR || fileURLToPath(new URL('../../fixtures', import.meta.url));
const utf8 = new TextEncoder();

/** The page's text for bytes: its runs joined, without the line break it adds after an escaped LF. */
function pageText(bytes) {
  const runs = escapeBytesRuns(bytes);
  let out = '';
  for (let i = 0; i < runs.length; i++) {
    if (!runs[i][1] && runs[i][0] === '\n' && i > 0 && runs[i - 1][0] === '\\n') continue;
    out += runs[i][0];
  }
  return out;
}

function sameAsCpp(bytes, what) {
  assert.equal(pageText(bytes), escapeBytes(bytes), `${what}: bytes ${Buffer.from(bytes).toString('hex')}`);
}

test('every Unicode scalar value is escaped as the C++ escaper does', () => {
  // In blocks of 512 code points, so a difference is found fast and then reported code point by code point.
  for (let start = 0; start <= 0x10ffff; start += 512) {
    let s = '';
    for (let cp = start; cp < start + 512 && cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      s += String.fromCodePoint(cp);
    }
    const bytes = utf8.encode(s);
    if (pageText(bytes) !== escapeBytes(bytes)) {
      for (const ch of s) sameAsCpp(utf8.encode(ch), `U+${ch.codePointAt(0).toString(16).toUpperCase()}`);
    }
    // A JS string (as an EventSource delivers it) goes through the same rules.
    assert.equal(escapeString(s), escapeBytes(bytes), `escapeString, block at U+${start.toString(16)}`);
  }
});

test('invalid, cut-off and ill-formed UTF-8 is escaped as the C++ escaper does', () => {
  for (let b = 0x80; b <= 0xff; b++) sameAsCpp(Uint8Array.of(b), 'a lone byte');
  for (let lead = 0xc0; lead <= 0xff; lead++) {
    for (const next of [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff]) {
      sameAsCpp(Uint8Array.of(lead, next), 'two bytes');
      sameAsCpp(Uint8Array.of(lead, next, 0x80), 'three bytes');
      sameAsCpp(Uint8Array.of(lead, next, 0x80, 0x80), 'four bytes');
    }
  }
  sameAsCpp(Uint8Array.of(0xed, 0xa0, 0x80), 'a surrogate encoded in UTF-8');
  sameAsCpp(Uint8Array.of(0xf4, 0x90, 0x80, 0x80), 'above U+10FFFF');
  sameAsCpp(Uint8Array.of(0xe2, 0x82), 'cut off at the end');
});

function bytesOf(value) {
  if (typeof value === 'string') return utf8.encode(value);
  const parts = value.map((p) => (typeof p === 'string' ? utf8.encode(p)
    : Uint8Array.from(p.hex.replace(/ /g, '').match(/../g) ?? [], (h) => parseInt(h, 16))));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

test('every corpus input and every expected string is escaped as the C++ escaper does', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.json') && f !== 'rules.json' && !f.endsWith('schema.json'));
  let inputs = 0;
  for (const file of files) {
    for (const c of JSON.parse(readFileSync(join(fixtures, file), 'utf8')).cases) {
      for (const chunk of c.chunks ?? [c.input]) { sameAsCpp(bytesOf(chunk), c.id); inputs++; }
      for (const o of c.expected) {
        for (const key of ['type', 'data', 'last_event_id', 'value', 'text']) {
          if (typeof o[key] === 'string') assert.equal(escapeString(o[key]), escapeBytes(utf8.encode(o[key])), c.id);
        }
      }
    }
  }
  assert.ok(inputs > 300, `only ${inputs} inputs found in ${fixtures}`);
});

test('escapes are coloured exactly, never with the hex letters after them', () => {
  assert.deepEqual(splitEscapes('\\uFEFFdata\\u2028BEEF\\U0001BCA0A'),
    [['\\uFEFF', true], ['data', false], ['\\u2028', true], ['BEEF', false], ['\\U0001BCA0', true], ['A', false]]);
  assert.deepEqual(splitEscapes('\\xFFEE\\\\x'), [['\\xFF', true], ['EE', false], ['\\\\', true], ['x', false]]);
});
