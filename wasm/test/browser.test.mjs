// The package in real browsers: a page served from 127.0.0.1 imports index.js as an ES module (the
// .wasm fetched with instantiateStreaming), parses, streams, compares, and posts its results back.
// Runs in every headless browser found (chromium, firefox-esr); skipped when there is none.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 30000;

const page = `<!doctype html><meta charset="utf-8"><script type="module">
const results = {};
try {
  const { Parser, parse, compareLogs, logToJson, memoryUsage } = await import('/index.js');
  results.parse = parse('data: h\\u00e9\\ndata: 😀\\n\\n');
  const p = new Parser({ lastEventId: '4' });
  const bytes = new TextEncoder().encode('id: 5\\ndata: x\\r\\r');
  results.stream = [];
  for (const b of bytes) results.stream.push(...p.feed(Uint8Array.of(b)));
  results.stream.push(...p.finish());
  p.dispose();
  results.diff = compareLogs(parse('data: a\\n\\n'), parse('data: b\\n\\n')).diff;
  results.json = logToJson(parse('retry: 5\\n'));
  try { parse(42); } catch (e) { results.typeError = e instanceof TypeError; }
  results.heapInUse = memoryUsage().heapInUse;
} catch (e) {
  results.error = String(e && e.stack || e);
}
await fetch('/result', { method: 'POST', body: JSON.stringify(results) });
</script>`;

const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

function browsers() {
  const found = [];
  for (const name of ['chromium', 'firefox-esr']) {
    if (spawnSync('sh', ['-c', `command -v ${name}`]).status === 0) found.push(name);
  }
  return found;
}

function launch(name, url, profile) {
  if (name === 'chromium') {
    return spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${profile}`, url], { stdio: 'ignore', detached: true });
  }
  mkdirSync(profile, { recursive: true });
  writeFileSync(join(profile, 'user.js'), [
    'toolkit.telemetry.enabled', 'app.update.enabled', 'browser.safebrowsing.malware.enabled',
    'browser.safebrowsing.phishing.enabled', 'network.captive-portal-service.enabled',
    'network.connectivity-service.enabled', 'datareporting.healthreport.uploadEnabled',
  ].map((k) => `user_pref("${k}", false);`).join('\n'));
  return spawn('firefox-esr', ['--headless', '--no-remote', '--profile', profile, url], { stdio: 'ignore', detached: true });
}

for (const name of browsers().length ? browsers() : ['(none)']) {
  test(`the package works in ${name}`, { skip: name === '(none)' ? 'no headless browser installed' : false, timeout: TIMEOUT_MS + 5000 }, async () => {
    let resolveResult;
    const result = new Promise((resolve) => (resolveResult = resolve));
    const server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/result') {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          res.end('ok');
          resolveResult(JSON.parse(body));
        });
        return;
      }
      const path = req.url === '/' ? null : normalize(decodeURIComponent(req.url.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
      try {
        const body = path === null ? page : readFileSync(join(root, path));
        res.writeHead(200, { 'content-type': path === null ? 'text/html' : types[extname(path)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const profile = mkdtempSync(join(tmpdir(), 'sse-wasm-browser-'));
    const browser = launch(name, `http://127.0.0.1:${server.address().port}/`, profile);
    let timer;
    try {
      const r = await Promise.race([result, new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} posted no result within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      })]);
      assert.equal(r.error, undefined);
      assert.deepEqual(r.parse, [
        { kind: 'event', type: 'message', data: 'hé\n😀', last_event_id: '' },
        { kind: 'end', last_event_id: '' },
      ]);
      assert.deepEqual(r.stream, [
        { kind: 'last_event_id', value: '5' },
        { kind: 'event', type: 'message', data: 'x', last_event_id: '5' },
        { kind: 'end', last_event_id: '5' },
      ]);
      assert.equal(r.diff, '- event type="message" data="a" last_event_id=""\n+ event type="message" data="b" last_event_id=""\n  end last_event_id=""\n');
      assert.equal(r.json, '[{"kind":"retry","ms":5},{"kind":"end","last_event_id":""}]');
      assert.equal(r.typeError, true);
    } finally {
      clearTimeout(timer);
      try {
        process.kill(-browser.pid, 'SIGKILL'); // the browser's own process group
      } catch {}
      server.closeAllConnections();
      server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
}
