// app.js: the browser comparison page. Every case runs through this browser's own EventSource
// (against the server that served this page) and through the reference parser compiled to WASM;
// the server judges the browser's observations with the same comparison code as `sse-conformance run`.
//
// URL parameters (the `browser` command uses them): auto=1 runs at once and reports /api/done;
// run=ID names the run; concurrency=N; area=A and verdict=V preset the filters; q=TEXT the search;
// engine=E overrides the engine detected from the user agent; open=ID (repeatable) opens a case's
// details; play=1 runs the playground's stream at once (with #playground to show it).
// The hash is the view (see route()): #corpus, #playground&text=…&id=…&delay=… (the playground's
// whole state), #case=ID (opens, scrolls to and highlights a case; so does a bare #ID),
// #connection and #connection/ID (the Connection tab, with that scenario open).
import { escapeString, escapeBytesRuns, parseEscapedText, bytesToNotation, hexToBytes, splitEscapes, useEscaper } from './escape.js';
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
$('engine').replaceChildren(el('b', { text: engine.label }), el('span', { class: 'engine-id', text: ` · ${engine.id}` }));
$('engine').title = navigator.userAgent;

// ---------------------------------------------------------------------------------------------
// State

const state = {
  cases: [],            // from /api/cases
  byId: new Map(),
  rows: new Map(),      // id -> {tr, detail, cells}
  results: new Map(),   // id -> server verdict JSON, of the latest run only
  wasm: new Map(),      // id -> {log, verdict}
  running: false,
  stopRequested: false,
  planned: 0,           // cases in the latest run, and how many of them have a result
  doneInRun: 0,
  startedAt: 0,
  elapsedMs: 0,         // the latest run's time, its re-runs included
  reference: null,      // the WASM package adapter, or null
  config: null,
  playground: null,     // the last playground run: {events: [{type, data, chunk, ms_after_chunk}], splits, delay, reconnect}
  lastCopied: '',       // what the last copy button handed to the clipboard
};
window.__sse = state;   // for debugging from the console, and for runner/test/browser/page_test.mjs

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

function diffView(text, minusSide, plusSide) {
  const pre = el('pre', { class: 'diff' });
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const cls = line.startsWith('- ') ? 'minus' : line.startsWith('+ ') ? 'plus' : 'same';
    const title = cls === 'minus' ? `only in ${minusSide}` : cls === 'plus' ? `only in ${plusSide}` : '';
    pre.append(el('span', { class: cls, text: line, ...(title ? { title } : {}) }));
  }
  return pre;
}

/** 16 bytes a line: offset, hex, and the printable ASCII (others as "."); "|" marks a chunk end. */
function hexDump(bytes, splits) {
  const cuts = new Set(splits);
  const lines = [];
  for (let at = 0; at < bytes.length; at += 16) {
    let hex = '', ascii = '';
    for (let i = at; i < at + 16; i++) {
      if (i >= bytes.length) { hex += '   '; continue; }
      hex += (cuts.has(i) ? '|' : ' ') + bytes[i].toString(16).padStart(2, '0');
      ascii += bytes[i] >= 0x20 && bytes[i] < 0x7f ? String.fromCharCode(bytes[i]) : '.';
    }
    lines.push(`${at.toString(16).padStart(6, '0')} ${hex}  ${ascii}`);
  }
  return lines.join('\n') || '(empty body)';
}

/** A POSIX shell command writing the bytes to a file: printf with octal escapes, which every printf takes. */
function printfCommand(bytes, name) {
  let body = '';
  for (const b of bytes) {
    body += b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c && b !== 0x25 ? String.fromCharCode(b) : '\\' + b.toString(8).padStart(3, '0');
  }
  return `printf '${body}' > ${name}.sse`;
}

/** Copies text (the Clipboard API, or a selected textarea where it is refused) and says so on the button. */
async function copyText(text, button) {
  state.lastCopied = text;
  let ok = true;
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    const area = el('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    ok = document.execCommand('copy');
    area.remove();
  }
  const label = button.dataset.label || (button.dataset.label = button.textContent);
  button.textContent = ok ? 'Copied ✓' : 'Copy failed';
  setTimeout(() => { button.textContent = label; }, 1500);
}

function pill(kind, text) { return el('span', { class: `pill ${kind}`, text: text ?? kind }); }

// ---------------------------------------------------------------------------------------------
// The table

function browserPill(c) {
  const r = state.results.get(c.id);
  if (state.runningIds?.has(c.id)) return pill('RUN', 'running');
  if (!r) return c.checkable ? pill('WAIT', 'not run') : pill('SKIP', 'n/a');
  // The server's gate status says how the result counts (the same rule as `sse-conformance run`).
  if (r.status === 'implementation-defined') {
    const p = pill('IMPL', 'impl.-def.');
    p.title = 'Differs on a case the standard leaves implementation-defined: not a failure';
    return p;
  }
  if (r.status === 'skipped') return pill('SKIP', 'n/a');
  if (r.status === 'ok') return pill('PASS', 'pass');
  return pill('FAIL', 'differs');
}

function wasmPill(c) {
  const w = state.wasm.get(c.id);
  if (!w) return pill('NA', '–');
  const p = w.equal ? pill('PASS', 'pass') : pill('FAIL', 'differs');
  p.title = w.equal ? 'The WASM reference gives the expected log' : 'The WASM reference differs from the expected log';
  return p;
}

/** The id cell (the area dimmed; a line may break after a "/" or "-" of the id, never inside a word) and the rules cell of a case or scenario. */
function idAndRuleCells(item) {
  const [area, ...rest] = item.id.split('/');
  const rules = el('div', { class: 'rules' }, ...item.rules.map((r) => ruleChip(r, 'chip')));
  if (item.gap) rules.append(ruleChip(item.gap, 'chip gap', 'implementation-defined: '));
  const idParts = rest.join('/').split(/(?<=[/-])/).flatMap((part) => [part, el('wbr')]);
  const idcell = el('td', { class: 'id' },
    el('div', { class: 'cid' }, el('span', { class: 'area', text: area + '/' }), el('wbr'), ...idParts),
    el('div', { class: 'desc', text: item.description }));
  return [idcell, el('td', { class: 'r' }, rules)];
}

/** A row in the Tab order that `open`s on a click (not on its links and buttons), Enter or Space. */
function openableRow(item, cls, cells, open) {
  const tr = el('tr', { class: cls, tabindex: '0', 'aria-expanded': 'false', 'aria-label': `${item.id}: ${item.description}` }, ...cells);
  tr.dataset.id = item.id;
  tr.addEventListener('click', (e) => { if (!e.target.closest('a, button')) open(item.id); });
  tr.addEventListener('keydown', (e) => {
    if (e.target !== tr || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    open(item.id);
  });
  return tr;
}

/** Opens or closes a row's detail (the row after it, spanning `colspan` cells); `fill(tr)` fills a new one. */
function toggleRowDetail(row, colspan, fill) {
  if (row.detail) {
    row.detail.remove();
    row.detail = null;
    row.tr.classList.remove('open');
    row.tr.setAttribute('aria-expanded', 'false');
    return;
  }
  const tr = el('tr', { class: 'detail' }, el('td', { colspan: String(colspan) }));
  row.tr.after(tr);
  tr.style.display = row.tr.style.display;
  row.tr.classList.add('open');
  row.tr.setAttribute('aria-expanded', 'true');
  row.detail = tr;
  fill(tr);
}

/** Marks the row of `id` (null: none) as the one the URL names. */
function highlightIn(rows, id) {
  for (const [rid, row] of rows) row.tr.classList.toggle('target', rid === id);
}

function buildRows() {
  const tbody = $('rows');
  tbody.replaceChildren();
  for (const c of state.cases) {
    const bcell = el('td', { class: 'v' }), wcell = el('td', { class: 'v' }), tcell = el('td', { class: 't' });
    const [idcell, rulescell] = idAndRuleCells(c);
    const tr = openableRow(c, 'case', [bcell, wcell, idcell, rulescell, tcell], openFromUser);
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

/** A rule or gap id as a link to its text in the standard, with the catalogue's summary as its title. */
function ruleChip(id, cls, prefix = '') {
  const rule = state.config.rules?.[id];
  const a = el('a', { class: cls, text: id, href: rule?.link || 'https://html.spec.whatwg.org/multipage/server-sent-events.html',
    target: '_blank', rel: 'noopener' });
  a.title = prefix + (rule ? `${id}: ${rule.summary}` : id);
  return a;
}

/** A click or Enter on a row: toggles it, and the URL names the open case (Back closes it again). */
function openFromUser(id) {
  const opening = !state.rows.get(id).detail;
  toggleDetail(id);
  if (opening) history.pushState(null, '', `${location.search}#case=${encodeURIComponent(id)}`);
  else if (currentHash().get('case') === id) history.pushState(null, '', `${location.search}#corpus`);
  highlight(opening ? id : null);
}

function highlight(id) { highlightIn(state.rows, id); }

function toggleDetail(id) {
  toggleRowDetail(state.rows.get(id), 5, (tr) => fillDetail(state.byId.get(id), tr));
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
  const raw = hexToBytes(c.hex);
  bytesView(bytes, raw, c.splits);
  box.append(bytes, reproducer(c, raw));

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
    box.append(el('h4', { text: 'Difference (server, same code as `sse-conformance run`): - expected, + this browser' }));
    box.append(diffView(r.diff, 'the expected log', 'this browser'));
  }
  if (w && !w.equal) {
    box.append(el('h4', { text: 'WASM reference against the corpus: - expected, + reference' }));
    box.append(diffView(w.diff || 'differs', 'the expected log', 'the WASM reference'));
  }
  td.append(box);
}

/** What it takes to reproduce a case elsewhere: its file, a hex dump, commands and buttons to copy them. */
function reproducer(c, raw) {
  const box = el('div', { class: 'repro' });
  const file = c.file ? c.file.slice(Math.max(0, c.file.lastIndexOf('fixtures/'))) : '';
  const name = c.id.replace(/[^A-Za-z0-9._-]+/g, '-');
  const cli = `sse-conformance run --filter '${c.id}'`;
  box.append(el('p', { class: 'meta' }, 'Fixture ', el('code', { text: file || '(not from a file)' }),
    ' · run just this case: ', el('code', { text: cli })));
  const dump = hexDump(raw, c.splits);
  const copies = [
    ['Copy hex', 'copy-hex', () => dump],
    ['Copy printf', 'copy-printf', () => printfCommand(raw, name)],
    ['Copy fixture JSON', 'copy-fixture', () => JSON.stringify(c.fixture ?? { id: c.id, expected: c.expected }, null, 2)],
    ['Copy CLI command', 'copy-cli', () => cli],
  ];
  const bar = el('div', { class: 'repro-bar' });
  for (const [label, cls, text] of copies) {
    const b = el('button', { class: cls, type: 'button', text: label });
    b.addEventListener('click', (e) => { e.stopPropagation(); copyText(text(), b); });
    bar.append(b);
  }
  const open = el('a', { class: 'button', href: playgroundHash({ text: bytesToNotation(raw, c.splits), id: c.initial_last_event_id || '', delay: 0 }), text: 'Open in playground' });
  const rerun = el('button', { class: 'rerun', type: 'button', text: '↻ Re-run this case' });
  rerun.disabled = state.running || !c.checkable;
  rerun.addEventListener('click', (e) => { e.stopPropagation(); rerunCases([c]); });
  bar.append(open, rerun);
  box.append(bar, el('pre', { class: 'hexdump', text: dump }));
  return box;
}

/** Area and search select the cases a run executes; the verdict filter only narrows the view. */
function selected(c) {
  const area = $('f-area').value;
  const q = $('f-text').value.trim().toLowerCase();
  if (area && c.area !== area) return false;
  if (!q) return true;
  const hay = `${c.id} ${c.description} ${(c.tags || []).join(' ')}`.toLowerCase();
  const cited = new Set([...c.rules, c.gap].map((r) => (r || '').toLowerCase()));
  // A rule or gap id (R2, G4, P1, E1) finds the cases that cite it, not R20..R29 too.
  return q.split(/\s+/).every((w) => (/^[rgpe]\d+$/.test(w) ? cited.has(w) : hay.includes(w)));
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
  const shown = state.cases.filter((c) => state.rows.get(c.id).tr.style.display !== 'none').length;
  $('no-match').classList.toggle('hidden', shown > 0 || state.cases.length === 0);
  $('cases').classList.toggle('hidden', shown === 0 && state.cases.length > 0);
}

/** The filters live in the query string, so a filtered view is a link. */
function filtersToUrl() {
  const q = new URLSearchParams(location.search);
  for (const [key, id] of [['area', 'f-area'], ['verdict', 'f-verdict'], ['q', 'f-text']]) {
    if ($(id).value) q.set(key, $(id).value);
    else q.delete(key);
  }
  const search = q.toString();
  history.replaceState(null, '', `${search ? '?' + search : location.pathname}${location.hash}`);
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
  // The results map holds the latest run only (a run clears it; a re-run replaces its cases' results),
  // so the cards count one run, whatever was stopped or filtered.
  const total = state.planned || 0;
  $('n-total').textContent = state.cases.length;
  $('l-total').textContent = total && total !== state.cases.length ? `cases (${total} in this run)` : 'cases';
  $('n-pass').textContent = pass;
  $('n-fail').textContent = fail;
  $('n-impl').textContent = impl;
  $('n-skip').textContent = skip;
  const percent = total ? Math.min(100, Math.round((100 * state.doneInRun) / total)) : 0;
  $('bar').style.width = `${percent}%`;
  $('progress').setAttribute('aria-valuenow', String(percent));
  if (state.startedAt) {
    const ms = (state.running ? performance.now() - state.startedAt : 0) + state.elapsedMs;
    $('n-time').textContent = `${(ms / 1000).toFixed(1)} s`;
    const counted = `${state.doneInRun} of ${total} cases run`;
    $('l-time').textContent = state.running ? `running: ${counted}` : state.stopRequested ? `stopped: ${counted}` : counted;
  }
}

/** Says in the live region what a run did, once at its start and once at its end (not every tick). */
function announce(text) { $('run-status').textContent = text; }

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

/** Parallel EventSources: the input's value, clamped to what it says (1 to 16), and written back clamped. */
function concurrency() {
  const input = $('concurrency');
  const n = Math.round(Number(input.value));
  const value = Number.isFinite(n) && n >= 1 ? Math.min(16, n) : 4;
  if (String(value) !== input.value) input.value = String(value);
  return value;
}

/** Runs the cases again within the latest run: their results are replaced, the others' are kept. */
function rerunCases(list) { return runCases(list, { rerun: true }); }

async function runCases(list, { rerun = false } = {}) {
  if (state.running) return;
  state.running = true;
  state.stopRequested = false;
  state.runningIds = new Set();
  if (!rerun || !state.planned) {
    // A new run (or a re-run before any run): the table and the cards describe it alone.
    const earlier = [...state.results.keys()];
    state.results.clear();
    for (const id of earlier) updateRow(id);
    state.planned = list.length;
    state.doneInRun = 0;
    state.elapsedMs = 0;
  }
  state.startedAt = performance.now();
  setRunning(true);
  announce(`${rerun ? 'Re-running' : 'Running'} ${list.length} case${list.length === 1 ? '' : 's'}…`);
  const run = params.get('run') ? runId : `${runId}-${++runCounter}`;
  for (const c of list) {
    if (rerun && state.results.has(c.id)) state.doneInRun--;
    state.results.delete(c.id);
    updateRow(c.id);
  }
  const ticker = setInterval(updateSummary, 250);
  const queue = list.filter((c) => c.checkable);
  for (const c of list) if (!c.checkable) state.results.set(c.id, { outcome: 'SKIP', status: 'skipped', detail: c.unchecked, observed: null });
  state.doneInRun += list.length - queue.length;
  const worker = async () => {
    while (queue.length && !state.stopRequested) await runOne(queue.shift(), run);
  };
  await Promise.all(Array.from({ length: concurrency() }, worker));
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
  const elapsedMs = performance.now() - state.startedAt;
  state.elapsedMs += elapsedMs;
  state.running = false;
  setRunning(false);
  for (const c of list) updateRow(c.id);
  updateSummary();
  applyFilters();
  const differing = [...state.results.values()].filter((r) => r.status === 'new-failure').length;
  announce(`${state.stopRequested ? 'Stopped' : 'Done'}: ${$('l-time').textContent}, ${differing} differ${differing === 1 ? 's' : ''} (spec).`);
  return { run, elapsedMs };
}

function setRunning(on) {
  $('run').disabled = on;
  $('rerun-differing').disabled = on || differingCases().length === 0;
  $('stop').disabled = !on;
  for (const b of document.querySelectorAll('button.rerun')) b.disabled = on;
}

function differingCases() {
  return state.cases.filter((c) => ['new-failure', 'implementation-defined'].includes(state.results.get(c.id)?.status));
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
  ['CR at a chunk end (dispatch at once)', 'data: a\\r\\r\\|data: b\\n\\n'],
  ['CRLF split across chunks', 'data: a\\r\\|\\ndata: b\\r\\n\\r\\|\\n'],
  ['NUL in id and data', 'id: a\\0b\\ndata: x\\0y\\n\\n'],
  ['Empty retry (gap G4)', 'retry\\ndata: x\\n\\n'],
  ['Unterminated last event', 'data: first\\n\\ndata: never dispatched'],
  ['Comments and unknown fields', ': keep-alive\\nfoo: bar\\ndata: x\\n\\n'],
];
const EDITED = '(edited)';

function setupPlayground() {
  const sel = $('play-preset');
  sel.append(el('option', { text: EDITED, value: '', disabled: '' }));
  for (const [name] of PRESETS) sel.append(el('option', { text: name, value: name }));
  sel.value = PRESETS[0][0];
  // Any edit selects "(edited)", so choosing the preset again restores it.
  sel.addEventListener('change', () => {
    const preset = PRESETS.find(([name]) => name === sel.value);
    if (preset) $('play-text').value = preset[1];
    playgroundEdited(false);
  });
  for (const id of ['play-text', 'play-id', 'play-delay']) $(id).addEventListener('input', () => playgroundEdited(id === 'play-text'));
  $('play-run').addEventListener('click', runPlayground);
  $('play-share').addEventListener('click', () => copyText(new URL(playgroundHash(playgroundState()), location.href).href, $('play-share')));
  previewPlayground();
  clearPlaygroundBrowser('(not sent yet: press Send)');
}

function playgroundState() {
  return { text: $('play-text').value, id: $('play-id').value, delay: Number($('play-delay').value) || 0 };
}

/** The playground's whole state as a hash: #playground&text=…&id=…&delay=… */
function playgroundHash({ text, id, delay }) {
  const q = new URLSearchParams();
  q.set('text', text);
  if (id) q.set('id', id);
  if (delay) q.set('delay', String(delay));
  return `#playground&${q}`;
}

function loadPlaygroundState(hash) {
  if (!hash.has('text')) return;
  $('play-text').value = hash.get('text');
  $('play-id').value = hash.get('id') || '';
  $('play-delay').value = hash.get('delay') || '0';
  $('play-preset').value = PRESETS.find(([, text]) => text === hash.get('text'))?.[0] ?? '';
  previewPlayground();
  clearPlaygroundBrowser('(not sent yet: press Send)');
}

/** An edit: the preview follows, the browser's log of the old stream goes, and the URL keeps the state. */
function playgroundEdited(fromText) {
  if (fromText) $('play-preset').value = '';
  previewPlayground();
  clearPlaygroundBrowser('(edited since the last Send: press Send to run it)');
  history.replaceState(null, '', `${location.search}${playgroundHash(playgroundState())}`);
}

function clearPlaygroundBrowser(text) {
  $('play-browser').replaceChildren(el('li', { class: 'dim', text }));
  $('play-note').textContent = '';
}

/** The bytes and chunk ends of the playground's text, with the delay; throws on a bad escape or delay. */
function playgroundStream() {
  const splits = [];
  const bytes = parseEscapedText($('play-text').value.replace(/\r\n?/g, '\n'), splits);
  const delay = Number($('play-delay').value);
  if (!Number.isInteger(delay) || delay < 0 || delay > 1000) throw new Error('the delay per chunk is a whole number of ms from 0 to 1000');
  return { bytes, splits, delay, initial: $('play-id').value };
}

function previewPlayground() {
  let stream;
  try {
    stream = playgroundStream();
  } catch (e) {
    // Nothing of the previous stream stays: no bytes, no reference log, no Send.
    $('play-error').textContent = `⚠ ${e.message}. Nothing can be sent until it is fixed.`;
    $('play-bytes').replaceChildren();
    $('play-ref').replaceChildren(el('li', { class: 'missing', text: `(no stream: ${e.message})` }));
    $('play-run').disabled = true;
    return null;
  }
  $('play-error').textContent = '';
  $('play-run').disabled = false;
  bytesView($('play-bytes'), stream.bytes, stream.splits);
  if (state.reference) {
    try {
      renderLog($('play-ref'), state.reference.observe(stream.bytes, stream.initial, stream.splits));
      $('play-ref-src').textContent = '(WASM, live)';
    } catch (e) {
      $('play-ref').replaceChildren(el('li', { class: 'missing', text: String(e) }));
    }
  } else {
    $('play-ref').replaceChildren(el('li', { class: 'dim', text: '(shown after Send: the WASM reference is not loaded)' }));
  }
  return stream;
}

/** Opens the stream in this browser's EventSource; each event with its time after the stream's open. */
function watchPlayground(token, delay, types, waitMs) {
  return new Promise((resolve) => {
    const got = [];
    let errors = 0, done = false, t = null, openedAt = null;
    const es = new EventSource(`/stream?play=${token}&delay=${delay}`);
    const end = () => { if (!done) { done = true; clearTimeout(t); es.close(); resolve({ events: got, openedAt }); } };
    // The second open is the stream's own response (the first is the priming one).
    es.onopen = () => { if (errors > 0 && openedAt === null) openedAt = performance.now(); };
    for (const ty of types) {
      es.addEventListener(ty, (e) => {
        if (e instanceof MessageEvent && errors > 0) got.push({ kind: 'event', type: e.type, data: e.data, last_event_id: e.lastEventId, at: performance.now() });
      });
    }
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) return end();
      if (++errors === 2) t = setTimeout(end, waitMs + 400);
    };
    setTimeout(end, waitMs + 10000 + 1000 * delay);
  });
}

async function runPlayground() {
  const stream = previewPlayground();
  if (!stream) return;
  const { bytes, splits, delay, initial } = stream;
  $('play-run').disabled = true;
  clearPlaygroundBrowser('running…');
  try {
    const query = new URLSearchParams({ initial_last_event_id: initial, splits: splits.join(',') });
    const res = await fetch(`/api/playground?${query}`, { method: 'POST', body: bytes });
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    const { token, reference, chunk_of: chunkOf } = await res.json();
    const refLog = state.reference ? state.reference.observe(bytes, initial, splits) : reference;
    if (!state.reference) $('play-ref-src').textContent = '(native, from the server)';
    // Wait for the reconnection as long as the stream's reconnection time says (capped). Without a
    // retry line the browser's is the server's priming response's.
    const retries = refLog.filter((o) => o.kind === 'retry');
    const retry = retries.length ? retries[retries.length - 1].ms : state.config.priming_retry_ms;
    const waitMs = Math.min(Math.max(retry, state.config.reconnect_floor_ms) + 1500, state.config.wait_cap_ms);
    const waited = retry + 400 <= waitMs;
    const fake = { id: 'playground', expected: refLog, splits, wait_ms: waitMs, hex: '' };
    const { events, openedAt } = await watchPlayground(token, delay, candidateTypes(fake, bytes, refLog), waitMs);
    const seen = await (await fetch(`/api/playground?token=${token}`)).json();
    const log = events.map(({ at, ...o }) => o);
    if (seen.reconnect?.seen) log.push({ kind: 'end', last_event_id: seen.reconnect.last_event_id });
    // An end not waited for is not "missing": the page did not wait that long.
    const visible = refLog.filter((o) => o.kind === 'event' || (o.kind === 'end' && (waited || seen.reconnect?.seen)));
    renderLog($('play-browser'), log, visible, 'extra');
    renderLog($('play-ref'), refLog.filter((o) => o.kind !== 'end' || waited || seen.reconnect?.seen), log, 'missing');
    state.playground = { events: timedEvents(events, openedAt, refLog, chunkOf, delay), splits, delay, reconnect: seen.reconnect };
    showEventTimes($('play-browser'), state.playground.events);
    const source = retries.length ? `the stream's retry: ${retry} ms` : `${retry} ms, from the server's priming response: the stream sets none`;
    $('play-note').textContent = seen.reconnect?.seen
      ? `Reconnected after ${Math.round(seen.reconnect.delay_ms)} ms (reconnection time ${source})` +
        (seen.reconnect.header_present ? '.' : ', without a Last-Event-ID header.')
      : waited ? `No reconnection within ${waitMs} ms, so the end (Last-Event-ID) is not known.`
        : `The reconnection time (${source}) is longer than the page waits (${waitMs} ms): the end (Last-Event-ID) was not waited for.`;
  } catch (e) {
    $('play-browser').replaceChildren(el('li', { class: 'missing', text: String(e) }));
  } finally {
    $('play-run').disabled = false;
  }
}

/**
 * Each browser event with the chunk that completed the same event in the reference (the n-th event
 * of each log) and its time after that chunk was due: the stream's open plus `delay` per chunk before it.
 */
function timedEvents(events, openedAt, refLog, chunkOf, delay) {
  const refEvents = [];
  refLog.forEach((o, i) => { if (o.kind === 'event') refEvents.push(chunkOf?.[i] ?? null); });
  return events.map((e, n) => {
    const chunk = refEvents[n] ?? null;
    const msAfterChunk = chunk === null || openedAt === null ? null : e.at - openedAt - chunk * delay;
    return { type: e.type, data: e.data, chunk, ms_after_chunk: msAfterChunk };
  });
}

function showEventTimes(ol, timed) {
  const items = [...ol.children].filter((li) => li.querySelector('.k.event'));
  items.forEach((li, n) => {
    const t = timed[n];
    if (!t || t.ms_after_chunk === null) return;
    li.append(el('span', { class: 'when', title: 'time after the chunk that completed the event was sent',
      text: ` +${Math.max(0, Math.round(t.ms_after_chunk))} ms after chunk ${t.chunk + 1}` }));
  });
}

// ---------------------------------------------------------------------------------------------
// The Connection tab: the connection scenarios (fixtures/connection/) through this browser's
// `new EventSource(url)`. For each run the server starts a scenario server (POST /api/connection)
// and names the scenario's document on its first origin; the page loads it in a small frame, the
// document constructs the EventSource and reports to the server, which plays, checks and judges
// exactly as `sse-conformance connect --client ENGINE` does. The page polls for the verdict.

const conn = {
  scenarios: [],
  byId: new Map(),
  rows: new Map(),     // id -> {tr, vcell, tcell, detail}
  results: new Map(),  // id -> the server's verdict JSON, of the latest run
  runningIds: new Set(),
  running: false,
  stopRequested: false,
  loaded: false,
};
state.connection = conn;  // for runner/test/browser/page_test.mjs

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function scenarioPill(id) {
  if (conn.runningIds.has(id)) return pill('RUN', 'running');
  const r = conn.results.get(id);
  if (!r) return pill('WAIT', 'not run');
  if (r.status === 'ok') return pill('PASS', 'pass');
  if (r.status === 'implementation-defined') {
    const p = pill('IMPL', 'impl.-def.');
    p.title = 'Differs on a scenario the standard leaves implementation-defined: not a failure';
    return p;
  }
  if (r.outcome === 'FAIL') return pill('FAIL', 'differs');
  const p = pill('SKIP', r.outcome.toLowerCase());
  p.title = r.detail;
  return p;
}

/** The hash of a scenario's permalink. */
function scenarioHash(id) { return `#connection/${encodeURIComponent(id)}`; }

function buildScenarioRows() {
  const tbody = $('c-rows');
  tbody.replaceChildren();
  for (const s of conn.scenarios) {
    const vcell = el('td', { class: 'v' }), tcell = el('td', { class: 't' });
    const tr = openableRow(s, 'case scenario', [vcell, ...idAndRuleCells(s), tcell], openScenarioFromUser);
    tbody.append(tr);
    conn.rows.set(s.id, { tr, vcell, tcell, detail: null });
    updateScenarioRow(s.id);
  }
  applyScenarioFilters();
}

function updateScenarioRow(id) {
  const row = conn.rows.get(id);
  row.vcell.replaceChildren(scenarioPill(id));
  const r = conn.results.get(id);
  row.tcell.textContent = r ? `${Math.round(r.elapsed_ms)} ms` : '';
  if (row.detail) fillScenarioDetail(conn.byId.get(id), row.detail);
}

function scenarioShown(s) {
  const area = $('c-area').value, text = $('c-text').value.trim().toLowerCase();
  if (area && s.area !== area) return false;
  if (!text) return true;
  return [s.id, s.description, s.gap, s.class, ...s.rules, ...s.tags].some((f) => f && f.toLowerCase().includes(text));
}

function applyScenarioFilters() {
  let shown = 0;
  for (const s of conn.scenarios) {
    const row = conn.rows.get(s.id);
    const on = scenarioShown(s);
    shown += on;
    row.tr.style.display = on ? '' : 'none';
    if (row.detail) row.detail.style.display = row.tr.style.display;
  }
  $('c-no-match').classList.toggle('hidden', shown > 0 || conn.scenarios.length === 0);
  $('c-table').classList.toggle('hidden', shown === 0);
}

function openScenarioFromUser(id) {
  const opening = !conn.rows.get(id).detail;
  toggleScenario(id);
  history.pushState(null, '', `${location.search}${opening ? scenarioHash(id) : '#connection'}`);
  highlightScenario(opening ? id : null);
}

function highlightScenario(id) { highlightIn(conn.rows, id); }

function toggleScenario(id) {
  toggleRowDetail(conn.rows.get(id), 4, (tr) => fillScenarioDetail(conn.byId.get(id), tr));
}

const READY_STATES = ['CONNECTING', 'OPEN', 'CLOSED'];

/** One log entry: its kind, its fields (as the judge prints them) and readyState. */
function scenarioEntryItem(e, cls) {
  const fields = e.text.replace(/^\S+\s*/, '').replace(/\s*ready_state=\d$/, '');
  return el('li', { class: cls },
    el('span', { class: `k ${e.kind}`, text: e.kind }), fields ? ` ${fields} ` : ' ',
    el('span', { class: 'when', text: `readyState ${e.ready_state} (${READY_STATES[e.ready_state] ?? '?'})` }));
}

/** The expected and observed page logs side by side, entry by entry; a difference at a position is marked on both sides. */
function scenarioLogs(expected, observed) {
  const left = el('ol', { class: 'log', 'aria-label': 'Expected (reference model)' });
  const right = el('ol', { class: 'log', 'aria-label': 'This browser' });
  const n = Math.max(expected.length, observed?.length ?? 0);
  for (let i = 0; i < n; i++) {
    const e = expected[i], o = observed?.[i];
    const same = e && o && e.text === o.text;
    if (e) left.append(scenarioEntryItem(e, same || !observed ? '' : 'missing'));
    if (o) right.append(scenarioEntryItem(o, same ? '' : 'extra'));
  }
  if (expected.length === 0) left.append(el('li', { class: 'dim', text: '(nothing expected)' }));
  if (!observed) right.append(el('li', { class: 'dim', text: '(not run yet)' }));
  else if (observed.length === 0) right.append(el('li', { class: 'dim', text: '(nothing observed)' }));
  return el('div', { class: 'logs' },
    el('div', { class: 'log-col' }, el('h3', {}, 'Expected ', el('small', { text: '(reference model)' })), left),
    el('div', { class: 'log-col' }, el('h3', {}, 'This browser ', el('small', { text: '(EventSource)' })), right));
}

function ms(v) { return v == null ? '–' : `${v.toFixed(1)} ms`; }

/** The requests the server saw: URL, method, headers, measured delay against the minimum. */
function requestsTable(s, r) {
  const table = el('table', { class: 'requests' },
    el('thead', {}, el('tr', {}, ...['#', 'Request', 'Headers', 'Delay (measured)', 'Minimum', 'Check'].map((h) => el('th', { text: h })))));
  const body = el('tbody');
  r.requests.forEach((q, i) => {
    const headers = el('div', { class: 'headers' }, ...q.headers.map(([name, value]) =>
      el('div', {}, el('b', { text: name + ': ' }), escapedSpan(value))));
    const wanted = q.expected_url && q.expected_url !== q.url ? el('div', { class: 'meta', text: `expected ${q.expected_url}` }) : null;
    const short = q.delay_ms != null && q.min_delay_ms != null && q.delay_ms < q.min_delay_ms;
    body.append(el('tr', { class: q.problems ? 'bad' : '' },
      el('td', { text: String(i) }),
      el('td', {}, el('code', { text: `${q.method} ${q.url}` }), q.other_origin ? el('span', { class: 'note-inline', text: ' (other origin)' }) : null, wanted),
      el('td', {}, headers),
      el('td', { class: short ? 'bad num' : 'num', text: ms(q.delay_ms) }),
      el('td', { class: 'num', text: q.min_delay_ms == null ? (i === 0 ? '–' : 'default (impl.-def.)') : `${q.min_delay_ms} ms` }),
      el('td', { class: q.problems ? 'bad' : 'ok', text: q.problems ? q.problems.trim() : 'as the scenario requires' })));
  });
  if (r.requests.length === 0) body.append(el('tr', {}, el('td', { colspan: '6', class: 'dim', text: '(no request reached the server)' })));
  table.append(body);
  const expected = s.exchanges.length;
  return el('div', { class: 'table-scroll' }, table, r.requests.length < expected
    ? el('p', { class: 'note', text: `${expected - r.requests.length} of the scenario's ${expected} exchanges were not requested.` }) : null);
}

function fillScenarioDetail(s, tr) {
  const td = tr.firstChild;
  const r = conn.results.get(s.id);
  const actions = s.actions.map((a) => `${a.action}() ${a.after_observation === 0 ? 'after the constructor' : `after observation ${a.after_observation}`}${a.delay_ms ? ` + ${a.delay_ms} ms` : ''}`);
  const runButton = el('button', { class: 'c-run-one', text: conn.runningIds.has(s.id) ? 'Running…' : '▶ Run this scenario' });
  runButton.disabled = conn.running;
  runButton.addEventListener('click', () => runScenarios([s]));
  const link = el('a', { class: 'button', href: scenarioHash(s.id), text: 'Permalink' });
  td.replaceChildren(...[
    el('p', { class: 'meta' }, el('code', { text: `new EventSource(${JSON.stringify(s.url)}${s.with_credentials ? ', { withCredentials: true }' : ''})` }),
      actions.length ? ` · then ${actions.join(', ')}` : '',
      ` · ${s.exchanges.length} exchange${s.exchanges.length === 1 ? '' : 's'} · ${s.class}${s.gap ? ` (${s.gap})` : ''} · ${s.file.slice(s.file.lastIndexOf('fixtures/'))}`),
    s.guards ? el('p', { class: 'meta', text: `Guards: ${s.guards}` }) : null,
    el('div', { class: 'repro-bar' }, runButton, link,
      el('button', { class: 'copy-connect', text: 'Copy CLI command' })),
  ].filter((e) => e !== null));
  td.querySelector('.copy-connect').addEventListener('click', (e) =>
    copyText(`sse-conformance connect --client ${engine.id} --filter '${s.id}'`, e.currentTarget));
  if (r) {
    const verdict = el('p', { class: 'meta' }, scenarioPill(s.id), ` ${r.outcome} in ${Math.round(r.elapsed_ms)} ms (status ${r.status})`);
    td.append(verdict);
    if (r.constructor_threw) td.append(el('p', { class: 'note', text: `The constructor threw: ${r.constructor_threw}` }));
    if (r.diff) { td.append(el('h4', { text: 'Differences (as the judge reports them)' }), diffView(r.diff, 'the expected log', 'this browser')); }
    if (r.detail) td.append(el('p', { class: 'note', text: r.detail.trim() }));
  }
  const expected = r ? r.expected : s.expected.filter((e) => e.kind !== 'request');
  td.append(el('h4', { text: 'Page log' }), scenarioLogs(expected, r?.observed));
  if (r) td.append(el('h4', { text: 'Requests the server saw' }), requestsTable(s, r));
  else td.append(el('h4', { text: 'Requests the scenario expects' }), el('ol', { class: 'log' }, ...s.expected.filter((e) => e.kind === 'request').map((e) =>
    el('li', {}, el('span', { class: 'k request', text: 'request' }), ` exchange ${e.exchange}: ${s.exchanges[e.exchange].request.method} ${s.exchanges[e.exchange].request.url}`,
      el('span', { class: 'when', text: e.min_delay_ms == null ? ' after the default reconnection time' : ` at least ${e.min_delay_ms} ms after the previous response` })))));
}

/** Plays one scenario through this browser; resolves with the server's verdict. */
async function runScenarioInFrame(s) {
  let started;
  for (;;) {
    const res = await fetch(`/api/connection?scenario=${encodeURIComponent(s.id)}`, { method: 'POST' });
    if (res.status === 429) { await sleep(200); continue; }
    started = await res.json();
    if (!res.ok) throw new Error(started.error || `HTTP ${res.status}`);
    break;
  }
  const frame = el('iframe', { src: started.frame_url, title: `The document of scenario ${s.id}`, tabindex: '-1' });
  $('c-frames').append(frame);
  try {
    // The server ends every session by itself (its budgets); this is only a bound on the page's wait.
    const give_up = Date.now() + 120000;
    while (Date.now() < give_up) {
      await sleep(100);
      const r = await (await fetch(`/api/connection?session=${started.session}`, { cache: 'no-store' })).json();
      if (r.state === 'done') return r;
    }
    throw new Error('the server did not judge the scenario within 120 s');
  } finally {
    frame.remove();
  }
}

function scenarioParallel() {
  const input = $('c-parallel');
  const n = Math.min(4, Math.max(1, Math.round(Number(input.value) || 1)));
  input.value = String(n);
  return n;
}

function updateScenarioSummary(done, planned, elapsedMs) {
  const counts = { pass: 0, fail: 0, impl: 0, other: 0 };
  for (const r of conn.results.values()) {
    if (r.status === 'ok') counts.pass++;
    else if (r.status === 'implementation-defined') counts.impl++;
    else if (r.outcome === 'FAIL') counts.fail++;
    else counts.other++;
  }
  $('c-total').textContent = String(conn.scenarios.length);
  $('c-l-total').textContent = 'scenarios';
  for (const k of Object.keys(counts)) $(`c-${k}`).textContent = conn.results.size ? String(counts[k]) : '–';
  if (planned) {
    $('c-time').textContent = `${(elapsedMs / 1000).toFixed(1)} s`;
    $('c-l-time').textContent = `${done} of ${planned} scenarios run`;
    const pct = Math.round((100 * done) / planned);
    $('c-bar').style.width = `${pct}%`;
    $('c-progress').setAttribute('aria-valuenow', String(pct));
  }
}

function setScenariosRunning(on) {
  conn.running = on;
  $('c-run').disabled = on || !conn.loaded || conn.scenarios.length === 0;
  $('c-stop').disabled = !on;
  for (const b of document.querySelectorAll('.c-run-one')) b.disabled = on;
}

async function runScenarios(list) {
  if (conn.running || list.length === 0) return;
  setScenariosRunning(true);
  conn.stopRequested = false;
  for (const s of list) conn.results.delete(s.id);
  const startedAt = performance.now();
  let next = 0, done = 0;
  $('c-status').textContent = `Running ${list.length} scenario${list.length === 1 ? '' : 's'}…`;
  updateScenarioSummary(0, list.length, 0);
  const worker = async () => {
    while (next < list.length && !conn.stopRequested) {
      const s = list[next++];
      conn.runningIds.add(s.id);
      updateScenarioRow(s.id);
      try {
        conn.results.set(s.id, await runScenarioInFrame(s));
      } catch (e) {
        conn.results.set(s.id, { state: 'done', outcome: 'ERROR', status: 'new-failure', diff: '', detail: String(e), elapsed_ms: 0,
          expected: s.expected.filter((x) => x.kind !== 'request'), observed: [], requests: [] });
      }
      conn.runningIds.delete(s.id);
      done++;
      updateScenarioRow(s.id);
      updateScenarioSummary(done, list.length, performance.now() - startedAt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(scenarioParallel(), list.length) }, worker));
  setScenariosRunning(false);
  updateScenarioSummary(done, list.length, performance.now() - startedAt);
  $('c-status').textContent = `${conn.stopRequested ? 'Stopped' : 'Done'}: ${done} of ${list.length} scenarios run in ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`;
}

async function setupConnection(scenarios) {
  const data = await scenarios;
  conn.scenarios = data.scenarios ?? [];
  for (const s of conn.scenarios) conn.byId.set(s.id, s);
  for (const a of [...new Set(conn.scenarios.map((s) => s.area))]) $('c-area').append(el('option', { value: a, text: a }));
  $('c-error').textContent = data.error ? `The scenarios could not be loaded: ${data.error}` : '';
  buildScenarioRows();
  updateScenarioSummary(0, 0, 0);
  for (const id of ['c-area', 'c-text']) $(id).addEventListener('input', applyScenarioFilters);
  $('c-parallel').addEventListener('change', scenarioParallel);
  $('c-run').addEventListener('click', () => runScenarios(conn.scenarios.filter(scenarioShown)));
  $('c-stop').addEventListener('click', () => { conn.stopRequested = true; $('c-status').textContent = 'Stopping after the running scenarios…'; });
  conn.loaded = true;
  setScenariosRunning(false);
}

/** #connection/ID: the tab with that scenario open, scrolled to and highlighted. */
function revealScenario(id) {
  const row = conn.rows.get(id);
  if (!row) return;
  if (row.tr.style.display === 'none') {
    $('c-area').value = '';
    $('c-text').value = '';
    applyScenarioFilters();
  }
  if (!row.detail) toggleScenario(id);
  highlightScenario(id);
  row.tr.scrollIntoView({ block: 'start' });
}

// ---------------------------------------------------------------------------------------------
// Tabs and the URL hash

function tabButtons() { return [...document.querySelectorAll('[role=tab][data-tab]')]; }

function currentHash() { return new URLSearchParams(location.hash.slice(1)); }

/** Shows the tab named `name` (the ARIA tab pattern: one tab selected and in the Tab order). */
function showTab(name) {
  const buttons = tabButtons();
  if (!buttons.some((b) => b.dataset.tab === name)) name = buttons[0].dataset.tab;
  for (const b of buttons) {
    const on = b.dataset.tab === name;
    b.classList.toggle('active', on);
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    $(b.getAttribute('aria-controls')).classList.toggle('hidden', !on);
  }
  return name;
}

/**
 * The hash names the view: "#NAME" a tab; "#case=ID" (or a bare "#ID") the corpus with that case
 * open, scrolled to and highlighted; "#playground&text=…" the playground with that state;
 * "#connection/ID" the Connection tab with that scenario open.
 */
function route() {
  if (location.hash.startsWith('#connection/')) {
    showTab('connection');
    revealScenario(decodeURIComponent(location.hash.slice('#connection/'.length)));
    return;
  }
  const hash = currentHash();
  const bare = [...hash.keys()][0] ?? '';
  const caseId = hash.get('case') ?? (state.byId.has(bare) ? bare : null);
  const tab = showTab(caseId ? 'corpus' : bare);
  if (tab === 'playground') loadPlaygroundState(hash);
  if (caseId && state.rows.has(caseId)) revealCase(caseId);
}

function revealCase(id) {
  const row = state.rows.get(id);
  if (!row.detail) toggleDetail(id);
  if (row.tr.style.display === 'none') {
    // A filter hides it: clear the filters rather than open an invisible case.
    for (const f of ['f-area', 'f-verdict', 'f-text']) $(f).value = '';
    applyFilters();
    filtersToUrl();
  }
  highlight(id);
  row.tr.scrollIntoView({ block: 'start' });
}

function setupTabs() {
  for (const b of tabButtons()) {
    b.addEventListener('click', () => { if (location.hash !== `#${b.dataset.tab}`) location.hash = b.dataset.tab; else showTab(b.dataset.tab); });
    // Arrow keys, Home and End move between the tabs and select them.
    b.addEventListener('keydown', (e) => {
      const buttons = tabButtons();
      const at = buttons.indexOf(b);
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      const next = buttons[(to + buttons.length) % buttons.length];
      next.focus();
      next.click();
    });
  }
  window.addEventListener('hashchange', route);
  showTab(location.hash.startsWith('#connection/') ? 'connection' : currentHash().keys().next().value ?? 'corpus');
}

async function main() {
  setupTabs();
  // An EventSource holds a connection only while its stream is being sent, not while it waits to
  // reconnect, so more cases than the ~6 connections per host can run at once. Firefox waits at
  // least 500 ms per reconnection, so it gets more of them in flight.
  $('concurrency').value = engine.id === 'firefox' ? 12 : 4;
  if (engine.id === 'firefox') {
    $('hint').append(' Firefox writes "can’t establish a connection" to its console each time a stream ends (two a case: the priming ' +
      'response\'s and the case\'s): that end is the reconnection this page measures, not an error of the page.');
  }
  if (params.get('concurrency')) $('concurrency').value = params.get('concurrency');
  concurrency();
  $('concurrency').addEventListener('change', concurrency);
  // (the Connection tab's scenarios load at the same time as the corpus)
  const scenarios = fetch('/api/scenarios').then((r) => r.json());
  const res = await fetch(`/api/cases?engine=${encodeURIComponent(engine.id)}`);
  state.config = await res.json();
  state.cases = state.config.cases;
  for (const c of state.cases) state.byId.set(c.id, c);
  for (const a of state.config.areas) $('f-area').append(el('option', { value: a, text: a }));
  if (params.get('area')) $('f-area').value = params.get('area');
  if (params.get('verdict')) $('f-verdict').value = params.get('verdict');
  if (params.get('q')) $('f-text').value = params.get('q');
  for (const id of ['f-area', 'f-verdict', 'f-text']) $(id).addEventListener('input', () => { applyFilters(); filtersToUrl(); });
  buildRows();
  updateSummary();

  state.reference = await loadReference();
  if (state.reference) useEscaper(state.reference.escape);
  $('wasm-status').textContent = state.reference
    ? `WASM reference: ${state.reference.description}`
    : 'WASM reference: not available (build the wasm package); the corpus\'s expected logs are shown instead';
  runWasmReference();
  setupPlayground();
  await setupConnection(scenarios);

  $('run').addEventListener('click', () => runCases(casesToRun()));
  $('rerun-differing').addEventListener('click', () => rerunCases(differingCases()));
  $('stop').addEventListener('click', () => { state.stopRequested = true; });
  setRunning(false);
  route();
  for (const id of params.getAll('open')) if (state.rows.has(id) && !state.rows.get(id).detail) toggleDetail(id);
  const firstOpen = params.getAll('open').find((id) => state.rows.has(id));
  if (firstOpen) revealCase(firstOpen);
  document.body.dataset.ready = 'true';

  if (params.get('play') === '1') runPlayground();
  if (params.get('auto') === '1') {
    const { run, elapsedMs } = await runCases(casesToRun());
    const answer = await postJSON('/api/done', { run, engine: engine.id, user_agent: navigator.userAgent, elapsed_ms: elapsedMs });
    document.title = 'done: ' + document.title;
    // `fuzz --engine` keeps one browser for many runs: the server names the page of the next one.
    if (answer.next) location.replace(answer.next);
  }
}

main().catch((e) => {
  console.error(e);
  document.querySelector('main').prepend(el('p', { class: 'note', text: `The page could not start: ${e}` }));
});
