// escape.js: bytes and strings made visible, the way the project shows them everywhere
// (conformance::escape_bytes): \r \n \t \0 \\ \" as such; other C0 controls and DEL as \xHH; invalid
// UTF-8 bytes as \xHH; invisible or non-printing code points as \uHHHH; everything else as is.
// The page uses the WASM package's escape_bytes when it is loaded (see reference.js), and these
// functions only before that or without it.

let packageEscape = null;
/** Uses the WASM package's escapeBytes (conformance::escape_bytes itself) from now on. */
export function useEscaper(fn) { packageEscape = fn; }

const INVISIBLE = new Set([0x85, 0xa0, 0xad, 0x034f, 0x061c, 0x115f, 0x1160, 0x180e, 0xfeff, 0xfffd, 0xfffc]);

function invisible(cp) {
  return (cp >= 0x80 && cp <= 0x9f) || INVISIBLE.has(cp) || (cp >= 0x2000 && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x205f && cp <= 0x206f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfff0 && cp <= 0xfffb) || (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xd800 && cp <= 0xdfff);
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
  if (invisible(cp)) return '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
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

/** Decodes one UTF-8 sequence at bytes[i]: [codePoint, length] or null when it is invalid. */
function decodeAt(bytes, i) {
  const b = bytes[i];
  if (b < 0x80) return [b, 1];
  let n, cp, min;
  if (b >= 0xc2 && b <= 0xdf) { n = 2; cp = b & 0x1f; min = 0x80; }
  else if (b >= 0xe0 && b <= 0xef) { n = 3; cp = b & 0x0f; min = 0x800; }
  else if (b >= 0xf0 && b <= 0xf4) { n = 4; cp = b & 0x07; min = 0x10000; }
  else return null;
  if (i + n > bytes.length) return null;
  for (let k = 1; k < n; k++) {
    const c = bytes[i + k];
    if ((c & 0xc0) !== 0x80) return null;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return [cp, n];
}

/** Bytes escaped for people, as a list of [text, isEscape] runs (so the page can colour escapes). */
export function escapeBytesRuns(bytes) {
  if (packageEscape) {
    // Split the package's text into plain runs and escapes; an escaped LF also breaks the line.
    const runs = [];
    const text = packageEscape(bytes);
    const re = /\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4,6}|[rnt0\\"])/g;
    let last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) runs.push([text.slice(last, m.index), false]);
      runs.push([m[0], true]);
      if (m[0] === '\\n') runs.push(['\n', false]);
      last = m.index + m[0].length;
    }
    if (last < text.length) runs.push([text.slice(last), false]);
    return runs;
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
 * (a code point, as UTF-8); a real line break is LF; everything else is its UTF-8.
 * Throws Error with the position of a bad escape.
 */
export function parseEscapedText(text) {
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
  return new Uint8Array(out);
}

export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
