// Types of sse-conformance-reference: the strict reference parser of WHATWG Server-Sent Events
// streams, compiled to WebAssembly. See README.md.

/** A blank line dispatched an event (HTML §9.2.6 "dispatch the event"). */
export interface EventObservation {
  kind: 'event';
  /** The event type buffer, or "message" when it was empty. */
  type: string;
  /** The data buffer without its final LF. */
  data: string;
  /** The event's lastEventId: the last event ID string when it was dispatched. */
  last_event_id: string;
}

/** A valid `retry` field set the reconnection time (reported at that line, every time). */
export interface RetryObservation {
  kind: 'retry';
  /** Milliseconds, clamped to 2^53 - 1. */
  ms: number;
}

/** A blank line committed a last event ID that differs from the last event ID string. */
export interface LastEventIdObservation {
  kind: 'last_event_id';
  value: string;
}

/** A comment line: everything after the first colon, unmodified. */
export interface CommentObservation {
  kind: 'comment';
  text: string;
}

/** End of stream: the last event ID string a reconnection would send ("" = no header). */
export interface EndObservation {
  kind: 'end';
  last_event_id: string;
}

/** One entry of an observation log, exactly as in the fixtures' `expected` arrays. */
export type Observation =
  | EventObservation
  | RetryObservation
  | LastEventIdObservation
  | CommentObservation
  | EndObservation;

export interface ParserOptions {
  /** The EventSource's last event ID string when this response starts (a reconnection). Default "". */
  lastEventId?: string;
  /** Report comment lines as `comment` observations. Default true. */
  comments?: boolean;
  /** Longest line in UTF-8 bytes, terminator excluded; 0 (default) = no limit. */
  maxLineBytes?: number;
  /** Largest data buffer in bytes; 0 (default) = no limit. */
  maxEventBytes?: number;
}

/** Thrown by Parser.feed() once a limit of ParserOptions is exceeded; sticky until reset(). */
export class ParseLimitError extends Error {
  readonly name: 'ParseLimitError';
  readonly code: 'line_too_long' | 'event_too_large';
  /** What the failing feed() observed before the limit was hit. */
  readonly observations: Observation[];
}

/**
 * A streaming parser over WebAssembly memory. Release it with dispose() (or `using`, where the
 * runtime supports it); a FinalizationRegistry frees forgotten parsers eventually, as a safety net only.
 */
export class Parser {
  /** @throws {TypeError} when an option has the wrong type. */
  constructor(options?: ParserOptions);
  /**
   * Feeds the next chunk of the body: bytes, or a string fed as its UTF-8 encoding (a high surrogate
   * ending one string waits for the low surrogate starting the next). Returns the observations this
   * chunk completed, in stream order.
   * @throws {TypeError} when `chunk` is neither a Uint8Array nor a string.
   * @throws {ParseLimitError} when a limit is exceeded.
   */
  feed(chunk: Uint8Array | string): Observation[];
  /** Ends the stream (a partial line and an undispatched event are discarded); ends with `end`. */
  finish(): Observation[];
  /** Starts a new response (a reconnection) from the given last event ID string; keeps the reconnection time. */
  reset(lastEventId?: string): void;
  /** The last event ID string. */
  readonly lastEventId: string;
  /** The reconnection time set by the last valid `retry` field, in ms, or -1. */
  readonly reconnectionTime: number;
  /** True once dispose() has been called. */
  readonly disposed: boolean;
  /** Frees the parser's WebAssembly memory now. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * Bytes (or strings) in, observations out: `response.body.pipeThrough(new ObservationStream())`.
 * The stream's end finishes the parser (the last observation is `end`); its memory is freed when the
 * stream ends, errors (ParseLimitError, TypeError for a chunk of another type) or is cancelled.
 */
export class ObservationStream extends TransformStream<Uint8Array | string, Observation> {
  /** @throws {TypeError} when an option has the wrong type. */
  constructor(options?: ParserOptions);
}

/** The complete observation log of a whole body, ending with `end`. */
export function parse(body: Uint8Array | string, options?: ParserOptions): Observation[];

/** The comparison the native conformance suite makes, with the same diff text. */
export function compareLogs(expected: Observation[], observed: Observation[]): { equal: boolean; diff: string };

/** The canonical JSON text of a log, byte for byte what the native conformance library writes. */
export function logToJson(log: Observation[]): string;

/** One observation as the native diffs show it, e.g. `event type="message" data="a\nb" last_event_id=""`. */
export function formatObservation(observation: Observation): string;

/** Bytes (or a string's UTF-8) escaped for people: `\r`, `\xFF`, `\u2028`. */
export function escapeBytes(bytes: Uint8Array | string): string;

/** WebAssembly memory use: bytes allocated and not freed, and the size of the memory. */
export function memoryUsage(): { heapInUse: number; memoryBytes: number };
