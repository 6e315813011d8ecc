#!/bin/sh
# `fuzz --engine chromium` end to end, kept to seconds: the first 12 streams of seed 1 in one page
# load, judged by the page server, and the one that differs shrunk in the browser for 3 s (plus the
# candidate running when they are up, and the reproducer's final run).
# Stream 10 of seed 1 sets `retry:` to a 26-digit value; Chromium (156) ignores a value that does not
# fit its integer and keeps the priming response's 1 ms, where the reference clamps (gap G7), so the
# run must report exactly that class: a retry difference seen through the reconnection delay.
# Usage: fuzz_engine.sh SSE_CONFORMANCE NODE REPORT_DIR. Exit 77 when Chromium is not installed.
set -u
exe=$1 node=$2 reports=$3
command -v chromium >/dev/null 2>&1 || { echo "chromium is not installed: skipped"; exit 77; }
mkdir -p "$reports"
json="$reports/fuzz-chromium.json"
"$exe" fuzz --engine chromium --seed 1 --count 12 --no-scale --no-corpus-check --engine-shrink-seconds 3 \
  --json "$json"
status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 (one new class without the corpus check), got $status"; exit 1; }
exec "$node" -e '
const run = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const fail = (why) => { console.error(why); process.exit(1); };
if (!run.implementation.name.startsWith("chromium")) fail("not chromium: " + run.implementation.name);
if (run.streams !== 12) fail("12 streams expected, " + run.streams + " judged");
if (run.classes.length !== 1) fail("one class expected: " + run.classes.map((c) => c.signature).join(", "));
const c = run.classes[0];
if (c.first_stream !== 10 || !/retry/.test(c.signature)) fail("expected the retry class of stream 10: " + JSON.stringify(c));
if (!/retry:\d{20,}/.test(c.reproducer.escaped)) fail("the reproducer lost its retry line: " + c.reproducer.escaped);
console.log("ok:", c.signature, c.reproducer.escaped);
' "$json"
