// sse-conformance-reference: the strict reference parser of WHATWG Server-Sent Events event streams
// (HTML Standard §9.2.5-9.2.6), compiled to WebAssembly from the project's C++20 sources, with the
// conformance suite's log comparison. Works in Node (>= 18) and browsers; see README.md.
//
// How a feed travels (src/bindings.cpp documents the C side): the chunk is copied into the parser's
// input buffer in WebAssembly memory (TextEncoder.encodeInto for strings), ONE call parses it, and the
// observations come back as a UTF-8 text buffer plus uint32 records giving each string's UTF-16
// length; one TextDecoder.decode() per feed (a plain copy when the text is ASCII, in Node) turns the
// text into a JS string and the fields are substrings of it.
import createSseReferenceModule from './dist/sse_reference.js';

const wasmUrl = new URL('./dist/sse_reference.wasm', import.meta.url);
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' &&
  !('browser' in process);

async function instantiate(imports) {
  if (isNode && wasmUrl.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.instantiate(await readFile(wasmUrl), imports);
  }
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return await WebAssembly.instantiateStreaming(fetch(wasmUrl), imports);
    } catch {
      // Served without `Content-Type: application/wasm`: fall back to compiling the bytes.
    }
  }
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`sse-conformance-reference: cannot load ${wasmUrl}: HTTP ${response.status}`);
  return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}

const M = await new Promise((resolve, reject) => {
  createSseReferenceModule({
    instantiateWasm(imports, receiveInstance) {
      instantiate(imports).then((result) => receiveInstance(result.instance), reject);
      return {};
    },
  }).then(resolve, reject);
});

const encoder = new TextEncoder();
// In Node, a text that is all ASCII (bindings.cpp reports it) becomes a string through
// Buffer#latin1Slice, a plain copy, faster than TextDecoder's UTF-8 validation; elsewhere TextDecoder.
const NodeBuffer = typeof Buffer === 'function' && typeof Buffer.prototype.latin1Slice === 'function' ? Buffer : null;
let heapBuffer = null; // a Buffer over the WebAssembly memory (remade when the memory grows)
function asciiText(ptr, len) {
  const memory = M.HEAPU8.buffer;
  if (heapBuffer === null || heapBuffer.buffer !== memory) heapBuffer = NodeBuffer.from(memory);
  return heapBuffer.latin1Slice(ptr, ptr + len);
}
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const NO_TEXT = 0xffffffff; // bindings.cpp: a string JS has already ("message", the last event ID)
const KEEP_CAPACITY = 4 << 20; // input buffers above this are released after use (bindings.cpp)
const LARGE_STRING = 1 << 20; // longer strings are encoded with encode() instead of a 3x reservation
const ERROR_NAMES = ['none', 'line_too_long', 'event_too_large'];

/** Thrown by Parser.feed() once a limit set in the options has been exceeded (sticky until reset). */
export class ParseLimitError extends Error {
  constructor(code, observations) {
    super(`sse-conformance-reference: ${code === 'line_too_long'
      ? 'a line exceeded maxLineBytes' : 'an event exceeded maxEventBytes'}; the parser stops until reset()`);
    this.name = 'ParseLimitError';
    /** 'line_too_long' or 'event_too_large'. */
    this.code = code;
    /** What the failing feed() observed before the limit was hit. */
    this.observations = observations;
  }
}

function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
  if (typeof value === 'string') return 'a string';
  return `${typeof value} ${String(value)}`;
}

function isUint8Array(value) {
  return value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value[Symbol.toStringTag] === 'Uint8Array'); // from another realm
}

function checkOption(name, value, type, fallback) {
  if (value === undefined) return fallback;
  if (type === 'size') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new TypeError(`sse-conformance-reference: option ${name} must be an integer in [0, 2^32), got ${describe(value)}`);
    }
    return value;
  }
  if (typeof value !== type) {
    throw new TypeError(`sse-conformance-reference: option ${name} must be a ${type}, got ${describe(value)}`);
  }
  return value;
}

// Safety net only: a Parser that is garbage-collected without dispose() still frees its memory.
const registry = new FinalizationRegistry((ptr) => M._sse_parser_delete(ptr));

const disposeSymbol = Symbol.dispose ?? Symbol.for('nodejs.dispose');

/**
 * A streaming parser: feed() any chunks, then finish(). Owns WebAssembly memory: call dispose()
 * (or use `using`) when done.
 */
export class Parser {
  #ptr;
  #header; // index of the parser_header in HEAPU32
  #input = 0; // input buffer address
  #capacity = 0; // input buffer capacity
  #highSurrogate = ''; // a string chunk's trailing high surrogate, waiting for its low half
  #lastEventId;

  /**
   * @param {{lastEventId?: string, comments?: boolean, maxLineBytes?: number, maxEventBytes?: number}} [options]
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`sse-conformance-reference: Parser options must be an object, got ${describe(options)}`);
    }
    const lastEventId = checkOption('lastEventId', options.lastEventId, 'string', '');
    const comments = checkOption('comments', options.comments, 'boolean', true);
    const maxLineBytes = checkOption('maxLineBytes', options.maxLineBytes, 'size', 0);
    const maxEventBytes = checkOption('maxEventBytes', options.maxEventBytes, 'size', 0);
    this.#ptr = M._sse_parser_new();
    this.#header = M._sse_parser_header(this.#ptr) >>> 2;
    registry.register(this, this.#ptr, this);
    const id = this.#writeString(lastEventId);
    M._sse_parser_init(this.#ptr, id, comments ? 1 : 0, maxLineBytes, maxEventBytes);
    this.#lastEventId = lastEventId;
  }

  /**
   * Feeds the next chunk of the response body: bytes, or a string (fed as its UTF-8 encoding; a high
   * surrogate at the end of a string waits for the low surrogate at the start of the next one).
   * Returns the observations this chunk completed, in stream order.
   * @param {Uint8Array | string} chunk
   */
  feed(chunk) {
    const ptr = this.#live('feed');
    let size;
    if (typeof chunk === 'string') {
      if (this.#highSurrogate !== '') {
        chunk = this.#highSurrogate + chunk;
        this.#highSurrogate = '';
      }
      const last = chunk.charCodeAt(chunk.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        this.#highSurrogate = chunk[chunk.length - 1];
        chunk = chunk.slice(0, -1);
      }
      size = this.#writeString(chunk);
    } else if (isUint8Array(chunk)) {
      const pending = this.#flushSurrogate();
      size = chunk.length;
      const input = this.#reserve(size);
      M.HEAPU8.set(chunk, input);
      if (pending !== null) return pending.concat(this.#run(M._sse_parser_feed(ptr, size)));
    } else {
      throw new TypeError(`sse-conformance-reference: Parser.feed() takes a Uint8Array or a string, got ${describe(chunk)}`);
    }
    return this.#run(M._sse_parser_feed(ptr, size));
  }

  /**
   * Ends the stream: a partial line and an undispatched event are discarded. Returns the last
   * observations, ending with `end`. Later feed() calls are ignored until reset().
   */
  finish() {
    const ptr = this.#live('finish');
    const pending = this.#flushSurrogate();
    const observations = this.#run(M._sse_parser_finish(ptr), false);
    return pending === null ? observations : pending.concat(observations);
  }

  /**
   * Starts a new response (a reconnection): the last event ID buffer starts from `lastEventId` (the
   * EventSource's last event ID string; gap G1 of fixtures/README.md). The reconnection time is kept.
   */
  reset(lastEventId = '') {
    const ptr = this.#live('reset');
    if (typeof lastEventId !== 'string') {
      throw new TypeError(`sse-conformance-reference: Parser.reset() takes a string, got ${describe(lastEventId)}`);
    }
    this.#highSurrogate = '';
    M._sse_parser_reset(ptr, this.#writeString(lastEventId));
    this.#lastEventId = lastEventId;
  }

  /** The last event ID string: the value committed by the last blank line. */
  get lastEventId() {
    this.#live('lastEventId');
    return this.#lastEventId;
  }

  /** The reconnection time set by the last valid `retry` field, in ms, or -1 if none. */
  get reconnectionTime() {
    return M._sse_parser_reconnection_time(this.#live('reconnectionTime'));
  }

  /** True once dispose() has released the parser's memory. */
  get disposed() {
    return this.#ptr === 0;
  }

  /** Releases the parser's WebAssembly memory now. Idempotent; the parser is unusable afterwards. */
  dispose() {
    if (this.#ptr === 0) return;
    registry.unregister(this);
    M._sse_parser_delete(this.#ptr);
    this.#ptr = 0;
  }

  [disposeSymbol]() {
    this.dispose();
  }

  #live(what) {
    if (this.#ptr === 0) throw new Error(`sse-conformance-reference: Parser.${what} after dispose()`);
    return this.#ptr;
  }

  #reserve(size) {
    if (size > this.#capacity || (this.#capacity > KEEP_CAPACITY && size <= KEEP_CAPACITY)) {
      this.#input = M._sse_parser_reserve(this.#ptr, size);
      this.#capacity = M.HEAPU32[this.#header + 5];
    }
    return this.#input;
  }

  /** Writes a string's UTF-8 into the input buffer; returns its length in bytes. */
  #writeString(text) {
    if (text.length === 0) return 0;
    if (text.length > LARGE_STRING) {
      const bytes = encoder.encode(text);
      M.HEAPU8.set(bytes, this.#reserve(bytes.length));
      return bytes.length;
    }
    const input = this.#reserve(text.length * 3);
    return encoder.encodeInto(text, M.HEAPU8.subarray(input, input + text.length * 3)).written;
  }

  /** Feeds a high surrogate left alone by the last string chunk (it becomes U+FFFD), if any. */
  #flushSurrogate() {
    if (this.#highSurrogate === '') return null;
    const size = this.#writeString(this.#highSurrogate);
    this.#highSurrogate = '';
    return this.#run(M._sse_parser_feed(this.#ptr, size));
  }

  /** Turns the records and text written by the last feed/finish into observation objects. */
  #run(words, checkError = true) {
    const out = [];
    const h = this.#header;
    if (words !== 0) {
      const H32 = M.HEAPU32;
      const textPtr = H32[h + 2];
      const textLen = H32[h + 3];
      const text = textLen === 0 ? '' : NodeBuffer !== null && H32[h + 7] === 1 ? asciiText(textPtr, textLen)
        : decoder.decode(M.HEAPU8.subarray(textPtr, textPtr + textLen));
      let r = H32[h] >>> 2;
      const end = r + words;
      let pos = 0;
      while (r < end) {
        switch (H32[r]) {
          case 0: { // event
            let type = 'message';
            const typeLen = H32[r + 1];
            if (typeLen !== NO_TEXT) type = text.substring(pos, (pos += typeLen));
            const data = text.substring(pos, (pos += H32[r + 2]));
            const idLen = H32[r + 3];
            const id = idLen === NO_TEXT ? this.#lastEventId : text.substring(pos, (pos += idLen));
            out.push({ kind: 'event', type, data, last_event_id: id });
            r += 4;
            break;
          }
          case 1: // retry
            out.push({ kind: 'retry', ms: H32[r + 1] + H32[r + 2] * 4294967296 });
            r += 3;
            break;
          case 2: { // last_event_id
            const value = text.substring(pos, (pos += H32[r + 1]));
            this.#lastEventId = value;
            out.push({ kind: 'last_event_id', value });
            r += 2;
            break;
          }
          case 3: // comment
            out.push({ kind: 'comment', text: text.substring(pos, (pos += H32[r + 1])) });
            r += 2;
            break;
          default: { // end
            const idLen = H32[r + 1];
            const id = idLen === NO_TEXT ? this.#lastEventId : text.substring(pos, (pos += idLen));
            out.push({ kind: 'end', last_event_id: id });
            r += 2;
            break;
          }
        }
      }
    }
    if (checkError) {
      const error = M.HEAPU32[h + 6];
      if (error !== 0) throw new ParseLimitError(ERROR_NAMES[error], out);
    }
    return out;
  }
}

/**
 * A TransformStream from the chunks of a response body (Uint8Array or string) to observations, for
 * `response.body.pipeThrough(new ObservationStream())`. Each observation is enqueued by the chunk that
 * completes it; the stream's end finishes the parser (the last observation is `end`). The parser's
 * WebAssembly memory is freed when the stream ends, errors (a ParseLimitError or a chunk that is not
 * bytes or a string) or is cancelled.
 */
export class ObservationStream extends TransformStream {
  /** @param {{lastEventId?: string, comments?: boolean, maxLineBytes?: number, maxEventBytes?: number}} [options] */
  constructor(options) {
    const parser = new Parser(options); // options are checked here, so a TypeError throws from `new`
    const enqueueAll = (controller, observations) => {
      for (let i = 0; i < observations.length; ++i) controller.enqueue(observations[i]);
    };
    super({
      transform(chunk, controller) {
        try {
          enqueueAll(controller, parser.feed(chunk));
        } catch (error) {
          parser.dispose(); // the stream is errored: a ParseLimitError carries that chunk's observations
          throw error;
        }
      },
      flush(controller) {
        try {
          enqueueAll(controller, parser.finish());
        } finally {
          parser.dispose();
        }
      },
      cancel() {
        parser.dispose();
      },
    });
  }
}

/**
 * The complete observation log of a whole body (ends with `end`), as the fixtures' `expected`.
 * @param {Uint8Array | string} body
 * @param {{lastEventId?: string, comments?: boolean, maxLineBytes?: number, maxEventBytes?: number}} [options]
 */
export function parse(body, options) {
  if (typeof body !== 'string' && !isUint8Array(body)) {
    throw new TypeError(`sse-conformance-reference: parse() takes a Uint8Array or a string, got ${describe(body)}`);
  }
  const parser = new Parser(options);
  try {
    const log = parser.feed(body);
    for (const o of parser.finish()) log.push(o);
    return log;
  } finally {
    parser.dispose();
  }
}

// ---- the conformance library's text functions (compare_logs, log_to_json, ...) ----

function checkLog(name, log, what) {
  if (!Array.isArray(log)) {
    throw new TypeError(`sse-conformance-reference: ${name}() takes ${what} as an array of observations, got ${describe(log)}`);
  }
}

/** Calls a scratch-buffer function of bindings.cpp with UTF-8 arguments; returns [status, result]. */
function callText(fn, ...texts) {
  const parts = texts.map((t) => encoder.encode(t));
  const total = parts.reduce((n, p) => n + p.length, 0);
  let at = M._sse_scratch(total);
  for (const p of parts) {
    M.HEAPU8.set(p, at);
    at += p.length;
  }
  const status = fn(...parts.map((p) => p.length));
  const ptr = M._sse_result_ptr();
  const result = decoder.decode(M.HEAPU8.subarray(ptr, ptr + M._sse_result_len()));
  if (total > KEEP_CAPACITY || result.length > KEEP_CAPACITY) M._sse_release_scratch();
  return [status, result];
}

/**
 * Compares an observed log with an expected one, exactly as the native suite does (the same C++
 * code): `{equal, diff}`, the diff aligned line by line ("  " same, "- " expected only, "+ " observed
 * only), bytes escaped.
 */
export function compareLogs(expected, observed) {
  checkLog('compareLogs', expected, 'the expected log');
  checkLog('compareLogs', observed, 'the observed log');
  const [status, text] = callText(M._sse_compare_logs, JSON.stringify(expected), JSON.stringify(observed));
  if (status < 0) throw new TypeError(`sse-conformance-reference: compareLogs(): ${text}`);
  return { equal: status === 1, diff: text };
}

/** The canonical JSON text of a log, byte for byte what the native conformance library writes. */
export function logToJson(log) {
  checkLog('logToJson', log, 'the log');
  const [status, text] = callText(M._sse_log_to_json, JSON.stringify(log));
  if (status < 0) throw new TypeError(`sse-conformance-reference: logToJson(): ${text}`);
  return text;
}

/** One observation as the native diff shows it: `event type="message" data="a\nb" last_event_id=""`. */
export function formatObservation(observation) {
  if (observation === null || typeof observation !== 'object' || Array.isArray(observation)) {
    throw new TypeError(`sse-conformance-reference: formatObservation() takes an observation object, got ${describe(observation)}`);
  }
  const [status, text] = callText(M._sse_format_log, JSON.stringify([observation]));
  if (status < 0) throw new TypeError(`sse-conformance-reference: formatObservation(): ${text}`);
  return text;
}

/** Bytes (or a string's UTF-8) escaped for people, as in the native diffs: `\r`, `\xFF`, `\u2028`. */
export function escapeBytes(bytes) {
  if (typeof bytes === 'string') bytes = encoder.encode(bytes);
  if (!isUint8Array(bytes)) {
    throw new TypeError(`sse-conformance-reference: escapeBytes() takes a Uint8Array or a string, got ${describe(bytes)}`);
  }
  const at = M._sse_scratch(bytes.length);
  M.HEAPU8.set(bytes, at);
  M._sse_escape_bytes(bytes.length);
  const ptr = M._sse_result_ptr();
  return decoder.decode(M.HEAPU8.subarray(ptr, ptr + M._sse_result_len()));
}

/**
 * WebAssembly memory use, for leak checks: `heapInUse` is the bytes malloc has handed out and not
 * freed (parsers, their buffers), `memoryBytes` the size of the WebAssembly memory (it never shrinks).
 */
export function memoryUsage() {
  return { heapInUse: M._sse_heap_in_use(), memoryBytes: M.HEAPU8.length };
}
