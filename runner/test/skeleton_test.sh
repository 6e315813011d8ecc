#!/bin/sh
# The adapter skeletons (runner/skeletons) speak the protocol and their stand-in parser passes what
# the stand-in is meant to pass: `skeleton_test.sh SSE_CONFORMANCE LANGUAGE SKELETONS_DIR`.
# The skeleton is copied to a folder outside the source tree first, as a library author would.
set -eu
runner="$1"
language="$2"
skeletons="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$language" in
  js) cp "$skeletons/adapter.mjs" "$work/" && command="node $work/adapter.mjs" ;;
  python) cp "$skeletons/adapter.py" "$work/" && command="python3 $work/adapter.py" ;;
  go)
    cp "$skeletons/adapter.go" "$work/"
    (cd "$work" && GO111MODULE=off GOPATH="$work/gopath" GOCACHE="$work/cache" GOPROXY=off go build -o adapter adapter.go)
    command="$work/adapter" ;;
  *) echo "unknown language $language" >&2; exit 2 ;;
esac
# The whole corpus, cut whole, at every CRLF/BOM/UTF-8 boundary and as the cases pin it, then byte by
# byte but for real-world/ (its 100 KB lines fed byte by byte take a minute through a pipe): the
# stand-in parser follows the standard, so the gate passes (implementation-defined differences never
# fail it).
"$runner" run --impl "$command" --chunkings whole,boundaries,pinned --max-diffs 3
areas=""
for area in bom-and-decoding comments data dispatch end-of-stream event field-parsing id line-endings reconnection retry; do
  areas="$areas --filter $area/*"
done
# shellcheck disable=SC2086 # one --filter word per area
"$runner" run --impl "$command" --chunkings bytewise --max-diffs 3 $areas
