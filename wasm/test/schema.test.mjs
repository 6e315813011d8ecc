// fixtures/schema.json is the machine-checkable description of the fixture format that other
// languages validate against: every bundled fixture file must satisfy it, and documents that break
// the format must not (so the schema cannot silently drift from the corpus or go slack).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';

const fixtures = process.env.SSE_FIXTURES_DIR || fileURLToPath(new URL('../../fixtures', import.meta.url));
const schema = JSON.parse(readFileSync(join(fixtures, 'schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const files = readdirSync(fixtures).filter((f) => f.endsWith('.json') && !f.endsWith('schema.json')).sort();

test('every bundled fixture file satisfies fixtures/schema.json', () => {
  assert.ok(files.length >= 10, `expected the corpus files in ${fixtures}, found ${files.length}`);
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(fixtures, file), 'utf8'));
    assert.ok(validate(doc), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3), null, 1)}`);
  }
});

const good = () => ({
  format_version: 1,
  area: 'demo',
  title: 'demo',
  cases: [{
    id: 'demo/one', description: 'd', rules: ['R19'], class: 'spec', input: 'data: a\n\n',
    expected: [{ kind: 'event', type: 'message', data: 'a', last_event_id: '' }, { kind: 'end', last_event_id: '' }],
  }],
});

test('the schema accepts a minimal valid document', () => {
  assert.ok(validate(good()), JSON.stringify(validate.errors));
});

const broken = {
  'unknown format_version': (d) => { d.format_version = 2; },
  'unknown rule id': (d) => { d.cases[0].rules = ['R99']; },
  'implementation-defined without gap': (d) => { d.cases[0].class = 'implementation-defined'; },
  'both input and chunks': (d) => { d.cases[0].chunks = ['x']; },
  'bad hex part': (d) => { d.cases[0].input = [{ hex: 'GG' }]; },
  'extra observation key': (d) => { d.cases[0].expected[0].extra = 1; },
  'unknown observation kind': (d) => { d.cases[0].expected[0].kind = 'message'; },
  'retry ms above 2^53-1': (d) => { d.cases[0].expected.unshift({ kind: 'retry', ms: 2 ** 53 }); },
  'unknown case key': (d) => { d.cases[0].expectd = []; },
};
for (const [name, breakIt] of Object.entries(broken)) {
  test(`the schema rejects a document with ${name}`, () => {
    const doc = good();
    breakIt(doc);
    assert.equal(validate(doc), false);
  });
}
