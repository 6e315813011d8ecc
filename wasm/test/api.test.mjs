// The JS API of the package: streaming, one-shot, bad input, memory ownership, and the conformance
// functions. Run: node --test test/ (after building dist/ with the wasm preset).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import {
  ParseLimitError,
  Parser,
  compareLogs,
  escapeBytes,
  formatObservation,
  logToJson,
  memoryUsage,
  parse,
} from '../index.js';

const bytes = (s) => new TextEncoder().encode(s);

// Parsers made by a test are disposed after it (Node 20 has Symbol.dispose but not `using`).
const live = [];
const track = (p) => (live.push(p), p);
afterEach(() => {
  for (const p of live.splice(0)) p.dispose();
});
const end = (id = '') => ({ kind: 'end', last_event_id: id });
const event = (data, type = 'message', id = '') => ({ kind: 'event', type, data, last_event_id: id });

describe('streaming', () => {
  test('an event is reported by the feed that completes its blank line', () => {
    const p = new Parser();
    try {
      assert.deepEqual(p.feed('data: hel'), []);
      assert.deepEqual(p.feed(bytes('lo\n')), []);
      assert.deepEqual(p.feed('\n'), [event('hello')]);
      assert.deepEqual(p.finish(), [end()]);
    } finally {
      p.dispose();
    }
  });

  test('a trailing CR dispatches at once and the LF that follows is swallowed', () => {
    const p = track(new Parser());
    assert.deepEqual(p.feed('data: a\r\r'), [event('a')]);
    assert.deepEqual(p.feed('\ndata: b\n\n'), [event('b')]);
  });

  test('every observation kind, in the fixtures\' shape and order', () => {
    const p = track(new Parser());
    const log = [
      ...p.feed(': keep-alive\nretry: 3000\nid: 7\nevent: update\ndata: {"a":1}\ndata: x\n\n'),
      ...p.feed('id: 8\n\n'),
      ...p.finish(),
    ];
    assert.deepEqual(log, [
      { kind: 'comment', text: ' keep-alive' },
      { kind: 'retry', ms: 3000 },
      { kind: 'last_event_id', value: '7' },
      event('{"a":1}\nx', 'update', '7'),
      { kind: 'last_event_id', value: '8' },
      end('8'),
    ]);
    assert.deepEqual(Object.keys(log[3]), ['kind', 'type', 'data', 'last_event_id']);
    assert.equal(p.lastEventId, '8');
    assert.equal(p.reconnectionTime, 3000);
  });

  test('a UTF-8 sequence and the BOM split across byte chunks', () => {
    const p = track(new Parser());
    const body = bytes('\uFEFFdata: é€😀\n\n');
    const log = [];
    for (const b of body) log.push(...p.feed(Uint8Array.of(b)));
    log.push(...p.finish());
    assert.deepEqual(log, [event('é€😀'), end()]);
  });

  test('invalid UTF-8 becomes U+FFFD', () => {
    assert.deepEqual(parse(Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0xc3, 0x0a, 0x0a)), [
      event('\uFFFD\uFFFD'),
      end(),
    ]);
  });

  test('a surrogate pair split across string chunks is one code point', () => {
    const p = track(new Parser());
    const s = 'data: 😀\n\n';
    const cut = s.indexOf('😀') + 1; // between the two halves
    assert.deepEqual([...p.feed(s.slice(0, cut)), ...p.feed(s.slice(cut))], [event('😀')]);
  });

  test('a lone surrogate in a string is U+FFFD, also at the end of the stream', () => {
    assert.deepEqual(parse('data: a\uDC00b\n\n'), [event('a\uFFFDb'), end()]);
    const p = track(new Parser());
    p.feed('data: \uD83D');
    assert.deepEqual(p.feed(bytes('\n\n')), [event('\uFFFD')]);
  });

  test('lastEventId option (a reconnection) and reset()', () => {
    const p = track(new Parser({ lastEventId: 'abc' }));
    assert.deepEqual(p.feed('data: x\n\n'), [event('x', 'message', 'abc')]);
    assert.deepEqual(p.finish(), [end('abc')]);
    assert.deepEqual(p.feed('data: ignored after finish\n\n'), []);
    p.reset('9');
    assert.equal(p.lastEventId, '9');
    assert.deepEqual([...p.feed('data: y\n\n'), ...p.finish()], [event('y', 'message', '9'), end('9')]);
  });

  test('comments: false leaves comments out', () => {
    assert.deepEqual(parse(':a\ndata: b\n\n', { comments: false }), [event('b'), end()]);
  });

  test('large events and lines cross the boundary intact', () => {
    const big = 'x'.repeat(3 << 20) + 'é';
    const p = track(new Parser());
    const log = [...p.feed(`data: ${big}\n`), ...p.feed(bytes(`data: ${big}\n\n`))];
    assert.equal(log.length, 1);
    assert.equal(log[0].data, `${big}\n${big}`);
  });

  test('limits: a ParseLimitError carries what was observed before it, and is sticky', () => {
    const p = track(new Parser({ maxLineBytes: 8 }));
    assert.throws(() => p.feed('data: a\n\ndata: 0123456789\n\n'), (e) => {
      assert.ok(e instanceof ParseLimitError);
      assert.equal(e.code, 'line_too_long');
      assert.deepEqual(e.observations, [event('a')]);
      return true;
    });
    assert.throws(() => p.feed('data: b\n\n'), ParseLimitError);
    p.reset('');
    assert.deepEqual(p.feed('data: b\n\n'), [event('b')]);
  });
});

describe('one-shot parse()', () => {
  test('bytes and strings give the same log', () => {
    const body = 'id: 1\ndata: a\r\n\r\nretry: 10\ndata: b\rdata: c\r\r: end\n';
    const expected = [
      { kind: 'last_event_id', value: '1' },
      event('a', 'message', '1'),
      { kind: 'retry', ms: 10 },
      event('b\nc', 'message', '1'),
      { kind: 'comment', text: ' end' },
      end('1'),
    ];
    assert.deepEqual(parse(body), expected);
    assert.deepEqual(parse(bytes(body)), expected);
    assert.deepEqual(parse(Buffer.from(body)), expected);
  });

  test('an undispatched event is discarded at the end', () => {
    assert.deepEqual(parse('data: never\n'), [end()]);
  });

  test('a retry too large to represent is clamped to 2^53 - 1 (G7)', () => {
    assert.deepEqual(parse('retry: 99999999999999999999999\n'), [{ kind: 'retry', ms: 2 ** 53 - 1 }, end()]);
  });
});

describe('invalid input', () => {
  const bad = [undefined, null, 42, true, {}, [1, 2], new Uint16Array(2), new ArrayBuffer(4), new DataView(new ArrayBuffer(1))];

  test('feed() and parse() throw a TypeError that names what they take', () => {
    const p = track(new Parser());
    for (const value of bad) {
      assert.throws(() => p.feed(value), { name: 'TypeError', message: /takes a Uint8Array or a string/ });
      assert.throws(() => parse(value), { name: 'TypeError', message: /takes a Uint8Array or a string/ });
    }
    assert.deepEqual([...p.feed('data: still fine\n\n'), ...p.finish()], [event('still fine'), end()]);
  });

  test('bad options throw a TypeError before any memory is taken', () => {
    const before = memoryUsage().heapInUse;
    assert.throws(() => new Parser(5), TypeError);
    assert.throws(() => new Parser({ lastEventId: 5 }), /lastEventId must be a string/);
    assert.throws(() => new Parser({ comments: 'yes' }), /comments must be a boolean/);
    assert.throws(() => new Parser({ maxLineBytes: -1 }), /maxLineBytes must be an integer/);
    assert.throws(() => new Parser({ maxEventBytes: 1.5 }), /maxEventBytes must be an integer/);
    assert.equal(memoryUsage().heapInUse, before);
  });

  test('bad input leaks nothing', () => {
    const p = new Parser();
    p.feed('data: warm up the buffers\n\n');
    const before = memoryUsage().heapInUse;
    for (let i = 0; i < 1000; ++i) {
      for (const value of bad) assert.throws(() => p.feed(value), TypeError);
    }
    assert.equal(memoryUsage().heapInUse, before);
    p.dispose();
  });

  test('the conformance functions reject what is not a log', () => {
    assert.throws(() => compareLogs('[]', []), TypeError);
    assert.throws(() => compareLogs([{ kind: 'nope' }], []), { name: 'TypeError', message: /expected is not an observation log: \[0\]\.kind/ });
    assert.throws(() => logToJson([{ kind: 'retry', ms: 'soon' }]), TypeError);
    assert.throws(() => formatObservation(null), TypeError);
    assert.throws(() => escapeBytes(7), TypeError);
  });
});

describe('memory', () => {
  test('dispose() frees everything a parser took, and is idempotent', () => {
    const before = memoryUsage().heapInUse;
    for (let i = 0; i < 200; ++i) {
      const p = new Parser({ lastEventId: 'x'.repeat(i) });
      p.feed(`data: ${'y'.repeat(i * 100)}\n\n`);
      p.feed(bytes('data: z'));
      p.dispose();
      p.dispose();
      assert.equal(p.disposed, true);
    }
    assert.equal(memoryUsage().heapInUse, before);
  });

  test('a disposed parser throws instead of touching freed memory', () => {
    const p = new Parser();
    p.dispose();
    assert.throws(() => p.feed('data: x\n\n'), /after dispose\(\)/);
    assert.throws(() => p.finish(), /after dispose\(\)/);
    assert.throws(() => p.lastEventId, /after dispose\(\)/);
  });

  test('[Symbol.dispose]() disposes (what `using p = new Parser()` calls)', () => {
    const before = memoryUsage().heapInUse;
    const p = new Parser();
    p.feed('data: x');
    p[Symbol.dispose]();
    assert.equal(p.disposed, true);
    assert.equal(memoryUsage().heapInUse, before);
  });

  test('parse() frees its parser, also when it throws', () => {
    const before = memoryUsage().heapInUse;
    parse('data: x\n\n');
    assert.throws(() => parse('data: 0123456789\n\n', { maxLineBytes: 4 }), ParseLimitError);
    assert.equal(memoryUsage().heapInUse, before);
  });

  test('a parser that is garbage-collected without dispose() is freed by the safety net', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const before = memoryUsage().heapInUse;
    (() => {
      for (let i = 0; i < 50; ++i) new Parser().feed(`data: ${'x'.repeat(10000)}`);
    })();
    assert.ok(memoryUsage().heapInUse > before);
    for (let round = 0; round < 50 && memoryUsage().heapInUse !== before; ++round) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(memoryUsage().heapInUse, before);
  });
});

describe('conformance functions (the native C++ code)', () => {
  test('compareLogs() gives the native diff text', () => {
    const expected = [event('a\nb'), end()];
    assert.deepEqual(compareLogs(expected, parse('data: a\ndata: b\n\n')), { equal: true, diff: '' });
    const r = compareLogs(expected, [event('a\rb'), { kind: 'comment', text: '' }, end()]);
    assert.equal(r.equal, false);
    assert.equal(r.diff, [
      '- event type="message" data="a\\nb" last_event_id=""',
      '+ event type="message" data="a\\rb" last_event_id=""',
      '+ comment text=""',
      '  end last_event_id=""',
      '',
    ].join('\n'));
  });

  test('logToJson() is the canonical (native) JSON text', () => {
    assert.equal(
      logToJson([event('\u2028"\u0001', 't', 'i'), { kind: 'retry', ms: 2 ** 53 - 1 }, end('i')]),
      '[{"data":"\u2028\\"\\u0001","kind":"event","last_event_id":"i","type":"t"},' +
        '{"kind":"retry","ms":9007199254740991},{"kind":"end","last_event_id":"i"}]',
    );
  });

  test('formatObservation() and escapeBytes() make invisible bytes visible', () => {
    assert.equal(formatObservation({ kind: 'comment', text: '\u00A0\r' }), 'comment text="\\u00A0\\r"');
    assert.equal(escapeBytes(Uint8Array.of(0xef, 0xbb, 0xbf, 0x0d, 0xff)), '\\uFEFF\\r\\xFF');
    assert.equal(escapeBytes('\0'), '\\0');
  });
});
