package console

import (
	"fmt"
	"net/http"
	"time"
)

// Changes is what live updates need: *wechatpaytest.Server satisfies it.
// A Source that also has these methods gets a console that updates itself
// (server-sent events at api/events).
type Changes interface {
	// Changed returns a channel closed at the next change.
	Changed() <-chan struct{}
	// Revision counts the changes so far.
	Revision() uint64
}

// MaxStreams is how many live-update streams the console serves at once;
// one more is answered 503.
const MaxStreams = 16

// StreamInterval is the shortest time between two events of one stream:
// changes in between are reported once, so a flood of requests costs each
// page a few fetches a second, not one per request.
const StreamInterval = 250 * time.Millisecond

// keepAlive is how long a stream stays silent before a comment line keeps
// proxies from closing it (and shows a gone client).
const keepAlive = 25 * time.Second

// streamer serves api/events: one goroutine per client (the request's),
// which ends with the request's context.
type streamer struct {
	src   Changes
	slots chan struct{}
}

func newStreamer(src Changes) *streamer {
	return &streamer{src: src, slots: make(chan struct{}, MaxStreams)}
}

// ServeHTTP sends "change" events whose data is {"revision":N}: one at
// once, then one after each change (at most one per StreamInterval).
func (s *streamer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": fmt.Sprintf("console: %d live streams are open already; close a console tab", MaxStreams)})
		return
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	ctx := r.Context()
	idle := time.NewTimer(keepAlive)
	defer idle.Stop()
	var last uint64
	first := true
	for {
		ch := s.src.Changed() // before Revision: a change in between fires ch
		if rev := s.src.Revision(); first || rev != last {
			first, last = false, rev
			if _, err := fmt.Fprintf(w, "event: change\ndata: {\"revision\":%d}\n\n", rev); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
			idle.Reset(keepAlive)
			pause := time.NewTimer(StreamInterval)
			select {
			case <-pause.C:
			case <-ctx.Done():
				pause.Stop()
				return
			}
			continue // changes during the pause are reported now
		}
		select {
		case <-ch:
		case <-idle.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			idle.Reset(keepAlive)
		case <-ctx.Done():
			return
		}
	}
}
