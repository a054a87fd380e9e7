package chain

import (
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"
)

// trickle hands out one byte every 200 ms, forever.
type trickle struct{}

func (trickle) Read(p []byte) (int, error) {
	time.Sleep(200 * time.Millisecond)
	p[0] = 'x'
	return 1, nil
}

// TestDownloadTrickleTrips: a byte every 200 ms used to reset the idle timer
// each time, so the download never ended. The timer now restarts only once
// minDownloadProgress bytes arrived since the last restart (issue 16
// point 6), so the trickle ends after one idle timeout.
func TestDownloadTrickleTrips(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const idle = 30 * time.Second
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		timer := time.AfterFunc(idle, func() { cancel(ErrIdleTimeout) })
		defer timer.Stop()
		b := &downloadBody{ctx: ctx, r: trickle{}, total: -1, timer: timer, idle: idle}
		start := time.Now()
		_, err := io.Copy(io.Discard, io.LimitReader(b, 1<<20))
		if !errors.Is(context.Cause(ctx), ErrIdleTimeout) || err == nil {
			t.Fatalf("err = %v, cause %v: want the idle timeout to end the trickle", err, context.Cause(ctx))
		}
		if d := time.Since(start); d > idle+time.Second {
			t.Errorf("the trickle lasted %v, want about %v", d, idle)
		}
	})
}

// TestDownloadSteadyFlowKeepsGoing: a slow but real flow (above the
// minimum) is not cut off.
func TestDownloadSteadyFlowKeepsGoing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const idle = time.Second
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		timer := time.AfterFunc(idle, func() { cancel(ErrIdleTimeout) })
		defer timer.Stop()
		b := &downloadBody{ctx: ctx, r: &steady{left: 64 << 10}, total: -1, timer: timer, idle: idle}
		if n, err := io.Copy(io.Discard, b); err != nil || n != 64<<10 {
			t.Fatalf("copied %d, err %v", n, err)
		}
	})
}

// steady hands out 512 bytes every 100 ms (5 KiB/s).
type steady struct{ left int }

func (s *steady) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(100 * time.Millisecond)
	n := min(512, len(p), s.left)
	s.left -= n
	return n, nil
}
