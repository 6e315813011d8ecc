// github.com/gin-contrib/sse (Debian: golang-github-gin-contrib-sse-dev) behind the adapter protocol:
// `sse.Decode(reader)`, which reads the whole body (ioutil.ReadAll) before it parses anything, so
// every observation comes with the end of the body (capability final_log). Its Event has Event, Id
// and Data per block; Retry is never set by the decoder (no retry capability). Id is "" when the
// block had none (the two cannot be told apart): an event's last_event_id is the most recent
// non-empty Id, starting from the reset's. No comments, no id-only commits.
package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/gin-contrib/sse"

	"sse-conformance/protocol"
)

type stream struct {
	body        bytes.Buffer
	lastEventID string
}

func (s *stream) Feed(chunk []byte) []protocol.Observation {
	s.body.Write(chunk)
	return nil
}

func (s *stream) End() []protocol.Observation {
	events, err := sse.Decode(&s.body)
	if err != nil {
		panic(err)
	}
	var seen []protocol.Observation
	for _, event := range events {
		if event.Id != "" {
			s.lastEventID = event.Id
		}
		seen = append(seen, protocol.Event(event.Event, fmt.Sprint(event.Data), s.lastEventID))
	}
	return append(seen, protocol.End(s.lastEventID))
}

func main() {
	capabilities := map[string]bool{"events": true, "last_event_id_commits": false, "retry": false, "comments": false, "end": true, "final_log": true}
	protocol.Serve("gin-contrib/sse", protocol.DebianVersion("golang-github-gin-contrib-sse-dev"), capabilities,
		func(lastEventID string) protocol.Stream { return &stream{lastEventID: lastEventID} },
		func(body io.Reader) int {
			events, err := sse.Decode(body)
			if err != nil {
				panic(err)
			}
			return len(events)
		})
}
