// Package protocol is the Go side of the sse-conformance adapter protocol (runner/ADAPTERS.md):
// the hello, the JSON lines, base64 chunks, and the decoding of a library's byte strings to text.
package protocol

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// Observation is one entry of an observation log, in the fixture format.
type Observation map[string]interface{}

// Event is an `event` observation. Strings are the library's bytes, decoded with Text.
func Event(eventType, data, lastEventID string) Observation {
	return Observation{"kind": "event", "type": Text(eventType), "data": Text(data), "last_event_id": Text(lastEventID)}
}

// Retry is a `retry` observation.
func Retry(ms int64) Observation { return Observation{"kind": "retry", "ms": ms} }

// End is the `end` observation.
func End(lastEventID string) Observation {
	return Observation{"kind": "end", "last_event_id": Text(lastEventID)}
}

// Stream is one response body: Feed gets each chunk's bytes and End the end of the body; each
// returns the observations made since the previous call.
type Stream interface {
	Feed(chunk []byte) []Observation
	End() []Observation
}

// Text decodes bytes the way the standard's "UTF-8 decode" does, without its BOM step (a Go library
// hands over field bytes, not the stream): every maximal invalid subpart becomes one U+FFFD.
// Go's own conversion (json.Marshal, range over a string) would write one U+FFFD per invalid byte,
// and the library would be blamed for the adapter's decoding.
func Text(b string) string {
	if utf8.ValidString(b) {
		return b
	}
	var out strings.Builder
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRuneInString(b[i:])
		if r != utf8.RuneError || size > 1 {
			out.WriteRune(r)
			i += size
			continue
		}
		out.WriteRune(utf8.RuneError)
		i += maximalSubpart(b[i:])
	}
	return out.String()
}

// maximalSubpart is the length of the invalid sequence starting at s[0] that the Encoding
// standard's UTF-8 decoder replaces with one U+FFFD: a valid lead byte and the continuation bytes
// that fit it, or the single byte.
func maximalSubpart(s string) int {
	need, lower, upper, ok := leadByte(s[0])
	if !ok {
		return 1
	}
	n := 1
	for ; n <= need && n < len(s); n++ {
		if s[n] < lower || s[n] > upper {
			break
		}
		lower, upper = 0x80, 0xBF
	}
	return n
}

// leadBytes is the UTF-8 decoder's reading of the lead bytes that start a sequence: the range, how
// many bytes follow, and the boundaries of the next byte (which rule out overlong forms, surrogates
// and code points above U+10FFFF).
var leadBytes = [...]struct{ first, last, need, lower, upper byte }{
	{0xC2, 0xDF, 1, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0xA0, 0xBF}, {0xE1, 0xEC, 2, 0x80, 0xBF}, {0xED, 0xED, 2, 0x80, 0x9F},
	{0xEE, 0xEF, 2, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x90, 0xBF}, {0xF1, 0xF3, 3, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x80, 0x8F},
}

// leadByte looks a lead byte up in leadBytes; ok is false for a byte that starts no sequence.
func leadByte(lead byte) (need int, lower, upper byte, ok bool) {
	for _, l := range leadBytes {
		if lead >= l.first && lead <= l.last {
			return int(l.need), l.lower, l.upper, true
		}
	}
	return 0, 0, 0, false
}

// BenchDecoder parses a whole body the fastest way its library documents, reading it from `body` as
// a network connection delivers it, and returns how many events it produced.
type BenchDecoder func(body io.Reader) (events int)

// benchRequest is the runner's `bench` message (runner/ADAPTERS.md, "Bench mode").
type benchRequest struct {
	ChunkBytes int     `json:"chunk_bytes"`
	WarmupMs   float64 `json:"warmup_ms"`
	MinMs      float64 `json:"min_ms"`
	MaxMs      float64 `json:"max_ms"`
}

// cpuMs is the process's CPU time (user + system) in ms: what a bench run is measured in, so that
// other load on the machine does not count.
func cpuMs() float64 {
	var usage syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	return float64(usage.Utime.Nano()+usage.Stime.Nano()) / 1e6
}

// benchBody is the body of one pass: Read hands over at most chunk bytes at a time, records the CPU
// time at every doubling of the bytes read in the first pass, and ends the body early (io.EOF) once
// the run's time cap has passed.
type benchBody struct {
	rest     []byte
	chunk    int
	read     int
	reads    int
	nextMark int
	run      *benchRun
}

type benchRun struct {
	request  benchRequest
	wall     time.Time
	cpu      float64
	capped   bool
	fed      int
	progress [][2]float64
}

func (r *benchRun) overCap() bool {
	return float64(time.Since(r.wall).Microseconds())/1000 > r.request.MaxMs
}

func (b *benchBody) Read(p []byte) (int, error) {
	if len(b.rest) == 0 || b.run.capped {
		return 0, io.EOF
	}
	n := b.chunk
	if n > len(b.rest) {
		n = len(b.rest)
	}
	if n > len(p) {
		n = len(p)
	}
	copy(p, b.rest[:n])
	b.rest = b.rest[n:]
	b.read += n
	b.run.fed += n
	if b.nextMark > 0 && b.read >= b.nextMark {
		b.run.progress = append(b.run.progress, [2]float64{float64(b.read), cpuMs() - b.run.cpu})
		b.nextMark *= 2
	}
	if b.reads++; b.reads%64 == 0 && b.run.overCap() {
		b.run.capped = true
	}
	return n, nil
}

// bench answers a `bench` request: the stream is decoded again and again, each pass a fresh body:
// warm-up passes until warmup_ms of CPU time, then measured passes until they took min_ms of CPU
// time; a pass is stopped mid-stream once max_ms of wall-clock time have passed. The figures are
// those of the complete measured passes, or, when none completed, of everything fed.
func bench(request benchRequest, stream []byte, decode BenchDecoder) map[string]interface{} {
	run := &benchRun{request: request, wall: time.Now(), cpu: cpuMs(), progress: [][2]float64{}}
	events, iterations, warmupPasses := 0, 0, 0
	fromBytes, fromCPU := 0, run.cpu
	measuredBytes, measuredCPU, measured := 0, 0.0, false
	for {
		mark := 0
		if iterations == 0 {
			mark = 1024
		}
		n := decode(&benchBody{rest: stream, chunk: request.ChunkBytes, nextMark: mark, run: run})
		if run.capped {
			break
		}
		events += n
		iterations++
		now := cpuMs()
		if !measured && now-run.cpu < request.WarmupMs {
			warmupPasses = iterations
			fromBytes, fromCPU = run.fed, now
			continue
		}
		measured = true
		measuredBytes, measuredCPU = run.fed-fromBytes, now-fromCPU
		if measuredCPU >= request.MinMs || run.overCap() {
			break
		}
	}
	if !measured {
		measuredBytes, measuredCPU = run.fed, cpuMs()-run.cpu
	}
	return map[string]interface{}{
		"type": "bench_result", "bytes": measuredBytes, "cpu_ms": measuredCPU, "events": events, "iterations": iterations,
		"warmup_passes": warmupPasses, "complete": measured, "elapsed_ms": float64(time.Since(run.wall).Microseconds()) / 1000,
		"progress": run.progress,
	}
}

// Serve prints the hello, then answers the runner's messages on stdin until it closes.
// start begins a stream from the reset's last event ID. With a BenchDecoder, the adapter also
// answers `bench` requests (and says so in its hello).
func Serve(name, version string, capabilities map[string]bool, start func(lastEventID string) Stream, decode ...BenchDecoder) {
	out := bufio.NewWriter(os.Stdout)
	write := func(message interface{}) {
		line, err := json.Marshal(message)
		if err != nil {
			fmt.Fprintln(os.Stderr, "adapter: cannot encode:", err)
			os.Exit(1)
		}
		out.Write(line)
		out.WriteByte('\n')
		out.Flush()
	}
	write(map[string]interface{}{"type": "hello", "protocol": 1, "name": name, "version": version, "capabilities": capabilities,
		"bench": len(decode) == 1})
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	var stream Stream
	observed := func(o []Observation) {
		if o == nil {
			o = []Observation{}
		}
		write(map[string]interface{}{"type": "observed", "observations": o})
	}
	for {
		line, err := in.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			if stream != nil {
				stream.End()
			}
			return
		}
		var message struct {
			Type        string `json:"type"`
			LastEventID string `json:"last_event_id"`
			Data        string `json:"data"`
			benchRequest
		}
		if err := json.Unmarshal(line, &message); err != nil {
			fmt.Fprintln(os.Stderr, "adapter: bad message:", err)
			os.Exit(1)
		}
		switch message.Type {
		case "reset":
			if stream != nil {
				stream.End()
			}
			stream = start(message.LastEventID)
			write(map[string]string{"type": "ready"})
		case "chunk":
			observed(stream.Feed(decodeBase64(message.Data)))
		case "end":
			observed(stream.End())
			stream = nil
		case "bench":
			if len(decode) != 1 || message.ChunkBytes <= 0 {
				fmt.Fprintln(os.Stderr, "adapter: a bench request it cannot answer")
				os.Exit(1)
			}
			write(bench(message.benchRequest, decodeBase64(message.Data), decode[0]))
		default:
			fmt.Fprintln(os.Stderr, "adapter: unknown message type:", message.Type)
			os.Exit(1)
		}
	}
}

// decodeBase64 is the bytes of a message's base64 data; the adapter stops on bad base64.
func decodeBase64(data string) []byte {
	bytes, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "adapter: bad base64:", err)
		os.Exit(1)
	}
	return bytes
}

// DebianVersion is the version of an installed Debian package (from dpkg's status file), the way
// the Go adapters name the library they were built against.
func DebianVersion(pkg string) string {
	status, err := os.ReadFile("/var/lib/dpkg/status")
	if err != nil {
		return "unknown"
	}
	for _, block := range strings.Split(string(status), "\n\n") {
		if !strings.HasPrefix(block, "Package: "+pkg+"\n") {
			continue
		}
		for _, field := range strings.Split(block, "\n") {
			if strings.HasPrefix(field, "Version: ") {
				return strings.TrimPrefix(field, "Version: ")
			}
		}
	}
	return "unknown"
}
