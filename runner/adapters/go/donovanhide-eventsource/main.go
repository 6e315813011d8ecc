// github.com/donovanhide/eventsource (Debian: golang-github-donovanhide-eventsource-dev) behind the
// adapter protocol: its Decoder, reading the body through a reader the adapter feeds, used the way
// its own Stream client uses it (stream.go: every decoded event is published; a Retry() > 0 sets the
// reconnection delay; an Id() that is not empty becomes the last event ID sent on reconnection).
//
// "Has this chunk been processed?": Decode blocks in Read. The adapter's reader hands the decoder
// each chunk and reports back when the decoder asks for more bytes with none left: by then it has
// consumed the chunk and returned every event the chunk completed (it returns an event before
// reading again), so the answer holds exactly what the chunk produced.
//
// The Decoder reports no comments and no id-only commits; a retry of 0 cannot be told from none.
package main

import (
	"io"
	"sync"

	"github.com/donovanhide/eventsource"

	"sse-conformance/protocol"
)

// feeder is the body the decoder reads: Read blocks until a chunk is fed, and tells `idle` whenever
// the decoder wants bytes and the fed chunk is used up.
type feeder struct {
	chunks chan []byte
	idle   chan struct{}
	rest   []byte
}

func (f *feeder) Read(p []byte) (int, error) {
	if len(f.rest) == 0 {
		f.idle <- struct{}{}
		chunk, ok := <-f.chunks
		if !ok {
			return 0, io.EOF
		}
		f.rest = chunk
	}
	n := copy(p, f.rest)
	f.rest = f.rest[n:]
	return n, nil
}

type stream struct {
	body        *feeder
	done        chan struct{}
	mutex       sync.Mutex
	seen        []protocol.Observation
	lastEventID string
}

func (s *stream) take() []protocol.Observation {
	s.mutex.Lock()
	defer s.mutex.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

// readEvents decodes `body` as the library's Stream client does, handing every event to publish;
// it returns at the end of the body (io.EOF at a block boundary, io.ErrUnexpectedEOF inside one:
// the block is dropped).
func readEvents(body io.Reader, publish func(eventsource.Event)) {
	decoder := eventsource.NewDecoder(body)
	for {
		event, err := decoder.Decode()
		if err != nil {
			return
		}
		publish(event)
	}
}

func (s *stream) decode() {
	defer close(s.done)
	readEvents(s.body, func(event eventsource.Event) {
		s.mutex.Lock()
		defer s.mutex.Unlock()
		if retry, ok := event.(interface{ Retry() int64 }); ok && retry.Retry() > 0 {
			s.seen = append(s.seen, protocol.Retry(retry.Retry()))
		}
		if len(event.Id()) > 0 {
			s.lastEventID = event.Id()
		}
		eventType := event.Event()
		if eventType == "" {
			eventType = "message"
		}
		s.seen = append(s.seen, protocol.Event(eventType, event.Data(), s.lastEventID))
	})
}

func (s *stream) Feed(chunk []byte) []protocol.Observation {
	if len(chunk) > 0 {
		s.body.chunks <- chunk
		<-s.body.idle
	}
	return s.take()
}

func (s *stream) End() []protocol.Observation {
	close(s.body.chunks)
	<-s.done
	return append(s.take(), protocol.End(s.lastEventID))
}

func main() {
	capabilities := map[string]bool{"events": true, "last_event_id_commits": false, "retry": true, "comments": false, "end": true}
	protocol.Serve("donovanhide/eventsource", protocol.DebianVersion("golang-github-donovanhide-eventsource-dev"), capabilities,
		func(lastEventID string) protocol.Stream {
			s := &stream{body: &feeder{chunks: make(chan []byte), idle: make(chan struct{})}, done: make(chan struct{}), lastEventID: lastEventID}
			go s.decode()
			<-s.body.idle // the decoder is waiting for the first bytes
			return s
		},
		func(body io.Reader) (events int) {
			readEvents(body, func(eventsource.Event) { events++ })
			return events
		})
}
