// escape.js: bytes and strings made visible, the way the project shows them everywhere
// (conformance::escape_bytes): \r \n \t \0 \\ \" as such; other C0 controls and DEL as \xHH; invalid
// UTF-8 bytes as \xHH; invisible or non-printing code points as \uHHHH (\UHHHHHHHH above U+FFFF);
// everything else as is.
// The page uses the WASM package's escape_bytes when it is loaded (see reference.js), and these
// functions only before that or without it; wasm/test/escape.test.mjs holds the two to the same output.

let packageEscape = null;
/** Uses the WASM package's escapeBytes (conformance::escape_bytes itself) from now on. */
export function useEscaper(fn) { packageEscape = fn; }

/**
 * Code points shown as escapes: the same set as conformance::escape_bytes's is_invisible() (C++),
 * which wasm/test/escape.test.mjs checks for every code point and every corpus input.
 */
function invisible(c) {
  return (c >= 0x80 && c <= 0xa0) || c === 0xad || c === 0x34f || c === 0x61c ||
    (c >= 0x115f && c <= 0x1160) || (c >= 0x17b4 && c <= 0x17b5) || (c >= 0x180b && c <= 0x180f) ||
    (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) || (c >= 0x205f && c <= 0x206f) ||
    c === 0x3000 || c === 0x3164 || c === 0xffa0 || (c >= 0xd800 && c <= 0xf8ff) ||
    (c >= 0xfdd0 && c <= 0xfdef) || (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff ||
    (c >= 0xfff0 && c <= 0xffff) || (c & 0xfffe) === 0xfffe || (c >= 0x1bca0 && c <= 0x1bca3) ||
    (c >= 0x1d173 && c <= 0x1d17a) || (c >= 0xe0000 && c <= 0xe0fff) || c >= 0xf0000;
}

function hex2(n) { return n.toString(16).toUpperCase().padStart(2, '0'); }

function escapeCodePoint(cp) {
  switch (cp) {
    case 0x0d: return '\\r';
    case 0x0a: return '\\n';
    case 0x09: return '\\t';
    case 0x00: return '\\0';
    case 0x5c: return '\\\\';
    case 0x22: return '\\"';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex2(cp);
  if (invisible(cp)) {
    return cp > 0xffff ? '\\U' + cp.toString(16).toUpperCase().padStart(8, '0')
      : '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
  }
  return null;
}

/** A JS string (as an EventSource gives it) escaped for people. */
export function escapeString(s) {
  if (packageEscape) return packageEscape(s);
  let out = '';
  for (const ch of s) {
    const e = escapeCodePoint(ch.codePointAt(0));
    out += e === null ? ch : e;
  }
  return out;
}

/**
 * The well-formed UTF-8 sequence at bytes[i]: [codePoint, length], or null when the byte there starts
 * none (the Encoding standard's UTF-8 decoder boundaries, as sse/utf8.hpp).
 */
function decodeAt(bytes, i) {
  const b = bytes[i];
  if (b < 0x80) return [b, 1];
  let n, cp, lower = 0x80, upper = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) { n = 2; cp = b & 0x1f; }
  else if (b >= 0xe0 && b <= 0xef) { n = 3; cp = b & 0x0f; if (b === 0xe0) lower = 0xa0; if (b === 0xed) upper = 0x9f; }
  else if (b >= 0xf0 && b <= 0xf4) { n = 4; cp = b & 0x07; if (b === 0xf0) lower = 0x90; if (b === 0xf4) upper = 0x8f; }
  else return null;
  if (i + n > bytes.length) return null;
  for (let k = 1; k < n; k++) {
    const c = bytes[i + k];
    if (c < lower || c > upper) return null;
    lower = 0x80; upper = 0xbf;
    cp = (cp << 6) | (c & 0x3f);
  }
  return [cp, n];
}

/**
 * Escaped text (as escape_bytes writes it) as [text, isEscape] runs: each escape is exactly one of
 * \r \n \t \0 \\ \" \xHH \uHHHH \UHHHHHHHH, so the hex letters after an escape stay plain text.
 */
export function splitEscapes(text) {
  const runs = [];
  const re = /\\(x[0-9A-F]{2}|u[0-9A-F]{4}|U[0-9A-F]{8}|[rnt0\\"])/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) runs.push([text.slice(last, m.index), false]);
    runs.push([m[0], true]);
    last = m.index + m[0].length;
  }
  if (last < text.length) runs.push([text.slice(last), false]);
  return runs;
}

/** Bytes escaped for people, as a list of [text, isEscape] runs (so the page can colour escapes). */
export function escapeBytesRuns(bytes) {
  if (packageEscape) {
    // The package's text split into plain runs and escapes; an escaped LF also breaks the line.
    return splitEscapes(packageEscape(bytes)).flatMap((r) => (r[0] === '\\n' && r[1] ? [r, ['\n', false]] : [r]));
  }
  const runs = [];
  let plain = '';
  for (let i = 0; i < bytes.length;) {
    const d = decodeAt(bytes, i);
    let e;
    if (d === null) { e = '\\x' + hex2(bytes[i]); i += 1; }
    else {
      e = escapeCodePoint(d[0]);
      if (e === null) plain += String.fromCodePoint(d[0]);
      i += d[1];
    }
    if (e !== null && e !== undefined) {
      if (plain) { runs.push([plain, false]); plain = ''; }
      runs.push([e, true]);
      if (e === '\\n') runs.push(['\n', false]);  // keep the shape of the stream
    }
  }
  if (plain) runs.push([plain, false]);
  return runs;
}

/**
 * Parses the playground's notation into bytes: \r \n \t \0 \\ \xHH (one byte) \uHHHH and \u{H..}
 * (a code point, as UTF-8); a real line break is LF; everything else is its UTF-8. When `splits` is
 * an array, \| marks a chunk boundary: the byte offset where it stands is pushed to `splits` (a
 * marker that would make an empty chunk, at the start, the end or after another, is dropped).
 * Throws Error with the position of a bad escape.
 */
export function parseEscapedText(text, splits = null) {
  const out = [];
  const utf8 = new TextEncoder();
  const pushCp = (cp, at) => {
    if (cp >= 0xd800 && cp <= 0xdfff) throw new Error(`\\u${cp.toString(16)} at ${at} is a lone surrogate: it has no UTF-8`);
    out.push(...utf8.encode(String.fromCodePoint(cp)));
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\\') {
      const cp = text.codePointAt(i);
      if (cp > 0xffff) i++;
      out.push(...utf8.encode(String.fromCodePoint(cp)));
      continue;
    }
    const next = text[i + 1];
    const simple = { r: 0x0d, n: 0x0a, t: 0x09, '0': 0x00, '\\': 0x5c };
    if (next in simple) { out.push(simple[next]); i++; continue; }
    if (next === '|' && splits) {
      if (out.length > 0 && out.length !== splits[splits.length - 1]) splits.push(out.length);
      i++;
      continue;
    }
    if (next === 'x') {
      const h = text.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new Error(`\\x at ${i} needs two hex digits`);
      out.push(parseInt(h, 16)); i += 3; continue;
    }
    if (next === 'u') {
      let m = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i + 2));
      if (m) { pushCp(parseInt(m[1], 16), i); i += 1 + m[0].length; continue; }
      m = /^[0-9a-fA-F]{4}/.exec(text.slice(i + 2));
      if (m) { pushCp(parseInt(m[0], 16), i); i += 5; continue; }
      throw new Error(`\\u at ${i} needs four hex digits or {…}`);
    }
    throw new Error(`unknown escape \\${next ?? ''} at ${i} (use \\\\ for a backslash)`);
  }
  if (splits && splits[splits.length - 1] === out.length) splits.pop();
  return new Uint8Array(out);
}

/**
 * Bytes (and chunk boundaries) in the playground's notation, so that parseEscapedText(result, s)
 * gives back the same bytes and splits: printable ASCII and visible UTF-8 as they are, \r \n \t \0 \\,
 * invisible code points as \u{H..}, other bytes (controls, invalid UTF-8) as \xHH, and \| at each split.
 */
export function bytesToNotation(bytes, splits = []) {
  const cuts = new Set(splits);
  const named = { 0x0d: '\\r', 0x0a: '\\n', 0x09: '\\t', 0x00: '\\0', 0x5c: '\\\\' };
  let out = '';
  for (let i = 0; i < bytes.length;) {
    if (cuts.has(i) && i > 0) out += '\\|';
    const d = decodeAt(bytes, i);
    if (d === null) { out += '\\x' + hex2(bytes[i]); i += 1; continue; }
    const cp = d[0];
    // A code point cut by a chunk boundary is written byte by byte, so the cut can stand between them.
    let straddles = false;
    for (let k = 1; k < d[1]; k++) straddles ||= cuts.has(i + k);
    if (straddles) { for (let k = 0; k < d[1]; k++) out += (k && cuts.has(i + k) ? '\\|' : '') + '\\x' + hex2(bytes[i + k]); }
    else if (named[cp] !== undefined) out += named[cp];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex2(cp);
    else if (invisible(cp)) out += `\\u{${cp.toString(16).toUpperCase()}}`;
    else out += String.fromCodePoint(cp);
    i += d[1];
  }
  return out;
}

export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
