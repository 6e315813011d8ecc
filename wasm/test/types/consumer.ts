// Compiled by test/types.test.mjs with tsc --noEmit --strict: the declarations (index.d.ts) describe the
// API as the tests use it, and reject what the API rejects.
import {
  ObservationStream,
  ParseLimitError,
  Parser,
  compareLogs,
  escapeBytes,
  formatObservation,
  logToJson,
  memoryUsage,
  parse,
  type Observation,
} from 'sse-conformance-reference';

const parser = new Parser({ lastEventId: 'x', comments: false, maxLineBytes: 1 << 20, maxEventBytes: 0 });
const observed: Observation[] = [...parser.feed(new Uint8Array([100, 97])), ...parser.feed('ta: x\n\n')];
for (const o of observed) {
  switch (o.kind) {
    case 'event': {
      const fields: [string, string, string] = [o.type, o.data, o.last_event_id];
      void fields;
      break;
    }
    case 'retry': {
      const ms: number = o.ms;
      void ms;
      break;
    }
    case 'last_event_id': {
      const value: string = o.value;
      void value;
      break;
    }
    case 'comment': {
      const text: string = o.text;
      void text;
      break;
    }
    case 'end': {
      const id: string = o.last_event_id;
      void id;
      break;
    }
  }
}
parser.finish();
parser.reset('7');
const state: [string, number, boolean] = [parser.lastEventId, parser.reconnectionTime, parser.disposed];
void state;
parser.dispose();
parser[Symbol.dispose]();

const result: { equal: boolean; diff: string } = compareLogs(parse('data: x\n\n'), parse(new Uint8Array()));
const texts: string[] = [logToJson(observed), formatObservation({ kind: 'end', last_event_id: '' }), escapeBytes('\r')];
const usage: number = memoryUsage().heapInUse;
void result;
void texts;
void usage;

try {
  new Parser({ maxLineBytes: 4 }).feed('data: too long\n');
} catch (e) {
  if (e instanceof ParseLimitError) {
    const code: 'line_too_long' | 'event_too_large' = e.code;
    const before: Observation[] = e.observations;
    void code;
    void before;
  }
}

// @ts-expect-error feed() takes bytes or a string
parser.feed(5);
// @ts-expect-error an observation has a known kind
formatObservation({ kind: 'other' });
// @ts-expect-error options are typed
new Parser({ lastEventId: 5 });

// The TransformStream: bytes or strings in, observations out.
async function readAll(body: ReadableStream<Uint8Array>): Promise<Observation[]> {
  const seen: Observation[] = [];
  const reader = body.pipeThrough(new ObservationStream({ comments: false })).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) seen.push(r.value);
  return seen;
}
void readAll;
const stream: TransformStream<Uint8Array | string, Observation> = new ObservationStream();
void stream;
// @ts-expect-error: the options are ParserOptions
new ObservationStream({ comments: 'yes' });
