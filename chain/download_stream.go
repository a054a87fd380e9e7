package chain

import (
	"context"
	"io"
	"sync"
)

// BillStream is a bill being downloaded, read as an io.Reader (see
// Client.OpenBill). Its final Read returns the download's failure — a hash
// mismatch (ErrHashMismatch), a body cut short (io.ErrUnexpectedEOF), a
// stall — instead of io.EOF: io.EOF means the whole bill arrived and matched
// its hash. Everything read before that final Read is unverified.
type BillStream struct {
	pr     *io.PipeReader
	cancel context.CancelFunc
	done   chan struct{}
	res    *DownloadResult
	err    error
	once   sync.Once
}

// OpenBill starts downloading bill and returns its content as a stream, for
// readers that consume a bill as it arrives (package bill reads records from
// it). It waits for the first content byte: an error before that (a refused
// BillInfo, an API error, a connection failure) is returned here, with no
// stream. The download runs in its own goroutine, at the pace of the reader;
// Close the stream when done (it stops the download if unfinished). The
// options are those of DownloadBill.
//
//	bill, err := chain.ParseBillInfo(resp.Body)
//	s, err := c.OpenBill(ctx, bill)
//	if err != nil { … }
//	defer s.Close()
//	_, err = io.Copy(w, s) // err is non-nil on a hash mismatch
func (c *Client) OpenBill(ctx context.Context, bill BillInfo, opts ...DownloadOption) (*BillStream, error) {
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	s := &BillStream{pr: pr, cancel: cancel, done: make(chan struct{})}
	started := make(chan struct{})
	fw := &firstWrite{w: pw, started: started}
	go func() {
		defer close(s.done)
		res, err := c.DownloadBill(ctx, bill, fw, opts...)
		s.res, s.err = res, err
		pw.CloseWithError(err) // nil: the reader gets io.EOF
	}()
	select {
	case <-started:
		return s, nil
	case <-s.done:
		if s.err != nil && fw.n == 0 {
			cancel()
			return nil, s.err
		}
		return s, nil // an empty bill, or one that failed after its content
	}
}

// firstWrite signals its first non-empty Write.
type firstWrite struct {
	w       io.Writer
	started chan struct{}
	n       int64
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if f.n == 0 && len(p) > 0 {
		close(f.started)
	}
	f.n += int64(len(p))
	return f.w.Write(p)
}

// Read reads the bill's content. At the end it returns io.EOF only when
// the download completed and the hash matched; otherwise the download's
// error.
func (s *BillStream) Read(p []byte) (int, error) { return s.pr.Read(p) }

// Close stops the download if it is still running, waits for it, and
// returns its error (nil when it had completed and matched its hash; a
// cancellation error when Close stopped it early).
func (s *BillStream) Close() error {
	s.once.Do(func() {
		s.pr.CloseWithError(errStreamClosed)
		s.cancel()
		<-s.done
	})
	return s.err
}

// Result describes the download once it is over (after the final Read or
// Close); nil before.
func (s *BillStream) Result() *DownloadResult {
	select {
	case <-s.done:
		return s.res
	default:
		return nil
	}
}

var errStreamClosed = &markedError{msg: "chain: bill stream closed before the end of the download", errs: []error{context.Canceled}}
