// The README's Node example runs as written (imported by package name, which resolves to this
// package through its `exports`), so it cannot rot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the README Node example runs and prints "conforms"', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Node'));
  const example = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(example, 'README.md has a ```js block after "### Node"');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', example[1]], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'conforms\n');
});
