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
	lead := s[0]
	var need int
	lower, upper := byte(0x80), byte(0xBF)
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		need = 1
	case lead >= 0xE0 && lead <= 0xEF:
		need = 2
		if lead == 0xE0 {
			lower = 0xA0
		} else if lead == 0xED {
			upper = 0x9F
		}
	case lead >= 0xF0 && lead <= 0xF4:
		need = 3
		if lead == 0xF0 {
			lower = 0x90
		} else if lead == 0xF4 {
			upper = 0x8F
		}
	default:
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
