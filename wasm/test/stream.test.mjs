// ObservationStream: the TransformStream from body chunks to observations. Its output must be the
// Parser's log under any chunking, its end must finish the parser, and its memory must be freed on
// every way out (end, error, cancel). Run: node --test test/ (after building dist/).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ObservationStream, ParseLimitError, memoryUsage, parse } from '../index.js';

const bytes = (s) => new TextEncoder().encode(s);

function bodyOf(chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(readable) {
  const seen = [];
  for await (const o of readable) seen.push(o);
  return seen;
}

// Transformer cancel() is recent (Node 22, current browsers); older runtimes ignore it.
async function transformerCancelIsCalled() {
  let called = false;
  const probe = new TransformStream({ cancel() { called = true; } });
  await probe.readable.cancel();
  return called;
}

const body = bytes('\uFEFFretry: 250\r\n: hi\r\nid: 7\r\ndata: caf\u00e9\r\ndata: \u2028x\r\n\r\nevent: up\rdata\r\r' +
  'id: 8\ndata: cut off');

describe('ObservationStream', () => {
  test('yields the same log as parse() under every split into two chunks and byte by byte', async () => {
    const expected = parse(body);
    assert.equal(expected.at(-1).kind, 'end');
    for (let at = 0; at <= body.length; ++at) {
      const seen = await collect(bodyOf([body.subarray(0, at), body.subarray(at)]).pipeThrough(new ObservationStream()));
      assert.deepEqual(seen, expected, `split at byte ${at}`);
    }
    const bytewise = [...body].map((b) => new Uint8Array([b]));
    assert.deepEqual(await collect(bodyOf(bytewise).pipeThrough(new ObservationStream())), expected);
  });

  test('takes string chunks and the Parser options', async () => {
    const seen = await collect(bodyOf(['id: 1\n: c\nda', 'ta: x\n\n']).pipeThrough(
      new ObservationStream({ comments: false, lastEventId: '0' })));
    assert.deepEqual(seen, [
      { kind: 'last_event_id', value: '1' },
      { kind: 'event', type: 'message', data: 'x', last_event_id: '1' },
      { kind: 'end', last_event_id: '1' },
    ]);
  });

  test('an observation is readable as soon as the chunk that completes it is written', async () => {
    const stream = new ObservationStream();
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    writer.write(bytes('data: a\n'));
    writer.write(bytes('\n'));
    assert.deepEqual((await reader.read()).value, { kind: 'event', type: 'message', data: 'a', last_event_id: '' });
    writer.close();
    assert.deepEqual((await reader.read()).value, { kind: 'end', last_event_id: '' });
    assert.equal((await reader.read()).done, true);
  });

  test('bad options throw from the constructor', () => {
    assert.throws(() => new ObservationStream({ comments: 'yes' }), TypeError);
  });

  test('frees its parser on end, on a limit error, on a bad chunk and on cancel', async (t) => {
    const before = memoryUsage().heapInUse;
    await collect(bodyOf([body]).pipeThrough(new ObservationStream()));
    assert.equal(memoryUsage().heapInUse, before, 'after the end');

    await assert.rejects(collect(bodyOf([bytes('data: 12345\n\n')]).pipeThrough(new ObservationStream({ maxLineBytes: 4 }))),
      (error) => error instanceof ParseLimitError && error.code === 'line_too_long');
    assert.equal(memoryUsage().heapInUse, before, 'after a ParseLimitError');

    await assert.rejects(collect(bodyOf([42]).pipeThrough(new ObservationStream())), TypeError);
    assert.equal(memoryUsage().heapInUse, before, 'after a TypeError');

    const stream = new ObservationStream();
    const writer = stream.writable.getWriter();
    writer.write(bytes('data: a\n')).catch(() => {});
    await stream.readable.cancel();
    await writer.closed.catch(() => {});
    if (await transformerCancelIsCalled()) {
      assert.equal(memoryUsage().heapInUse, before, 'after cancel');
    } else {
      t.diagnostic(`this runtime (${process.version}) never calls a transformer's cancel(): the finalizer frees the parser`);
    }
  });
});
