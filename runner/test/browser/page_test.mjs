// page_test.mjs: the comparison page (wasm/page/) used as a person uses it, in headless Chromium
// driven through the DevTools protocol: permalinks and the hash, the tab pattern, rule search,
// keyboard-only opening of a case, the reproducer's copy buttons (the printf command is run and its
// bytes compared), a chunked playground run whose per-chunk timing is checked, stale playground
// results, preset restore, the summary of partial runs, the narrow layout (no horizontal overflow at
// 420 px), text contrast in the light and dark themes, the Connection tab (permalinks, keyboard, a few
// scenarios run through it and their verdicts compared with `connect --client ENGINE`'s), and no
// console error of the page's own.
//
// Usage: node --experimental-websocket page_test.mjs SSE_CONFORMANCE [chromium|firefox|webkit]
// With SSE_PAGE_SHOTS=DIR it also leaves screenshots there (wide, narrow and dark; corpus and playground).
// WebKit (MiniBrowser) is driven through WebKitWebDriver under xvfb-run, without the console checks.
// Firefox is driven through WebDriver BiDi, reading what the page hands to the clipboard rather than
// the clipboard (no read permission without a prompt), in the light theme (SSE_PAGE_COLOR_SCHEME=dark
// for the dark one).
// Exit: 0 all checks passed, 1 a check failed (each is listed), 77 the browser is not installed or
// the WASM package is not built.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const [exe, engine = 'chromium'] = process.argv.slice(2);
const browser = { chromium: 'chromium', firefox: 'firefox-esr', webkit: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser' }[engine];
if (!exe || !browser) { console.error('usage: page_test.mjs SSE_CONFORMANCE [chromium|firefox|webkit]'); process.exit(2); }
try { execFileSync('sh', ['-c', `command -v ${browser}${engine === 'webkit' ? ' && command -v WebKitWebDriver && command -v xvfb-run' : ''}`], { stdio: 'ignore' }); } catch {
  console.log(`${browser} is not installed: skipped`);
  process.exit(77);
}
// The page compares with the WASM reference: without the package (the `wasm` preset builds it into
// wasm/dist/) it loads nothing, so there is nothing to check.
const wasmModule = new URL('../../../wasm/dist/sse_reference.js', import.meta.url);
try { readFileSync(wasmModule); } catch {
  console.log(`the WASM package is not built (${wasmModule.pathname}; cmake --preset wasm && cmake --build --preset wasm): skipped`);
  process.exit(77);
}
if (typeof WebSocket === 'undefined') { console.error('this Node has no WebSocket: run it with --experimental-websocket'); process.exit(2); }

const scratch = mkdtempSync(join(tmpdir(), 'sse-page-test-'));
const children = [];
const failures = [];
let passed = 0;
const t0 = Date.now();
function check(name, ok, detail = '') {
  const at = `[${((Date.now() - t0) / 1000).toFixed(1)} s]`;
  if (ok) { passed++; console.log(`ok   ${at} ${name}`); } else { failures.push(name); console.log(`FAIL ${at} ${name}${detail ? ': ' + detail : ''}`); }
}
function finish(code) {
  for (const child of children) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
  rmSync(scratch, { recursive: true, force: true });
  process.exit(code);
}
process.on('uncaughtException', (e) => { console.error('FAIL the test itself:', e); finish(1); });
setTimeout(() => { console.error('FAIL: the test took longer than 150 s'); finish(1); }, 150000).unref();

/** Starts a process in its own group and resolves with the first match of `pattern` in its output. */
function start(command, args, stream, pattern) {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let text = '';
    child[stream].on('data', (d) => {
      text += d;
      const m = pattern.exec(text);
      if (m) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}) before saying ${pattern}: ${text}`)));
  });
}

// ---- the server and the browser ------------------------------------------------------------------

const [, port] = await start(exe, ['serve', '--port', '0', '--chunk-delay', '1'], 'stdout', /\(port (\d+)\)/);
const origin = `http://127.0.0.1:${port}`;
const pageErrors = [];       // the page's own: exceptions, console.error, log entries about its scripts
const browserMessages = [];  // the browser's own (network), reported but not counted

/** One JSON-RPC connection (the DevTools protocol and WebDriver BiDi have the same shape). */
async function connect(url, onEvent) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  let nextId = 1;
  const pending = new Map();
  socket.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(`${msg.error.message ?? msg.error}: ${msg.message ?? ''}`)); else resolve(msg.result);
      return;
    }
    if (msg.method) onEvent(msg.method, msg.params);
  };
  return (method, params = {}) => {
    const id = nextId++;
    socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  };
}

/** Chromium through the DevTools protocol. */
async function chromiumDriver() {
  const [, devtools] = await start(browser, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps', '--mute-audio', '--window-size=1280,900',
    `--user-data-dir=${join(scratch, 'profile')}`, '--remote-debugging-port=0', 'about:blank',
  ], 'stderr', /DevTools listening on (ws:\/\/\S+)/);
  const devtoolsHttp = devtools.replace(/^ws:/, 'http:').replace(/\/devtools\/.*$/, '');
  const target = (await (await fetch(`${devtoolsHttp}/json/list`)).json()).find((t) => t.type === 'page');
  const send = await connect(target.webSocketDebuggerUrl, (method, params) => {
    if (method === 'Runtime.exceptionThrown') pageErrors.push(params.exceptionDetails.exception?.description ?? params.exceptionDetails.text);
    if (method === 'Runtime.consoleAPICalled' && ['error', 'assert'].includes(params.type))
      pageErrors.push(params.args.map((a) => a.value ?? a.description).join(' '));
    if (method === 'Log.entryAdded' && params.entry.level === 'error') {
      // (the network's, and the scenario documents' of the Connection tab: the EventSource's own messages)
      if (params.entry.source === 'network' || (params.entry.url && !params.entry.url.startsWith(`${origin}/`))) browserMessages.push(params.entry.text);
      else pageErrors.push(`${params.entry.source}: ${params.entry.text}`);
    }
  });
  await send('Runtime.enable');
  await send('Log.enable');
  await send('Page.enable');
  await send('Browser.grantPermissions', { origin, permissions: ['clipboardReadWrite', 'clipboardSanitizedWrite'] });
  await send('Emulation.setFocusEmulationEnabled', { enabled: true });
  const keys = { Tab: ['Tab', 9], Enter: ['Enter', 13], ArrowRight: ['ArrowRight', 39] };
  return {
    clipboard: true,
    colorSchemes: ['light', 'dark'],
    async evaluate(expression) {
      const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, userGesture: true });
      if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value;
    },
    navigate: (url) => send('Page.navigate', { url }),
    async key(name) {
      const [code, keyCode] = keys[name];
      for (const type of ['keyDown', 'keyUp'])
        await send('Input.dispatchKeyEvent', { type, key: name, code, windowsVirtualKeyCode: keyCode, ...(type === 'keyDown' && name === 'Enter' ? { text: '\r' } : {}) });
    },
    async click(x, y) {
      for (const type of ['mousePressed', 'mouseReleased']) await send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
    },
    insertText: (text) => send('Input.insertText', { text }),
    viewport: (width, height) => send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }),
    resetViewport: () => send('Emulation.clearDeviceMetricsOverride'),
    colorScheme: (value) => send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value }] }),
    screenshot: async () => (await send('Page.captureScreenshot', { format: 'png' })).data,
  };
}

/** Firefox through WebDriver BiDi (its built-in remote agent). BiDi cannot emulate the colour
 *  scheme, so SSE_PAGE_COLOR_SCHEME=dark starts it with a dark content theme instead. */
const darkFirefox = process.env.SSE_PAGE_COLOR_SCHEME === 'dark';
async function firefoxDriver() {
  const profile = join(scratch, 'profile');
  mkdirSync(profile);
  // The prefs the runner's Firefox profile has (browser_launcher.cpp): no outside traffic.
  writeFileSync(join(profile, 'user.js'), [
    'browser.shell.checkDefaultBrowser', 'datareporting.healthreport.uploadEnabled', 'datareporting.policy.dataSubmissionEnabled',
    'toolkit.telemetry.enabled', 'app.update.enabled', 'browser.safebrowsing.malware.enabled', 'browser.safebrowsing.phishing.enabled',
    'network.captive-portal-service.enabled', 'network.connectivity-service.enabled', 'extensions.update.enabled',
    'browser.discovery.enabled', 'app.normandy.enabled', 'messaging-system.rsexperimentloader.enabled',
  ].map((pref) => `user_pref("${pref}", false);`).join('\n') + '\nuser_pref("browser.startup.homepage_override.mstone", "ignore");\n' +
    (darkFirefox ? 'user_pref("layout.css.prefers-color-scheme.content-override", 0);\n' : ''));
  const [, bidi] = await start(browser, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'],
    'stderr', /WebDriver BiDi listening on (ws:\/\/\S+)/);
  const send = await connect(`${bidi}/session`, (method, params) => {
    if (method !== 'log.entryAdded' || params.level !== 'error') return;
    // Firefox reports each end of an event stream, which the page waits for (the reconnection is
    // what it measures), as "can't establish a connection" to the stream's URL: the browser's own.
    const streamEnd = /establish a connection to the server at \S*\/stream\?/.test(params.text);
    // The Connection tab's scenario documents are frames of their own context: their messages are the EventSource's.
    const ownDocument = params.source?.context === undefined || params.source.context === context;
    if ((params.type === 'javascript' || params.type === 'console') && !streamEnd && ownDocument) pageErrors.push(`${params.type}: ${params.text}`);
    else browserMessages.push(params.text);
  });
  await send('session.new', { capabilities: {} });
  const context = (await send('browsingContext.getTree', {})).contexts[0].context;
  await send('session.subscribe', { events: ['log.entryAdded'], contexts: [context] });
  const keys = { Tab: '\uE004', Enter: '\uE007', ArrowRight: '\uE014' };
  const actions = (list) => send('input.performActions', { context, actions: list });
  return {
    clipboard: false,  // Firefox's page gets no clipboard-read permission without a prompt
    colorSchemes: [darkFirefox ? 'dark' : 'light'],
    async evaluate(expression) {
      const r = await send('script.evaluate', { expression: `(async () => JSON.stringify(await (${expression})))()`, target: { context },
        awaitPromise: true, userActivation: true });
      if (r.type === 'exception') throw new Error(`in the page: ${r.exceptionDetails.text}`);
      return r.result.value === undefined ? undefined : JSON.parse(r.result.value);
    },
    navigate: (url) => send('browsingContext.navigate', { context, url, wait: 'none' }),
    key: (name) => actions([{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: keys[name] }, { type: 'keyUp', value: keys[name] }] }]),
    click: (x, y) => actions([{ type: 'pointer', id: 'mouse', actions: [{ type: 'pointerMove', x: Math.round(x), y: Math.round(y) },
      { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }]),
    insertText: (text) => actions([{ type: 'key', id: 'keyboard', actions: [...text].flatMap((c) => [{ type: 'keyDown', value: c }, { type: 'keyUp', value: c }]) }]),
    viewport: (width, height) => send('browsingContext.setViewport', { context, viewport: { width, height } }),
    resetViewport: () => send('browsingContext.setViewport', { context, viewport: { width: 1280, height: 900 } }),
    colorScheme: async () => {},
    screenshot: async () => (await send('browsingContext.captureScreenshot', { context })).data,
  };
}

/** WebKit (MiniBrowser) through WebKitWebDriver under xvfb-run (classic WebDriver): it has no console
 *  log, no clipboard read and no colour-scheme emulation, so those checks are left to the others. */
async function webkitDriver() {
  const port = await new Promise((resolve) => { const srv = createServer().listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); }); });
  const child = spawn('xvfb-run', ['-a', 'WebKitWebDriver', `--port=${port}`, '--host=127.0.0.1'], { detached: true, stdio: 'ignore' });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  const wd = async (method, path, body) => {
    const r = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const j = await r.json();
    if (j.value?.error) throw new Error(`${path}: ${j.value.error}: ${j.value.message}`);
    return j.value;
  };
  for (let i = 0; i < 100; i++) { if (await fetch(`${base}/status`).then(() => true, () => false)) break; await sleep(100); }
  const { sessionId } = await wd('POST', '/session', { capabilities: { alwaysMatch: { 'webkitgtk:browserOptions':
    { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] } } } });
  const session = `/session/${sessionId}`;
  const keys = { Tab: '\uE004', Enter: '\uE007', ArrowRight: '\uE014' };
  const actions = (list) => wd('POST', `${session}/actions`, { actions: list });
  return {
    clipboard: false,
    consoleLog: false,
    colorSchemes: ['light'],
    async evaluate(expression) {
      const text = await wd('POST', `${session}/execute/async`, { args: [], script: `const done = arguments[arguments.length - 1];
        (async () => JSON.stringify({ value: await (${expression}) }))().then(done, (e) => done(JSON.stringify({ error: String(e) })));` });
      const r = JSON.parse(text);
      if (r.error) throw new Error(`in the page: ${r.error}`);
      return r.value;
    },
    navigate: (url) => wd('POST', `${session}/url`, { url }),
    key: (name) => actions([{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: keys[name] }, { type: 'keyUp', value: keys[name] }] }]),
    click: (x, y) => actions([{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [
      { type: 'pointerMove', x: Math.round(x), y: Math.round(y), origin: 'viewport' }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }]),
    insertText: (text) => actions([{ type: 'key', id: 'keyboard', actions: [...text].flatMap((c) => [{ type: 'keyDown', value: c }, { type: 'keyUp', value: c }]) }]),
    viewport: (width, height) => wd('POST', `${session}/window/rect`, { width, height }),
    resetViewport: () => wd('POST', `${session}/window/rect`, { width: 1280, height: 900 }),
    colorScheme: async () => {},
    screenshot: () => wd('GET', `${session}/screenshot`),
  };
}

const driver = await { firefox: firefoxDriver, webkit: webkitDriver, chromium: chromiumDriver }[engine]();
await driver.resetViewport();
const page = (expression) => driver.evaluate(expression);
async function until(expression, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    // (while a navigation replaces the document, an evaluation may fail: that is "not yet")
    const v = await page(expression).catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) return v;
    await sleep(50);
  }
}
async function open(path) {
  await driver.navigate(origin + path);
  await sleep(150);
  if (!(await until(`document.body?.dataset.ready === 'true' && location.href === ${JSON.stringify(origin + path)}`)))
    throw new Error(`${path}: the page did not get ready`);
}
const key = (name) => driver.key(name);
/** A real mouse click at the centre of the first element matching `selector` (scrolled into view). */
async function click(selector) {
  const box = await page(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null;
    e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
  if (!box) throw new Error(`nothing matches ${selector}`);
  await driver.click(box.x, box.y);
}
const shots = process.env.SSE_PAGE_SHOTS;
async function screenshot(name) {
  if (!shots) return;
  await sleep(300);
  writeFileSync(join(shots, `${engine}-${name}.png`), Buffer.from(await driver.screenshot(), 'base64'));
}

const cases = (await (await fetch(`${origin}/api/cases`)).json()).cases;
const byId = new Map(cases.map((c) => [c.id, c]));

// ---- loading, search, filters in the URL ----------------------------------------------------------

await open('/?q=R2');
const shown = await page(`[...document.querySelectorAll('#rows tr.case')].filter((t) => t.style.display !== 'none').map((t) => t.dataset.id)`);
const citing = cases.filter((c) => c.rules.includes('R2') || c.gap === 'R2').map((c) => c.id);
check('rule search R2 finds exactly the cases that cite R2', shown.length > 0 && JSON.stringify(shown) === JSON.stringify(citing),
  `${shown.length} shown, ${citing.length} cite it`);
check('Run is enabled once the cases are loaded', await page(`!document.getElementById('run').disabled`));
await page(`(() => { const f = document.getElementById('f-text'); f.value = 'no-such-case-anywhere'; f.dispatchEvent(new Event('input')); })()`);
check('a search without a match says so instead of a bare table header',
  await page(`!document.getElementById('no-match').classList.contains('hidden') && document.getElementById('cases').classList.contains('hidden')`));
check('the search is in the URL', (await page('location.search')).includes('q=no-such-case-anywhere'));

// ---- permalinks and tabs -------------------------------------------------------------------------

const far = cases[cases.length - 5].id;
await open(`/#case=${encodeURIComponent(far)}`);
const permalink = await page(`(() => { const t = document.querySelector('tr.case[data-id=${JSON.stringify(far)}]'); const r = t.getBoundingClientRect();
  return { expanded: t.getAttribute('aria-expanded'), target: t.classList.contains('target'), detail: t.nextElementSibling?.classList.contains('detail'),
           visible: r.top > -2 && r.top < innerHeight, top: r.top }; })()`);
await screenshot('wide-case-open');
check('#case=ID opens, highlights and scrolls to the case', permalink.expanded === 'true' && permalink.target && permalink.detail && permalink.visible, JSON.stringify(permalink));
const other = cases[3].id;
await page(`location.hash = ${JSON.stringify(other)}`);
check('a bare #ID link opens that case', await until(`document.querySelector('tr.case[data-id=${JSON.stringify(other)}]').getAttribute('aria-expanded') === 'true'`, 2000));
const clicked = cases[10].id;
await click(`tr.case[data-id=${JSON.stringify(clicked)}] .desc`);
check('clicking a row puts the case in the URL', (await page('location.hash')) === `#case=${encodeURIComponent(clicked)}`, await page('location.hash'));
await click('#tabbtn-playground');
check('a tab click shows its panel and names it in the hash', await until(`location.hash === '#playground' && !document.getElementById('tab-playground').classList.contains('hidden')`, 2000));
await page('history.back()');
check('Back returns to the previous tab', await until(`!document.getElementById('tab-corpus').classList.contains('hidden') && document.getElementById('tabbtn-corpus').getAttribute('aria-selected') === 'true'`, 2000));
await page(`document.getElementById('tabbtn-corpus').focus()`);
await key('ArrowRight');
check('ArrowRight on a tab selects the next one (tab pattern)', await until(`document.activeElement.id === 'tabbtn-playground' && location.hash === '#playground'`, 2000));
const chip = await page(`document.querySelector('tr.case a.chip')?.href ?? ''`);
check('a rule chip links to the rule\'s text in the standard', chip.startsWith('https://html.spec.whatwg.org/') && chip.includes('#'), chip);

// ---- keyboard only ---------------------------------------------------------------------------------

await open('/');
let onRow = false;
for (let i = 0; i < 60 && !onRow; i++) {
  await key('Tab');
  onRow = await page(`document.activeElement?.matches('tr.case') ?? false`);
}
check('Tab reaches a case row', onRow);
const focused = await page('document.activeElement.dataset.id');
await key('Enter');
check('Enter opens the focused case (aria-expanded)', await until(`document.querySelector('tr.case[data-id=${JSON.stringify(focused)}]').getAttribute('aria-expanded') === 'true'`, 2000));

// ---- the reproducer --------------------------------------------------------------------------------

const sample = cases.find((c) => c.splits.length > 0 && c.hex.includes('0d')) ?? cases[0];
await open(`/#case=${encodeURIComponent(sample.id)}`);
const detail = `tr.case[data-id=${JSON.stringify(sample.id)}] + tr.detail`;
/** Clicks a copy button; what reached the clipboard (in Firefox, what the page handed to it). */
async function copied(button) {
  if (driver.clipboard) await page(`navigator.clipboard.writeText('')`);
  else await page(`window.__sse.lastCopied = ''`);
  await click(`${detail} button.${button}`);
  return until(driver.clipboard ? `navigator.clipboard.readText()` : `window.__sse.lastCopied`, 2000);
}
const hexText = await copied('copy-hex');
const hexFromDump = hexText.split('\n').map((l) => l.slice(7, 7 + 48).replace(/[ |]/g, '')).join('');
check(`Copy hex puts a hex dump with offsets on the clipboard${driver.clipboard ? '' : ' (as handed to it)'}`, hexText.startsWith('000000 ') && hexFromDump === sample.hex, hexText.slice(0, 80));
const printf = await copied('copy-printf');
let printed = '';
try { printed = execFileSync('sh', ['-c', printf], { cwd: scratch }) && readFileSync(join(scratch, printf.replace(/^.*> /, ''))).toString('hex'); } catch (e) { printed = String(e); }
check('the copied printf command writes the case\'s exact bytes', printed === sample.hex, printf.slice(0, 80));
check('Copy CLI command runs just this case', (await copied('copy-cli')) === `sse-conformance run --filter '${sample.id}'`);
const fixture = JSON.parse(await copied('copy-fixture'));
check('Copy fixture JSON gives the case as written in its file', fixture.id === sample.id && 'input' in fixture === ('input' in (sample.fixture ?? {})) && fixture.expected !== undefined);
check('the fixture file is named', (await page(`document.querySelector(${JSON.stringify(detail)} + ' .repro code').textContent`)) === sample.file.slice(sample.file.lastIndexOf('fixtures/')));

// ---- the playground ------------------------------------------------------------------------------

// Three events in three chunks 400 ms apart; the first ends with CR CR at its chunk's end, so a
// parser that waits for a possible LF after the CR delays it by a whole chunk.
const delay = 400;
const text = 'data: a\\r\\r\\|data: b\\n\\n\\|data: c\\n\\n';
await open(`/#playground&text=${encodeURIComponent(text)}&delay=${delay}`);
check('the playground state comes from the URL', (await page(`document.getElementById('play-text').value`)) === text && (await page(`document.getElementById('play-delay').value`)) === String(delay));
await click('#play-run');
const timed = await until(`window.__sse.playground?.events`, 15000);
const summary = (timed || []).map((e) => `${e.data}@chunk${e.chunk}+${Math.round(e.ms_after_chunk)}ms`).join(' ');
check('the chunked playground run shows each event with the chunk that completed it',
  JSON.stringify((timed || []).map((e) => [e.data, e.chunk])) === JSON.stringify([['a', 0], ['b', 1], ['c', 2]]), summary);
check(`each event arrives within 250 ms of its chunk (${delay} ms apart)`,
  (timed || []).length === 3 && timed.every((e) => e.ms_after_chunk > -100 && e.ms_after_chunk < 250), summary);
await screenshot('wide-playground-chunked');
check('the shown per-event timing names the chunk', (await page(`[...document.querySelectorAll('#play-browser .when')].length`)) === 3);
check('the playground end is observed', await page(`[...document.querySelectorAll('#play-browser .k.end')].length === 1`));
check('the URL keeps the delay', (await page('location.hash')).includes(`delay=${delay}`));
await page(`document.getElementById('play-text').focus()`);
await driver.insertText('x');
check('editing after Send removes the old browser log', await page(`document.querySelectorAll('#play-browser .k').length === 0 && /edited/.test(document.getElementById('play-browser').textContent)`));
await page(`(() => { const t = document.getElementById('play-text'); t.value = 'data: \\\\q\\\\n\\\\n'; t.dispatchEvent(new Event('input')); })()`);
check('an invalid escape disables Send, says why, and keeps no reference log',
  await page(`document.getElementById('play-run').disabled && /unknown escape/.test(document.getElementById('play-error').textContent) && document.querySelectorAll('#play-ref .k').length === 0`));
await page(`(() => { const t = document.getElementById('play-text'); t.value = 'data: \\\\uD800\\\\n\\\\n'; t.dispatchEvent(new Event('input')); })()`);
check('a lone surrogate disables Send', await page(`document.getElementById('play-run').disabled && /surrogate/.test(document.getElementById('play-error').textContent)`));
const presetRestored = await page(`(() => { const s = document.getElementById('play-preset'), t = document.getElementById('play-text');
  s.value = s.options[2].value; s.dispatchEvent(new Event('change')); const original = t.value;
  t.value += 'edit'; t.dispatchEvent(new Event('input'));
  const marked = s.value === '';
  s.value = s.options[2].value; s.dispatchEvent(new Event('change'));
  return marked && t.value === original; })()`);
check('re-choosing a preset after an edit restores it', presetRestored);
await page(`(() => { const t = document.getElementById('play-text'); t.value = 'retry: 60000\\\\ndata: x\\\\n\\\\n'; t.dispatchEvent(new Event('input')); })()`);
await page(`window.__sse.playground = null`);
await click('#play-run');
await until(`window.__sse.playground?.events`, 15000);
check('a reconnection time beyond the wait is "not waited for", not a missing end',
  await page(`/not waited for/.test(document.getElementById('play-note').textContent) && !document.querySelector('#play-ref li.missing, #play-browser li.extra')`),
  await page(`document.getElementById('play-note').textContent`));

// ---- runs and the summary --------------------------------------------------------------------------

await open('/?q=retry%2Fbasic');
await page(`(() => { const c = document.getElementById('concurrency'); c.value = '100'; c.dispatchEvent(new Event('change')); })()`);
check('the parallelism input clamps to its stated maximum', (await page(`document.getElementById('concurrency').value`)) === '16');
const counted = () => page(`['n-pass', 'n-fail', 'n-impl', 'n-skip'].reduce((n, id) => n + Number(document.getElementById(id).textContent), 0)`);
await click('#run');
await until(`!document.getElementById('run').disabled && document.getElementById('n-time').textContent !== '–'`, 15000);
const firstRun = await page(`[...document.querySelectorAll('#rows tr.case')].filter((t) => t.style.display !== 'none').length`);
check('the cards count the cases of the run', (await counted()) === firstRun, `${await counted()} counted, ${firstRun} run`);
await page(`(() => { const f = document.getElementById('f-text'); f.value = 'retry/no-space'; f.dispatchEvent(new Event('input')); })()`);
await click('#run');
await until(`!document.getElementById('run').disabled`, 15000);
check('a second run replaces the first in the cards', (await counted()) === 1 && /1 of 1 cases run/.test(await page(`document.getElementById('l-time').textContent`)),
  await page(`document.getElementById('l-time').textContent`));
check('the run is announced in a live region', /Done/.test(await page(`document.getElementById('run-status').textContent`)));

// ---- layout and contrast -----------------------------------------------------------------------------

await driver.viewport(420, 900);
await open(`/#case=${encodeURIComponent(sample.id)}`);
const narrow = await page(`document.documentElement.scrollWidth`);
await screenshot('narrow-case-open');
const narrowViewport = await page('innerWidth');
// (MiniBrowser's window is at least 447 px wide, so WebKit is checked at its narrowest)
const narrowest = engine === 'webkit' ? 460 : 420;
check(`no horizontal overflow at 420 px (corpus, a case open; viewport ${narrowViewport} px)`, narrow <= narrowViewport && narrowViewport <= narrowest, `${narrow} px wide`);
check('the engine badge is whole at 420 px', await page(`(() => { const e = document.getElementById('engine'); return e.scrollWidth <= e.clientWidth; })()`));
check('case ids break only after "/" or "-" at 420 px', await page(`[...document.querySelectorAll('.cid')].every((e) => getComputedStyle(e).overflowWrap === 'normal' && getComputedStyle(e).wordBreak === 'normal')`));
await open(`/#playground`);
const narrowPlay = await page(`document.documentElement.scrollWidth`);
await screenshot('narrow-playground');
if (shots) { await open('/?area=retry'); await screenshot('narrow-top'); }
check('no horizontal overflow at 420 px (playground)', narrowPlay <= narrowViewport, `${narrowPlay} px wide`);
await driver.resetViewport();

// Every text of these kinds against the colour behind it (the first opaque ancestor background).
const contrastProbe = `(() => {
  const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const opaque = (c) => !/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent';
  const bg = (e) => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (opaque(c)) return c; } return 'rgb(255, 255, 255)'; };
  const bad = [];
  let checked = 0;
  for (const e of document.querySelectorAll('.pill, .chip, ol.log li, .desc, .meta, .hint, .cases th, .card .l, .card .n, td.t, .k, .diff span, .tab, .status, .note, .legend-missing, .legend-extra, .bytes .esc, table.requests td, table.requests th')) {
    if (!e.offsetParent || e.closest('button:disabled')) continue;
    const fg = getComputedStyle(e).color, back = bg(e);
    const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    checked++;
    if (ratio < 4.5) bad.push(e.className + ' "' + e.textContent.slice(0, 20) + '" ' + ratio.toFixed(2));
  }
  return { bad: [...new Set(bad)].slice(0, 8), checked, body: lum(getComputedStyle(document.body).backgroundColor) };
})()`;
for (const scheme of driver.colorSchemes) {
  await driver.colorScheme(scheme);
  await open(`/?verdict=&open=${encodeURIComponent(sample.id)}`);
  // Pills of every verdict, beside the ones the page shows before a run.
  await page(`document.querySelector('tr.case td').append(...['PASS', 'FAIL', 'IMPL', 'SKIP', 'RUN', 'WAIT', 'NA'].map((k) => {
    const p = document.createElement('span'); p.className = 'pill ' + k; p.textContent = k; return p; }))`);
  const { bad, checked, body } = await page(contrastProbe);
  await page(`document.querySelector('tr.case[data-id=${JSON.stringify(sample.id)}]').scrollIntoView()`);
  await screenshot(`${scheme}-case-open`);
  check(`text contrast is at least 4.5:1 (${scheme} theme, ${checked} texts)`, bad.length === 0 && checked > 100, bad.join('; '));
  check(`the ${scheme} theme has a ${scheme} background`, scheme === 'dark' ? body < 0.05 : body > 0.8);
}

// ---- the Connection tab -------------------------------------------------------------------------------

// A few quick scenarios through the tab (real clicks), then the same through `connect --client
// ENGINE`: the verdicts must be the same. They include scenarios every engine fails (its baseline).
// `close/before-response` fails in all three (it waits out the 10 s budget for a request that never
// comes), so it runs first, while `connect` runs the same four in a browser of its own.
const quick = ['close/before-response', 'basics/connecting-then-open-then-message', 'status/204-no-content-fails',
  'content-type/text-plain-fails'];
const connectReport = join(scratch, 'connect.json');
const connectDone = new Promise((resolve) => {
  const child = spawn(exe, ['connect', '--client', engine, '-j', '4', ...quick.flatMap((id) => ['--filter', id]), '--json', connectReport], { stdio: 'ignore' });
  child.on('exit', resolve);
});
const scenarioList = (await (await fetch(`${origin}/api/scenarios`)).json()).scenarios;
await open('/#connection');
check('#connection shows the Connection tab with every scenario', await until(`!document.getElementById('tab-connection').classList.contains('hidden') &&
  document.querySelectorAll('#c-rows tr.scenario').length === ${scenarioList.length}`, 3000), `${scenarioList.length} scenarios`);
const shownVerdicts = {};
for (const id of quick) {
  await open(`/#connection/${encodeURIComponent(id)}`);
  const row = `#c-rows tr.scenario[data-id=${JSON.stringify(id)}]`;
  check(`#connection/${id} opens and highlights the scenario`, await until(`document.querySelector(${JSON.stringify(row)})?.getAttribute('aria-expanded') === 'true' &&
    document.querySelector(${JSON.stringify(row)}).classList.contains('target')`, 3000));
  await click(`${row} + tr.detail button.c-run-one`);
  const verdict = await until(`window.__sse.connection.results.get(${JSON.stringify(id)})`, 30000);
  shownVerdicts[id] = verdict ? { outcome: verdict.outcome, status: verdict.status, pill: await page(`document.querySelector(${JSON.stringify(row)} + ' .pill').textContent`) } : null;
  if (id === 'basics/connecting-then-open-then-message' && verdict) {
    const shown = await page(`(() => { const d = document.querySelector(${JSON.stringify(row)}).nextElementSibling;
      return { logs: d.querySelectorAll('.logs ol.log').length, states: [...d.querySelectorAll('.logs ol.log li .when')].map((e) => e.textContent),
               requests: [...d.querySelectorAll('table.requests tbody tr')].map((t) => t.textContent) }; })()`);
    check('the expected and observed logs are side by side, each entry with its readyState',
      shown.logs === 2 && shown.states.length >= 4 && shown.states.every((t) => /^readyState [012] /.test(t)), JSON.stringify(shown.states));
    check('the requests the server saw are shown with their headers and the minimum delay',
      shown.requests.length === 1 && /GET http:\/\/127\.0\.0\.1:\d+\/stream/.test(shown.requests[0]) && /Accept: text\/event-stream/i.test(shown.requests[0]),
      shown.requests.join(' | ').slice(0, 200));
    await screenshot('connection-scenario-run');
  }
}
check('every quick scenario got a verdict in the tab', quick.every((id) => shownVerdicts[id]), JSON.stringify(shownVerdicts));
// Keyboard: Tab reaches a scenario row, Enter opens it.
await open('/#connection');
let onScenario = false;
for (let i = 0; i < 40 && !onScenario; i++) {
  await key('Tab');
  onScenario = await page(`document.activeElement?.matches('#c-rows tr.scenario') ?? false`);
}
const focusedScenario = onScenario && await page('document.activeElement.dataset.id');
if (onScenario) await key('Enter');
check('Tab reaches a scenario row and Enter opens it (and names it in the hash)', onScenario &&
  await until(`document.querySelector('#c-rows tr.scenario[data-id=${JSON.stringify(focusedScenario)}]').getAttribute('aria-expanded') === 'true' &&
    location.hash === ${JSON.stringify('#connection/' + encodeURIComponent(focusedScenario || ''))}`, 2000));
// What `connect` judged for the same scenarios, in a browser of its own.
await connectDone;
let judged = [];
try { judged = JSON.parse(readFileSync(connectReport, 'utf8')).results; } catch (e) { judged = String(e); }
const differing = quick.filter((id) => {
  const r = Array.isArray(judged) && judged.find((x) => x.case === id);
  return !r || !shownVerdicts[id] || r.verdict !== shownVerdicts[id].outcome || r.gate !== shownVerdicts[id].status;
});
check(`the tab's verdicts are those of \`connect --client ${engine}\``, differing.length === 0,
  `${differing.join(', ')}: tab ${JSON.stringify(shownVerdicts)}; connect ${JSON.stringify(Array.isArray(judged) ? judged.map((r) => [r.case, r.verdict, r.gate]) : judged)}`);
await driver.viewport(420, 900);
await open(`/#connection/${encodeURIComponent(quick[1])}`);
await click(`#c-rows tr.scenario[data-id=${JSON.stringify(quick[1])}] + tr.detail button.c-run-one`);
await until(`window.__sse.connection.results.get(${JSON.stringify(quick[1])})`, 30000);
const narrowConnection = await page(`document.documentElement.scrollWidth`);
await screenshot('narrow-connection');
check('no horizontal overflow at 420 px (connection, a scenario run and open)', narrowConnection <= (await page('innerWidth')), `${narrowConnection} px wide`);
await driver.resetViewport();
for (const scheme of driver.colorSchemes) {
  await driver.colorScheme(scheme);
  await open(`/#connection/${encodeURIComponent(quick[2])}`);
  await click(`#c-rows tr.scenario[data-id=${JSON.stringify(quick[2])}] + tr.detail button.c-run-one`);
  await until(`window.__sse.connection.results.get(${JSON.stringify(quick[2])})`, 30000);
  const { bad, checked } = await page(contrastProbe);
  await screenshot(`${scheme}-connection`);
  check(`text contrast is at least 4.5:1 on the Connection tab (${scheme} theme, ${checked} texts)`, bad.length === 0 && checked > 50, bad.join('; '));
}

if (driver.consoleLog === false) console.log('(no console log through WebKitWebDriver: console errors are checked in Chromium and Firefox)');
else check('no console error of the page\'s own', pageErrors.length === 0, pageErrors.slice(0, 5).join(' | '));
if (browserMessages.length) console.log(`(the browser logged ${browserMessages.length} errors of its own, not the page's: ${browserMessages[0]})`);
console.log(`${passed} checks passed, ${failures.length} failed${failures.length ? ': ' + failures.join('; ') : ''}`);
finish(failures.length ? 1 : 0);
