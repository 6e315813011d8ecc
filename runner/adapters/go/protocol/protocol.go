// Package protocol is the Go side of the sse-conformance adapter protocol (runner/ADAPTERS.md):
// the hello, the JSON lines, base64 chunks, and the decoding of a library's byte strings to text.
package protocol

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
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

// Serve prints the hello, then answers the runner's messages on stdin until it closes.
// start begins a stream from the reset's last event ID.
func Serve(name, version string, capabilities map[string]bool, start func(lastEventID string) Stream) {
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
	write(map[string]interface{}{"type": "hello", "protocol": 1, "name": name, "version": version, "capabilities": capabilities})
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
			chunk, err := base64.StdEncoding.DecodeString(message.Data)
			if err != nil {
				fmt.Fprintln(os.Stderr, "adapter: bad base64:", err)
				os.Exit(1)
			}
			observed(stream.Feed(chunk))
		case "end":
			observed(stream.End())
			stream = nil
		default:
			fmt.Fprintln(os.Stderr, "adapter: unknown message type:", message.Type)
			os.Exit(1)
		}
	}
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
