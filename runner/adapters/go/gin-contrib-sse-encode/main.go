// An encode-mode adapter (runner/ADAPTERS.md, "Encode mode") for github.com/gin-contrib/sse, the
// writer behind gin's c.SSEvent() and c.Stream(), as Debian packages it
// (golang-github-gin-contrib-sse-dev). Built offline against the Debian source tree:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build
//
// Translation only: the case's event becomes an sse.Event and sse.Encode writes it. Go strings are
// bytes, so a lone surrogate of a {"utf16": [...]} value becomes U+FFFD (unicode/utf16.Decode), and a
// retry that the Event's uint field cannot hold (negative, fractional, too large) cannot be passed
// to the API at all: the adapter answers "refused" for it, saying so.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"unicode/utf16"

	"github.com/gin-contrib/sse"
)

type message struct {
	Type  string                     `json:"type"`
	Event map[string]json.RawMessage `json:"event"`
}

func text(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var units struct {
		UTF16 []uint16 `json:"utf16"`
	}
	if err := json.Unmarshal(raw, &units); err != nil {
		return "", err
	}
	return string(utf16.Decode(units.UTF16)), nil
}

func encode(fields map[string]json.RawMessage) ([]byte, string, error) {
	var event sse.Event
	for key, raw := range fields {
		switch key {
		case "type", "id", "data":
			value, err := text(raw)
			if err != nil {
				return nil, "", err
			}
			switch key {
			case "type":
				event.Event = value
			case "id":
				event.Id = value
			default:
				event.Data = value
			}
		case "retry":
			var number float64
			if err := json.Unmarshal(raw, &number); err != nil {
				return nil, "", err
			}
			if number < 0 || number != math.Trunc(number) || number > float64(^uint(0)) {
				return nil, fmt.Sprintf("retry %s cannot be held by sse.Event.Retry (uint)", string(raw)), nil
			}
			event.Retry = uint(number)
		case "comments":
			return nil, "", fmt.Errorf("the adapter declared no comments")
		}
	}
	var out bytes.Buffer
	if err := sse.Encode(&out, event); err != nil {
		return nil, err.Error(), nil
	}
	return out.Bytes(), "", nil
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	reply := func(v interface{}) {
		line, _ := json.Marshal(v)
		out.Write(line)
		out.WriteByte('\n')
		out.Flush()
	}
	reply(map[string]interface{}{
		"type": "hello", "protocol": 1, "mode": "encode", "name": "gin-contrib/sse", "version": "0.1.0 (Debian golang-github-gin-contrib-sse-dev 0.1.0-2)",
		"capabilities": map[string]bool{},
		"writes":       map[string]bool{"type": true, "id": true, "retry": true, "comments": false, "no_data": false},
	})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var m message
		if err := json.Unmarshal(in.Bytes(), &m); err != nil || m.Type != "encode" {
			fmt.Fprintf(os.Stderr, "unexpected message: %s\n", in.Text())
			os.Exit(3)
		}
		written, refusal, err := encode(m.Event)
		switch {
		case err != nil:
			fmt.Fprintf(os.Stderr, "bad event: %v\n", err)
			os.Exit(3)
		case refusal != "":
			reply(map[string]string{"type": "refused", "message": refusal})
		default:
			reply(map[string]string{"type": "encoded", "data": base64.StdEncoding.EncodeToString(written)})
		}
	}
}
