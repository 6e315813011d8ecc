// fixtures/encoder.schema.json (JSON Schema draft-07) describes the encoder case format for other
// languages: every file of fixtures/encoder/ must satisfy it, and documents that break the format
// must not, so the schema can neither drift from the corpus nor go slack.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv';

const fixtures = process.env.SSE_FIXTURES_DIR || fileURLToPath(new URL('../../fixtures', import.meta.url));
const schema = JSON.parse(readFileSync(join(fixtures, 'encoder.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }).compile(schema);
const folder = join(fixtures, 'encoder');
const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();

test('every encoder case file satisfies fixtures/encoder.schema.json', () => {
  assert.ok(files.length >= 5, `expected the encoder case files in ${folder}, found ${files.length}`);
  let cases = 0;
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(folder, file), 'utf8'));
    assert.ok(validate(doc), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3), null, 1)}`);
    cases += doc.cases.length;
  }
  assert.ok(cases >= 80, `expected at least 80 encoder cases, found ${cases}`);
});

const good = () => ({
  format_version: 1,
  area: 'encoder-demo',
  title: 'demo',
  cases: [{
    id: 'encoder-demo/one', description: 'd', rules: ['R19'], class: 'spec', event: { data: 'a', retry: 1 },
    expected: [{ kind: 'retry', ms: 1 }, { kind: 'event', type: 'message', data: 'a', last_event_id: '' },
      { kind: 'end', last_event_id: '' }],
  }],
});

test('the encoder schema accepts a minimal valid document and a refusal', () => {
  assert.ok(validate(good()), JSON.stringify(validate.errors));
  const refusal = good();
  delete refusal.cases[0].expected;
  refusal.cases[0].event = { id: { utf16: [97, 0xd800] } };
  refusal.cases[0].refused = 'id-contains-line-break';
  assert.ok(validate(refusal), JSON.stringify(validate.errors));
});

const broken = {
  'an area without the encoder- prefix': (d) => { d.area = 'demo'; },
  'both expected and refused': (d) => { d.cases[0].refused = 'retry-negative'; },
  'neither expected nor refused': (d) => { delete d.cases[0].expected; },
  'an unknown reason code': (d) => { delete d.cases[0].expected; d.cases[0].refused = 'too-long'; },
  'an unknown event member': (d) => { d.cases[0].event.name = 'x'; },
  'a retry given as a string': (d) => { d.cases[0].event.retry = '1'; },
  'a UTF-16 code unit above 0xFFFF': (d) => { d.cases[0].event.data = { utf16: [0x10000] }; },
  'implementation-defined without gap': (d) => { d.cases[0].class = 'implementation-defined'; },
  'an unknown observation kind': (d) => { d.cases[0].expected[0].kind = 'message'; },
  'an unknown rule id': (d) => { d.cases[0].rules = ['R73']; },
};
for (const [name, breakIt] of Object.entries(broken)) {
  test(`the encoder schema rejects a document with ${name}`, () => {
    const doc = good();
    breakIt(doc);
    assert.equal(validate(doc), false);
  });
}
