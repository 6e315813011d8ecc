// An sse-conformance adapter skeleton for a Go library (runner/ADAPTERS.md): copy this file into your
// repository and replace the stand-in parser below by your library. Standard library only. Check it
// with:  go build -o adapter adapter.go && sse-conformance run --impl ./adapter --expected-failures sse-baseline.txt
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

var capabilities = map[string]bool{"events": true, "retry": true, "end": true} // what your library can report

type observation map[string]interface{}

// ---- The stand-in for your library: a small parser of the standard's event stream format. ---------
type standInParser struct {
	report          func(observation)
	buffer          []byte
	first, afterCR  bool
	data, kind      []byte
	id, lastEventID []byte
}

func (p *standInParser) write(chunk []byte) {
	p.buffer = append(p.buffer, chunk...)
	if p.first {
		bom := []byte("\xEF\xBB\xBF")
		if len(p.buffer) < len(bom) && bytes.HasPrefix(bom, p.buffer) {
			return // a BOM may still be arriving
		}
		p.buffer = bytes.TrimPrefix(p.buffer, bom)
		p.first = false
	}
	for at := bytes.IndexAny(p.buffer, "\r\n"); at >= 0; at = bytes.IndexAny(p.buffer, "\r\n") {
		skip := p.afterCR && at == 0 && p.buffer[0] == '\n'
		p.afterCR = p.buffer[at] == '\r'
		if !skip {
			p.line(p.buffer[:at])
		}
		p.buffer = p.buffer[at+1:]
	}
}

func (p *standInParser) line(line []byte) {
	if len(line) == 0 {
		p.lastEventID = append([]byte(nil), p.id...)
		if len(p.data) > 0 {
			kind := p.kind
			if len(kind) == 0 {
				kind = []byte("message")
			}
			p.report(observation{"kind": "event", "type": text(kind), "data": text(bytes.TrimSuffix(p.data, []byte("\n"))), "last_event_id": text(p.lastEventID)})
		}
		p.data, p.kind = nil, nil
		return
	}
	if line[0] == ':' {
		return
	}
	name, value := line, []byte{}
	if colon := bytes.IndexByte(line, ':'); colon >= 0 {
		name, value = line[:colon], bytes.TrimPrefix(line[colon+1:], []byte(" "))
	}
	switch string(name) {
	case "data":
		p.data = append(append(p.data, value...), '\n')
	case "event":
		p.kind = append([]byte(nil), value...)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			p.id = append([]byte(nil), value...)
		}
	case "retry":
		if ms, err := strconv.ParseUint(string(value), 10, 64); err == nil && strings.Trim(string(value), "0123456789") == "" {
			p.report(observation{"kind": "retry", "ms": ms})
		}
	}
}

// text turns bytes into a string as the Encoding standard's UTF-8 decoder does: each maximal invalid
// subsequence becomes one U+FFFD (Go's own conversions replace every invalid byte instead).
func text(b []byte) string {
	var out strings.Builder
	for len(b) > 0 {
		if r, size := utf8.DecodeRune(b); r != utf8.RuneError || size > 1 {
			out.Write(b[:size])
			b = b[size:]
			continue
		}
		out.WriteRune(utf8.RuneError)
		b = b[invalidLength(b):]
	}
	return out.String()
}

// leadBytes: for each range of lead bytes, how many continuation bytes follow and the range the
// first of them must be in (the others are 80..BF), as the Encoding standard's UTF-8 decoder says.
var leadBytes = []struct {
	first, last  byte
	continuation int
	low, high    byte
}{
	{0xC2, 0xDF, 1, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0xA0, 0xBF}, {0xE1, 0xEC, 2, 0x80, 0xBF},
	{0xED, 0xED, 2, 0x80, 0x9F}, {0xEE, 0xEF, 2, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x90, 0xBF},
	{0xF1, 0xF3, 3, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x80, 0x8F},
}

// invalidLength is the length of the invalid sequence at b[0] that becomes one U+FFFD: a lead byte
// and the continuation bytes that fit it before the sequence breaks off, or the single byte.
func invalidLength(b []byte) int {
	for _, lead := range leadBytes {
		if b[0] < lead.first || b[0] > lead.last {
			continue
		}
		n, low, high := 1, lead.low, lead.high
		for n <= lead.continuation && n < len(b) && b[n] >= low && b[n] <= high {
			n, low, high = n+1, 0x80, 0xBF
		}
		return n
	}
	return 1
}

// ---- The adapter: one stream per reset. --------------------------------------------------------------
type stream struct {
	seen   []observation
	parser *standInParser
}

func start(lastEventID string) *stream {
	s := &stream{}
	s.parser = &standInParser{report: func(o observation) { s.seen = append(s.seen, o) }, first: true, id: []byte(lastEventID), lastEventID: []byte(lastEventID)}
	return s
}

func (s *stream) feed(chunk []byte) []observation {
	s.parser.write(chunk) // ◀── YOUR LIBRARY'S FEED GOES HERE (a blocking reader: see ADAPTERS.md)
	return s.take()
}

func (s *stream) end() []observation {
	s.seen = append(s.seen, observation{"kind": "end", "last_event_id": text(s.parser.lastEventID)})
	return s.take()
}

func (s *stream) take() []observation {
	out := append([]observation{}, s.seen...)
	s.seen = s.seen[:0]
	return out
}

func main() {
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	out.Encode(map[string]interface{}{"type": "hello", "protocol": 1, "name": "my-library", "version": "0.0.0", "capabilities": capabilities})
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	var s *stream
	for {
		line, err := in.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			return
		}
		var message struct {
			Type        string `json:"type"`
			Data        string `json:"data"`
			LastEventID string `json:"last_event_id"`
		}
		if json.Unmarshal(line, &message) != nil {
			os.Exit(1)
		}
		switch message.Type {
		case "reset":
			s = start(message.LastEventID)
			out.Encode(map[string]string{"type": "ready"})
		case "chunk":
			chunk, _ := base64.StdEncoding.DecodeString(message.Data)
			out.Encode(map[string]interface{}{"type": "observed", "observations": s.feed(chunk)})
		case "end":
			out.Encode(map[string]interface{}{"type": "observed", "observations": s.end()})
		}
	}
}
