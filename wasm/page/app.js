// app.js: the browser comparison page. Every case runs through this browser's own EventSource
// (against the server that served this page) and through the reference parser compiled to WASM;
// the server judges the browser's observations with the same comparison code as `sse-conformance run`.
//
// URL parameters (the `browser` command uses them): auto=1 runs at once and reports /api/done;
// run=ID names the run; concurrency=N; area=A and verdict=V preset the filters; q=TEXT the search;
// engine=E overrides the engine detected from the user agent; open=ID (repeatable) opens a case's
// details; play=1 runs the playground's stream at once (with #playground to show it).
import { escapeString, escapeBytesRuns, parseEscapedText, hexToBytes, splitEscapes, useEscaper } from './escape.js';
import { loadReference } from './reference.js';

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// The engine

function detectEngine(ua) {
  let m;
  if ((m = /Firefox\/([\d.]+)/.exec(ua))) return { id: 'firefox', label: `Firefox ${m[1]}` };
  if ((m = /(?:Chromium|Chrome)\/([\d.]+)/.exec(ua))) return { id: 'chromium', label: `Chromium ${m[1]}` };
  if ((m = /AppleWebKit\/([\d.]+)/.exec(ua))) return { id: 'webkit', label: `WebKit ${m[1]}` };
  return { id: 'other', label: 'unknown browser' };
}
const engine = detectEngine(navigator.userAgent);
if (params.get('engine')) engine.id = params.get('engine');
$('engine').innerHTML = `<b>${engine.label}</b> · ${engine.id}`;
$('engine').title = navigator.userAgent;

// ---------------------------------------------------------------------------------------------
// State

const state = {
  cases: [],            // from /api/cases
  byId: new Map(),
  rows: new Map(),      // id -> {tr, detail, cells}
  results: new Map(),   // id -> server verdict JSON
  wasm: new Map(),      // id -> {log, verdict}
  running: false,
  stopRequested: false,
  startedAt: 0,
  elapsedMs: 0,
  reference: null,      // the WASM package adapter, or null
  config: null,
};
window.__sse = state;   // for debugging from the console

const runId = params.get('run') || `page-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
let runCounter = 0;

// ---------------------------------------------------------------------------------------------
// Rendering helpers

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function escapedSpan(s) {
  // Escapes coloured inside a string: split on backslash sequences produced by escapeString.
  const span = el('span', { class: 's' });
  for (const [text, isEscape] of splitEscapes(escapeString(s))) {
    span.append(isEscape ? el('span', { class: 'esc', text }) : text);
  }
  return span;
}

function observationItem(o, cls = '') {
  const li = el('li', { class: cls });
  li.append(el('span', { class: `k ${o.kind}`, text: o.kind }));
  const field = (name, value) => { li.append(` ${name}="`, escapedSpan(value), '"'); };
  switch (o.kind) {
    case 'event': field('type', o.type); field('data', o.data); field('last_event_id', o.last_event_id); break;
    case 'retry': li.append(` ms=${o.ms}`); break;
    case 'last_event_id': field('value', o.value); break;
    case 'comment': field('text', o.text); break;
    case 'end': field('last_event_id', o.last_event_id); break;
  }
  return li;
}

function sameObservation(a, b) {
  return a.kind === b.kind && a.type === b.type && a.data === b.data && a.last_event_id === b.last_event_id &&
    a.value === b.value && a.text === b.text && a.ms === b.ms;
}

/** Renders a log; `other` marks entries missing from it (when given) for a quick visual diff. */
function renderLog(ol, log, other, missingClass) {
  ol.replaceChildren();
  if (!log) { ol.append(el('li', { class: 'dim', text: '(not available)' })); return; }
  if (log.length === 0) ol.append(el('li', { class: 'dim', text: '(nothing observed)' }));
  const used = new Array(other ? other.length : 0).fill(false);
  for (const o of log) {
    let cls = '';
    if (o.kind === 'comment' || o.kind === 'retry' || o.kind === 'last_event_id') cls = 'dim';
    if (other) {
      const j = other.findIndex((p, k) => !used[k] && sameObservation(o, p));
      if (j >= 0) used[j] = true;
      else if (cls !== 'dim') cls = missingClass;  // kinds a page cannot see are never "missing"
    }
    ol.append(observationItem(o, cls));
  }
}

function bytesView(container, bytes, splits) {
  container.replaceChildren();
  const cuts = [0, ...(splits || []), bytes.length];
  for (let k = 0; k + 1 < cuts.length; k++) {
    if (k > 0) container.append(el('span', { class: 'cut', title: 'chunk boundary', text: '┆' }));
    const part = bytes.subarray(cuts[k], cuts[k + 1]);
    for (const [text, isEsc] of escapeBytesRuns(part)) container.append(isEsc ? el('span', { class: 'esc', text }) : text);
  }
  if (bytes.length === 0) container.append(el('span', { class: 'esc', text: '(empty body)' }));
}

function diffView(text) {
  const pre = el('pre', { class: 'diff' });
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const cls = line.startsWith('- ') ? 'minus' : line.startsWith('+ ') ? 'plus' : 'same';
    pre.append(el('span', { class: cls, text: line }));
  }
  return pre;
}

function pill(kind, text) { return el('span', { class: `pill ${kind}`, text: text ?? kind }); }

// ---------------------------------------------------------------------------------------------
// The table

function browserPill(c) {
  const r = state.results.get(c.id);
  if (state.runningIds?.has(c.id)) return pill('RUN', 'running');
  if (!r) return c.checkable ? pill('WAIT', 'not run') : pill('SKIP', 'n/a');
  // The server's gate status says how the result counts (the same rule as `sse-conformance run`).
  if (r.status === 'implementation-defined') return pill('IMPL', 'differs*');
  if (r.status === 'skipped') return pill('SKIP', 'n/a');
  if (r.status === 'ok') return pill('PASS', 'pass');
  return pill('FAIL', 'differs');
}

function wasmPill(c) {
  const w = state.wasm.get(c.id);
  if (!w) return pill('NA', '–');
  return w.equal ? pill('PASS', 'pass') : pill('FAIL', 'differs');
}

function buildRows() {
  const tbody = $('rows');
  tbody.replaceChildren();
  for (const c of state.cases) {
    const [area, ...rest] = c.id.split('/');
    const rules = el('div', { class: 'rules' }, ...c.rules.map((r) => el('span', { class: 'chip', text: r })));
    if (c.gap) rules.append(el('span', { class: 'chip gap', title: 'implementation-defined', text: c.gap }));
    const bcell = el('td'), wcell = el('td'), tcell = el('td', { class: 't' });
    const idcell = el('td', {},
      el('div', { class: 'cid' }, el('span', { class: 'area', text: area + '/' }), rest.join('/')),
      el('div', { class: 'desc', text: c.description }));
    const tr = el('tr', { class: 'case' }, bcell, wcell, idcell, el('td', {}, rules), tcell);
    tr.dataset.id = c.id;
    tr.addEventListener('click', () => toggleDetail(c.id));
    tbody.append(tr);
    state.rows.set(c.id, { tr, bcell, wcell, tcell, idcell, detail: null });
    updateRow(c.id);
  }
  applyFilters();
}

function updateRow(id) {
  const c = state.byId.get(id);
  const row = state.rows.get(id);
  row.bcell.replaceChildren(browserPill(c));
  row.wcell.replaceChildren(wasmPill(c));
  const r = state.results.get(id);
  row.tcell.textContent = r?.elapsed_ms != null ? `${Math.round(r.elapsed_ms)} ms` : '';
  row.tr.dataset.verdict = verdictKey(c);
  if ($('f-verdict').value) applyFilterTo(c);
  if (row.detail) fillDetail(c, row.detail);
}

function verdictKey(c) {
  const r = state.results.get(c.id);
  if (!r) return c.checkable ? 'pending' : 'SKIP';
  return r.outcome;
}

function toggleDetail(id) {
  const row = state.rows.get(id);
  if (row.detail) {
    row.detail.remove();
    row.detail = null;
    row.tr.classList.remove('open');
    return;
  }
  const td = el('td', { colspan: '5' });
  const tr = el('tr', { class: 'detail' }, td);
  row.tr.after(tr);
  tr.style.display = row.tr.style.display;
  row.tr.classList.add('open');
  row.detail = tr;
  fillDetail(state.byId.get(id), tr);
}

function fillDetail(c, tr) {
  const td = tr.firstChild;
  td.replaceChildren();
  const r = state.results.get(c.id);
  const w = state.wasm.get(c.id);
  const box = el('div', { class: 'detail' });
  const info = [];
  info.push(`${c.class}${c.gap ? ' (' + c.gap + ')' : ''}`);
  info.push(c.splits.length ? `${c.splits.length + 1} pinned chunks` : 'one chunk');
  if (c.initial_last_event_id) info.push(`initial last event ID "${escapeString(c.initial_last_event_id)}"`);
  if (c.retry_checked) info.push(`reconnection time ${c.expected_reconnect_ms} ms is checked`);
  box.append(el('p', { class: 'meta', text: info.join(' · ') }));
  if (c.guards) box.append(el('p', { class: 'meta', text: 'Guards against: ' + c.guards }));
  box.append(el('h4', { text: 'Input bytes' }));
  const bytes = el('div', { class: 'bytes' });
  bytesView(bytes, hexToBytes(c.hex), c.splits);
  box.append(bytes);

  const grid = el('div', { class: 'detail-grid' });
  const left = el('div'), right = el('div');
  left.append(el('h4', { text: `This browser (EventSource${r ? '' : ', not run yet'})` }));
  const obsList = el('ol', { class: 'log' });
  const expectedForBrowser = r?.expected ?? null;
  renderLog(obsList, r?.observed ?? null, expectedForBrowser, 'extra');
  left.append(obsList);
  if (r?.detail) left.append(el('p', { class: 'meta', text: r.detail }));

  const refLog = w?.log ?? c.expected;
  right.append(el('h4', { text: w ? 'Reference (WASM), all kinds' : 'Expected (corpus), all kinds' }));
  const refList = el('ol', { class: 'log' });
  renderLog(refList, refLog, r ? r.observed : null, r ? 'missing' : '');
  right.append(refList);
  right.append(el('p', { class: 'meta', text: 'Grey entries are invisible to a page (comments, retry lines, id commits).' }));
  grid.append(left, right);
  box.append(grid);
  if (r?.diff) {
    box.append(el('h4', { text: 'Difference (server, same code as `sse-conformance run`)' }));
    box.append(diffView(r.diff));
  }
  if (w && !w.equal) {
    box.append(el('h4', { text: 'WASM reference against the corpus' }));
    box.append(diffView(w.diff || 'differs'));
  }
  td.append(box);
}

/** Area and search select the cases a run executes; the verdict filter only narrows the view. */
function selected(c) {
  const area = $('f-area').value;
  const q = $('f-text').value.trim().toLowerCase();
  if (area && c.area !== area) return false;
  if (!q) return true;
  const hay = `${c.id} ${c.description} ${c.rules.join(' ')} ${c.gap} ${(c.tags || []).join(' ')}`.toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}

function applyFilterTo(c) {
  const verdict = $('f-verdict').value;
  const row = state.rows.get(c.id);
  let show = selected(c);
  if (show && verdict) {
    const v = verdictKey(c);
    if (verdict === 'FAIL-spec') show = v === 'FAIL' && c.class === 'spec';
    else show = v === verdict;
  }
  row.tr.style.display = show ? '' : 'none';
  if (row.detail) row.detail.style.display = show ? '' : 'none';
}

function applyFilters() {
  for (const c of state.cases) applyFilterTo(c);
}

function casesToRun() {
  return state.cases.filter(selected);
}

function updateSummary() {
  let pass = 0, fail = 0, impl = 0, skip = 0, done = 0;
  for (const c of state.cases) {
    const r = state.results.get(c.id);
    if (!r) { if (!c.checkable) skip++; continue; }
    done++;
    if (r.status === 'ok') pass++;
    else if (r.status === 'skipped') skip++;
    else if (r.status === 'implementation-defined') impl++;
    else fail++;
  }
  $('n-total').textContent = state.cases.length;
  $('n-pass').textContent = pass;
  $('n-fail').textContent = fail;
  $('n-impl').textContent = impl;
  $('n-skip').textContent = skip;
  const total = state.planned || 0;
  $('bar').style.width = total ? `${Math.min(100, (100 * state.doneInRun) / total)}%` : '0';
  if (state.startedAt) {
    const ms = state.running ? performance.now() - state.startedAt : state.elapsedMs;
    $('n-time').textContent = `${(ms / 1000).toFixed(1)} s`;
    $('l-time').textContent = state.running ? `running: ${state.doneInRun}/${total}` : `${state.doneInRun} cases run`;
  }
}

// ---------------------------------------------------------------------------------------------
// Running one case through EventSource

/** Event types the stream could make the EventSource fire: an EventSource has no wildcard
 *  listener, so the page listens for every type the reference or any plausible misreading of an
 *  `event` line could produce (with and without the one-space rule, trimmed, per line-ending style). */
function candidateTypes(c, bytes, referenceLog) {
  const types = new Set(['message']);
  for (const o of c.expected) if (o.kind === 'event') types.add(o.type);
  for (const o of referenceLog || []) if (o.kind === 'event') types.add(o.type);
  const text = new TextDecoder('utf-8').decode(bytes);
  for (const sep of [/\r\n|\r|\n/, /\n/, /\r/, /\r\n/]) {
    for (let line of text.split(sep)) {
      line = line.replace(/^\uFEFF/, '');
      const m = /^\s*event\s*(?::(.*))?$/s.exec(line);
      if (!m) continue;
      const v = m[1] ?? '';
      for (const w of [v, v.replace(/\0.*$/s, ''), v.replace(/\0/g, '')]) {
        for (const t of [w, w.replace(/^ /, ''), w.trim(), w.replace(/^\s+/, '')]) types.add(t || 'message');
      }
    }
  }
  types.delete('');
  return [...types];
}

function runCaseInBrowser(c, run, attempt) {
  const bytes = hexToBytes(c.hex);
  const types = candidateTypes(c, bytes, state.wasm.get(c.id)?.log);
  const url = `/stream?run=${encodeURIComponent(run)}&case=${encodeURIComponent(c.id)}&attempt=${attempt}`;
  const floor = state.config.reconnect_floor_ms || 0;
  const streamMs = (c.splits.length + 1) * (state.config.chunk_delay_ms || 0);
  const hardMs = 2 * Math.max(floor, 50) + streamMs + c.wait_ms + 8000;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const events = [];
    let errors = 0, settled = false, waitTimer = null;
    let es;
    const finish = (timedOut, error = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(hardTimer);
      clearTimeout(waitTimer);
      try { es.close(); } catch (_) { /* already closed */ }
      resolve({ events, timedOut, error, elapsed: performance.now() - t0 });
    };
    const hardTimer = setTimeout(() => finish(true, errors < 2 ? `the case's stream did not end within ${Math.round(hardMs)} ms` : ''), hardMs);
    try {
      es = new EventSource(url);
    } catch (e) {
      finish(false, `new EventSource threw: ${e}`);
      return;
    }
    // Only MessageEvents: a listener for a type named "error" or "open" also hears the connection's own.
    // Events before the first error belong to the priming response, not to the case.
    const onEvent = (e) => { if (e instanceof MessageEvent && errors > 0) events.push({ kind: 'event', type: e.type, data: e.data, last_event_id: e.lastEventId }); };
    for (const t of types) es.addEventListener(t, onEvent);
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) { finish(false); return; }
      errors++;
      // First error: the priming response ended. Second: the case's stream ended; the server answers
      // the next reconnection with 204 (CLOSED), unless it is not due within the wait.
      if (errors === 2) waitTimer = setTimeout(() => finish(true), c.wait_ms + 400);
    };
  });
}

async function postJSON(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function runOne(c, run, attempt = 1) {
  state.runningIds.add(c.id);
  updateRow(c.id);
  const seen = await runCaseInBrowser(c, run, attempt);
  let result;
  try {
    result = await postJSON('/api/result', {
      run, case: c.id, attempt, engine: engine.id, events: seen.events, timed_out: seen.timedOut, error: seen.error,
      elapsed_ms: seen.elapsed,
    });
  } catch (e) {
    result = { outcome: 'FAIL', status: 'new-failure', diff: `could not post the result: ${e}`, observed: seen.events, expected: null, detail: '' };
  }
  result.elapsed_ms = seen.elapsed;
  state.results.set(c.id, result);
  state.runningIds.delete(c.id);
  if (attempt === 1) state.doneInRun++;
  updateRow(c.id);
  updateSummary();
}

async function runCases(list) {
  if (state.running) return;
  state.running = true;
  state.stopRequested = false;
  state.runningIds = new Set();
  state.planned = list.length;
  state.doneInRun = 0;
  state.startedAt = performance.now();
  $('run').disabled = true;
  $('stop').disabled = false;
  const run = params.get('run') ? runId : `${runId}-${++runCounter}`;
  for (const c of list) { state.results.delete(c.id); updateRow(c.id); }
  const ticker = setInterval(updateSummary, 250);
  const queue = list.filter((c) => c.checkable);
  for (const c of list) if (!c.checkable) state.results.set(c.id, { outcome: 'SKIP', status: 'skipped', detail: c.unchecked, observed: null });
  state.doneInRun = list.length - queue.length;
  const concurrency = Math.max(1, Math.min(32, Number($('concurrency').value) || 4));
  const worker = async () => {
    while (queue.length && !state.stopRequested) await runOne(queue.shift(), run);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // A reconnection that came late (or not at all) may be the machine's load rather than the browser:
  // such cases run once more, one at a time, and the second attempt's verdict stands (the server
  // notes that it was a second attempt).
  const timing = list.filter((c) => {
    const r = state.results.get(c.id);
    // (only results that fail the gate are worth the wait: not implementation-defined ones)
    return r?.late && r.status === 'new-failure';
  });
  for (const c of timing) {
    if (state.stopRequested) break;
    await runOne(c, run, 2);
  }
  clearInterval(ticker);
  state.elapsedMs = performance.now() - state.startedAt;
  state.running = false;
  $('run').disabled = false;
  $('stop').disabled = true;
  for (const c of list) updateRow(c.id);
  updateSummary();
  applyFilters();
  return { run, elapsedMs: state.elapsedMs };
}

// ---------------------------------------------------------------------------------------------
// The WASM side of the table

function runWasmReference() {
  const ref = state.reference;
  if (!ref) return;
  for (const c of state.cases) {
    try {
      const log = ref.observe(hexToBytes(c.hex), c.initial_last_event_id, c.splits);
      const cmp = ref.compare(c.expected, log);
      state.wasm.set(c.id, { log, equal: cmp.equal, diff: cmp.diff });
    } catch (e) {
      state.wasm.set(c.id, { log: null, equal: false, diff: String(e) });
    }
    updateRow(c.id);
  }
}

// ---------------------------------------------------------------------------------------------
// Playground

const PRESETS = [
  ['Mixed example', 'retry: 2000\\nid: 1\\nevent: greeting\\ndata: hello\\r\\ndata: world\\r\\r\\n\\ndata: caf\\xC3\\xA9 \\xFF\\n\\nid\\n\\n'],
  ['id-only block', 'data: a\\n\\nid: 42\\n\\n'],
  ['BOM then CR line endings', '\\xEF\\xBB\\xBFdata: one\\rdata: two\\r\\r'],
  ['NUL in id and data', 'id: a\\0b\\ndata: x\\0y\\n\\n'],
  ['Empty retry (gap G4)', 'retry\\ndata: x\\n\\n'],
  ['Unterminated last event', 'data: first\\n\\ndata: never dispatched'],
  ['Comments and unknown fields', ': keep-alive\\nfoo: bar\\ndata: x\\n\\n'],
];

function setupPlayground() {
  const sel = $('play-preset');
  for (const [name] of PRESETS) sel.append(el('option', { text: name }));
  sel.addEventListener('change', () => { $('play-text').value = PRESETS[sel.selectedIndex][1]; previewPlayground(); });
  $('play-text').addEventListener('input', previewPlayground);
  $('play-id').addEventListener('input', previewPlayground);
  $('play-run').addEventListener('click', runPlayground);
  previewPlayground();
}

function playgroundBytes() {
  return parseEscapedText($('play-text').value.replace(/\r\n?/g, '\n'));
}

function previewPlayground() {
  let bytes;
  try {
    bytes = playgroundBytes();
  } catch (e) {
    $('play-bytes').textContent = `⚠ ${e.message}`;
    return null;
  }
  bytesView($('play-bytes'), bytes, []);
  if (state.reference) {
    try {
      renderLog($('play-ref'), state.reference.observe(bytes, $('play-id').value, []));
      $('play-ref-src').textContent = '(WASM, live)';
    } catch (e) {
      $('play-ref').replaceChildren(el('li', { class: 'missing', text: String(e) }));
    }
  }
  return bytes;
}

async function runPlayground() {
  const bytes = previewPlayground();
  if (!bytes) return;
  $('play-run').disabled = true;
  $('play-browser').replaceChildren(el('li', { class: 'dim', text: 'running…' }));
  $('play-note').textContent = '';
  try {
    const initial = $('play-id').value;
    const res = await fetch(`/api/playground?initial_last_event_id=${encodeURIComponent(initial)}`, { method: 'POST', body: bytes });
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    const { token, reference } = await res.json();
    const refLog = state.reference ? state.reference.observe(bytes, initial, []) : reference;
    if (!state.reference) $('play-ref-src').textContent = '(native, from the server)';
    // Wait for the reconnection as long as the reference's reconnection time says (capped).
    let retry = state.config.priming_retry_ms;
    for (const o of refLog) if (o.kind === 'retry') retry = o.ms;
    const waitMs = Math.min(Math.max(retry, state.config.reconnect_floor_ms) + 1500, state.config.wait_cap_ms);
    const fake = { id: 'playground', expected: refLog, splits: [], wait_ms: waitMs, hex: '' };
    const types = candidateTypes(fake, bytes, refLog);
    const events = await new Promise((resolve) => {
      const got = [];
      let errors = 0, done = false, t = null;
      const es = new EventSource(`/stream?play=${token}`);
      const end = () => { if (!done) { done = true; clearTimeout(t); es.close(); resolve(got); } };
      for (const ty of types) es.addEventListener(ty, (e) => { if (e instanceof MessageEvent && errors > 0) got.push({ kind: 'event', type: e.type, data: e.data, last_event_id: e.lastEventId }); });
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) return end();
        if (++errors === 2) t = setTimeout(end, waitMs + 400);
      };
      setTimeout(end, waitMs + 10000);
    });
    const seen = await (await fetch(`/api/playground?token=${token}`)).json();
    const log = [...events];
    if (seen.reconnect?.seen) log.push({ kind: 'end', last_event_id: seen.reconnect.last_event_id });
    const visible = refLog.filter((o) => o.kind === 'event' || o.kind === 'end');
    renderLog($('play-browser'), log, visible, 'extra');
    renderLog($('play-ref'), refLog, log, 'missing');
    $('play-note').textContent = seen.reconnect?.seen
      ? `Reconnected after ${Math.round(seen.reconnect.delay_ms)} ms (reference reconnection time: ${retry} ms)` +
        (seen.reconnect.header_present ? '.' : ', without a Last-Event-ID header.')
      : `No reconnection within ${waitMs} ms, so the end (Last-Event-ID) is not known.`;
  } catch (e) {
    $('play-browser').replaceChildren(el('li', { class: 'missing', text: String(e) }));
  } finally {
    $('play-run').disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Start

function setupTabs() {
  const show = (name) => {
    for (const b of document.querySelectorAll('.tab[data-tab]')) {
      const on = b.dataset.tab === name;
      b.classList.toggle('active', on);
      b.setAttribute('aria-selected', String(on));
    }
    $('tab-corpus').classList.toggle('hidden', name !== 'corpus');
    $('tab-playground').classList.toggle('hidden', name !== 'playground');
  };
  for (const b of document.querySelectorAll('.tab[data-tab]')) {
    b.addEventListener('click', () => { history.replaceState(null, '', `${location.search}#${b.dataset.tab}`); show(b.dataset.tab); });
  }
  show(location.hash === '#playground' ? 'playground' : 'corpus');
}

async function main() {
  setupTabs();
  // An EventSource holds a connection only while its stream is being sent, not while it waits to
  // reconnect, so more cases than the ~6 connections per host can run at once. Firefox waits at
  // least 500 ms per reconnection, so it gets more of them in flight.
  $('concurrency').value = engine.id === 'firefox' ? 12 : 4;
  if (params.get('concurrency')) $('concurrency').value = params.get('concurrency');
  const res = await fetch(`/api/cases?engine=${encodeURIComponent(engine.id)}`);
  state.config = await res.json();
  state.cases = state.config.cases;
  for (const c of state.cases) state.byId.set(c.id, c);
  for (const a of state.config.areas) $('f-area').append(el('option', { value: a, text: a }));
  if (params.get('area')) $('f-area').value = params.get('area');
  if (params.get('verdict')) $('f-verdict').value = params.get('verdict');
  if (params.get('q')) $('f-text').value = params.get('q');
  for (const id of ['f-area', 'f-verdict', 'f-text']) $(id).addEventListener('input', applyFilters);
  buildRows();
  updateSummary();

  state.reference = await loadReference().catch((e) => { console.warn(e); return null; });
  if (state.reference) useEscaper(state.reference.escape);
  $('wasm-status').textContent = state.reference
    ? `WASM reference: ${state.reference.description}`
    : 'WASM reference: not available (build the wasm package); the corpus\'s expected logs are shown instead';
  runWasmReference();
  setupPlayground();

  $('run').addEventListener('click', () => runCases(casesToRun()));
  $('stop').addEventListener('click', () => { state.stopRequested = true; });
  $('run').textContent = '▶ Run';

  if (params.get('play') === '1') runPlayground();
  if (params.get('auto') === '1') {
    const { run, elapsedMs } = await runCases(casesToRun());
    await postJSON('/api/done', { run, engine: engine.id, user_agent: navigator.userAgent, elapsed_ms: elapsedMs });
    document.title = 'done: ' + document.title;
  }
  for (const id of params.getAll('open')) if (state.rows.has(id)) toggleDetail(id);
}

main().catch((e) => {
  console.error(e);
  document.querySelector('main').prepend(el('p', { class: 'note', text: `The page could not start: ${e}` }));
});
