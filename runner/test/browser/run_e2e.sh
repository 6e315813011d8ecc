#!/bin/sh
# End-to-end test of one engine: the whole corpus in the real headless browser, over real HTTP,
# judged against the engine's baseline of known divergences (runner/baselines/ENGINE.txt).
# Usage: run_e2e.sh SSE_CONFORMANCE ENGINE BASELINE REPORT_DIR
# Exit: the gate's (0 = verdicts match the baseline exactly), or 77 when the browser is not installed.
set -u
exe=$1 engine=$2 baseline=$3 reports=$4
case $engine in
  chromium) browser=chromium ;;
  firefox) browser=firefox-esr ;;
  webkit)
    browser=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
    command -v xvfb-run >/dev/null 2>&1 || { echo "xvfb-run not installed (apt-get install -y xvfb): skipped"; exit 77; } ;;
  *) echo "unknown engine $engine"; exit 2 ;;
esac
if ! command -v "$browser" >/dev/null 2>&1 && ! [ -x "$browser" ]; then
  echo "$engine is not installed (see runner/BROWSERS.md for the packages): skipped"
  exit 77
fi
mkdir -p "$reports"
# The connection scenarios are not gated here yet: in the browsers a few of them (redirect
# reconnections, the first scenario while Firefox starts) did not give the same verdict on every run
# (runner/BROWSERS.md), and a baseline gate fails on a listed entry that passes.
exec "$exe" browser --engine "$engine" --parsing-only --expected-failures "$baseline" --timeout 300 \
  --junit "$reports/$engine.junit.xml" --json "$reports/$engine.json"
