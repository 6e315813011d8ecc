// The TypeScript declarations (index.d.ts) compile against a consumer written as the README shows,
// through the package's own `exports` (the package resolves itself by name).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

test('index.d.ts types the API (tsc --strict on test/types/consumer.ts)', {
  skip: existsSync(tsc) ? false : 'typescript is not installed (npm ci in wasm/ installs it)',
}, () => {
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,esnext.disposable,dom',
    'test/types/consumer.ts'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
