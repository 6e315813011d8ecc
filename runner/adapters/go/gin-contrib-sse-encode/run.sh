# Builds the gin-contrib/sse encode adapter offline against Debian's Go source tree (packages
# golang-go and golang-github-gin-contrib-sse-dev), once per source change, then runs it.
set -e
here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/sse-conformance
mkdir -p "$cache"
binary=$cache/gin-contrib-sse-encoder
if [ ! -x "$binary" ] || [ "$here/main.go" -nt "$binary" ]; then
  (cd "$here" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= go build -o "$binary.tmp" . && mv "$binary.tmp" "$binary") >&2
fi
exec "$binary"
