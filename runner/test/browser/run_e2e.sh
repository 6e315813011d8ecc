#!/bin/sh
# End-to-end test of one engine: both corpora in the real headless browser, over real HTTP, judged
# against the engine's baselines of known divergences (runner/baselines/ENGINE.txt and
# connection-ENGINE.txt).
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
# Both corpora: the parsing cases through the comparison page, then the connection scenarios through
# the page's own EventSource, each against its baseline (ENGINE.txt, connection-ENGINE.txt).
exec "$exe" browser --engine "$engine" --expected-failures "$baseline" \
  --connection-expected-failures "$(dirname "$baseline")/connection-$engine.txt" --timeout 300 \
  --junit "$reports/{engine}.junit.xml" --json "$reports/{engine}.json"
