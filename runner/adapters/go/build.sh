#!/usr/bin/env bash
# Builds the Go adapters offline against Debian's packaged sources (/usr/share/gocode), with Debian's
# golang-go: `runner/adapters/go/build.sh OUT_DIR` writes OUT_DIR/<adapter> for every
# runner/adapters/go/<adapter>/main.go. The shared protocol package is put on a GOPATH of its own.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
gopath="$out/gopath"
mkdir -p "$gopath/src/sse-conformance"
ln -sfn "$src/protocol" "$gopath/src/sse-conformance/protocol"
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$out/cache" GOPROXY=off
for main in "$src"/*/main.go; do
  name="$(basename "$(dirname "$main")")"
  (cd "$(dirname "$main")" && go build -o "$out/$name" .)
done
