#!/bin/sh
# The Debian package: `package_test.sh BUILD_DIR SOURCE_DIR` builds it with CPack, unpacks it into a
# scratch root (dpkg-deb -x) and checks that the installed runner finds its own corpus and page
# without flags and gates an adapter that lives outside the source tree: a skeleton passes, the
# same skeleton with a bug fails the gate.
set -eu
build="$1"
source="$2"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
unset SSE_CONFORMANCE_CORPUS_DIR SSE_CONFORMANCE_PAGE_DIR SSE_CONFORMANCE_WASM_DIR SSE_CONFORMANCE_ADAPTERS_DIR

(cd "$build" && cpack -G DEB -B "$work/package" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb="$(ls "$work"/package/sse-conformance_*_amd64.deb)"
echo "package: $(basename "$deb") ($(wc -c <"$deb") bytes)"
dpkg-deb --field "$deb" Package Version Architecture Depends
dpkg-deb -x "$deb" "$work/root"
bin="$work/root/usr/bin/sse-conformance"
share="$work/root/usr/share/sse-conformance"
for file in fixtures/rules.json fixtures/retry.json page/index.html adapters/protocol.mjs skeletons/adapter.py; do
  [ -f "$share/$file" ] || { echo "missing from the package: $file" >&2; exit 1; }
done

# Its own corpus: lint with no paths, and the report names the installed fixture files.
"$bin" lint >"$work/lint.txt"
mkdir "$work/outside"
cp "$source/runner/skeletons/adapter.py" "$work/outside/adapter.py"
"$bin" run --impl "python3 $work/outside/adapter.py" --filter 'data/*' --filter 'dispatch/*' \
  --chunkings whole,bytewise --json "$work/report.json" >"$work/run.txt" || { cat "$work/run.txt"; exit 1; }
grep -q "$share/fixtures/data.json" "$work/report.json" || { echo "the report does not name the installed corpus" >&2; exit 1; }
tail -n 1 "$work/run.txt"

# A bug in the outside adapter fails the gate (exit code 1).
sed 's/self.type or "message"/self.type or "msg"/' "$work/outside/adapter.py" >"$work/outside/broken.py"
status=0
"$bin" run --impl "python3 $work/outside/broken.py" --filter 'data/*' --chunkings whole >"$work/broken.txt" || status=$?
[ "$status" -eq 1 ] || { echo "a broken adapter gave exit code $status, not 1" >&2; cat "$work/broken.txt"; exit 1; }

# Its own page: serve announces the installed page folder.
"$bin" serve --port 0 >"$work/serve.txt" 2>&1 &
server=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  grep -q "page:" "$work/serve.txt" && break
  sleep 0.25
done
grep -q "page:  $share/page" "$work/serve.txt" || { echo "serve does not use the installed page" >&2; cat "$work/serve.txt"; exit 1; }
echo "the installed runner found its corpus and page, and gated an outside adapter"
