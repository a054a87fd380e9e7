package chain

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
)

// Errors of downloads. Test for them with errors.Is.
var (
	// ErrHashMismatch: the downloaded content does not hash to the value the
	// bill request (or a statement's Wechatpay-Statement-Sha1) gave. What was
	// written to the io.Writer must be discarded.
	ErrHashMismatch = errors.New("chain: downloaded content does not match its hash")
	// ErrUnsupportedHash: a hash_type this library cannot check. Returned
	// before anything is sent; the error also matches ErrInvalidOptions.
	ErrUnsupportedHash = errors.New("chain: unsupported hash type")
	// ErrIdleTimeout: no byte arrived for the idle timeout (see
	// WithIdleTimeout). Anything written so far must be discarded.
	ErrIdleTimeout = errors.New("chain: download stalled")
)

// downloadBuffer is the size of the copy buffer and of the read-ahead buffer
// of one download: memory per download stays constant, whatever the size of
// the file.
const downloadBuffer = 32 << 10

// DownloadOption configures one download.
type DownloadOption func(*downloadConfig)

type downloadConfig struct {
	progress       func(received, total int64)
	idle           time.Duration
	maxSize        int64 // 0: none; see WithMaxSize
	keepCompressed bool
	unsigned       bool             // the answer is unsigned whatever its path: an encrypted bill's part (download_encrypted.go)
	decrypter      signer.Decrypter // WithDecrypter (download_encrypted.go)
}

// WithProgress calls fn from the downloading goroutine after every read from
// the connection, and once more at the end of a complete body. received counts
// body bytes as they come off the wire (for a gzip file: compressed bytes);
// total is the Content-Length, or -1 when the server did not send one (or when
// net/http removed it while undoing a Content-Encoding). Keep fn fast.
func WithProgress(fn func(received, total int64)) DownloadOption {
	return func(c *downloadConfig) { c.progress = fn }
}

// WithIdleTimeout fails the download with ErrIdleTimeout when less than
// 1 KiB arrives within d (waiting for the answer included): a trickle of a
// byte every so often ends too. A download has no overall time
// limit (large bills take long): by default the idle timeout is the client's
// Timeout (30 s unless configured). d < 0 disables it; then only ctx bounds
// the download.
func WithIdleTimeout(d time.Duration) DownloadOption {
	return func(c *downloadConfig) {
		c.idle = d
		if d == 0 {
			c.idle = -1
		}
	}
}

// KeepCompressed writes a gzip file to the io.Writer as it was served instead
// of decompressing it. A bill's hash is still checked over the decompressed
// content (the stream is decompressed on the side, for hashing only). A
// Content-Encoding that net/http already undid is not restored.
func KeepCompressed() DownloadOption {
	return func(c *downloadConfig) { c.keepCompressed = true }
}

// DownloadResult describes a finished download. The download methods return
// it also with most errors (nil only when nothing was received), so that
// Written tells how much reached the io.Writer before the failure.
type DownloadResult struct {
	StatusCode    int         // HTTP status of the answer
	Header        http.Header // answer headers
	RequestID     string      // Request-ID header: quote it to WeChat Pay support
	ContentLength int64       // Content-Length of the answer, -1 when unknown
	Received      int64       // body bytes read from the connection
	Written       int64       // bytes written to the io.Writer
	Gunzipped     bool        // the content was gzip and was decompressed (here or by net/http; with KeepCompressed, for the hash only)
	Verified      bool        // the answer's signature was checked (signed paths and statements only)
	HashType      string      // "SHA1" or "SM3" when a hash was checked (bills, statements)
	Hash          string      // the content's hash, lower-case hex, when HashType is set
	Attempts      int         // attempts made (retries happen only before the body starts)
}

// Download sends a signed GET for the chain's path and streams the answer's
// body to w:
//
//	f, _ := os.Create("image.jpg")
//	res, err := c.Chain("v3/merchant-service/images/{media_id}").Download(ctx, chain.O{"media_id": id}, f)
//
// Whether the answer is verified is decided by the request path alone
// (signer.VerificationFor):
//
//   - Paths on WeChat Pay's unsigned list (bill files, images, fapiao and
//     transfer downloads) are streamed without verification, in constant
//     memory: one 32 KiB buffer, whatever the size.
//   - Overseas statements (v3/statements …) have their headers verified before
//     the body is read; the body is then streamed while its SHA-1 is computed
//     and compared with the signed Wechatpay-Statement-Sha1 at the end
//     (ErrHashMismatch).
//   - Any other path is a signed JSON answer: a stream cannot be verified
//     before it is read, so the body is read completely (at most 64 MiB),
//     verified, and only then written to w. Use Get for such calls.
//
// gzip is undone transparently: when the answer has Content-Encoding gzip
// (net/http undoes it itself unless the caller set Accept-Encoding), or when
// the body starts with the gzip magic bytes 1f 8b, which is how WeChat Pay
// serves bills requested with tar_type=GZIP. A file that is itself a .gz is
// therefore decompressed too; pass KeepCompressed to write bytes as served.
//
// Every attempt is signed afresh; 5xx, 429 and connection errors are retried
// while no body byte has been read, never afterwards. A non-2xx answer is an
// *APIError (read in full, as for Get). A body that ends early — fewer bytes
// than Content-Length, a chunked or gzip stream cut off, a connection reset —
// is an error wrapping io.ErrUnexpectedEOF, never a success.
//
// On any error, w may hold part of the content: discard it (for files,
// DownloadBillToFile does this for you).
func (ch *Chain) Download(ctx context.Context, opts O, w io.Writer, dopts ...DownloadOption) (*DownloadResult, error) {
	req, err := ch.newRequest(http.MethodGet, opts)
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, &OptionsError{Method: req.method, BaseURL: req.baseURL, Template: req.template, Problems: []error{errors.New("the io.Writer is nil")}}
	}
	return ch.c.download(ctx, req, w, nil, dopts)
}

// DownloadImage downloads an image uploaded with v3/merchant/media/upload (or
// named by another API) from v3/merchant-service/images/{media_id}, streamed
// to w without verification.
//
// mediaID is the id exactly as the API returned it, e.g. with "/", "+" and
// "=" in it. It is percent-encoded as ONE path segment ("/" → %2F, "+" → %2B,
// "=" → %3D), which is what the gateway expects. It is the same as
//
//	c.Chain("v3/merchant-service/images/{media_id}").Download(ctx, chain.O{"media_id": mediaID}, w)
//
// If you hold an id that is already percent-encoded (copied from a URL), do
// not decode it: use "{+media_id}", which passes %XX triplets through
// unchanged, so nothing is encoded twice:
//
//	c.Chain("v3/merchant-service/images/{+media_id}").Download(ctx, chain.O{"media_id": "ab%2Fcd%2Bef%3D%3D"}, w)
//
// ("{+media_id}" with a raw id would send its "/" unescaped, as two segments.)
//
// The answer is not signed: at most DefaultImageMaxSize bytes are written
// (ErrTooLarge beyond); WithMaxSize changes the cap.
func (c *Client) DownloadImage(ctx context.Context, mediaID string, w io.Writer, opts ...DownloadOption) (*DownloadResult, error) {
	opts = append([]DownloadOption{WithMaxSize(DefaultImageMaxSize)}, opts...)
	return c.Chain("v3/merchant-service/images/{media_id}").Download(ctx, O{"media_id": mediaID}, w, opts...)
}

// expectedHash is a digest the content must match.
type expectedHash struct {
	typ  string    // "SHA1", "SM3"
	want string    // lower-case hex
	h    hash.Hash // fed with the (decompressed) content
	what string    // where want came from, for the error message
}

// markedError has its own text and matches the errors it unwraps to, so a
// sentinel can be matched without repeating its text.
type markedError struct {
	msg  string
	errs []error
}

func (e *markedError) Error() string   { return e.msg }
func (e *markedError) Unwrap() []error { return e.errs }

// download runs a prepared GET and streams or verifies its answer.
func (c *Client) download(ctx context.Context, req *request, w io.Writer, exp *expectedHash, dopts []DownloadOption) (*DownloadResult, error) {
	var cfg downloadConfig
	for _, o := range dopts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.maxSize > 0 && w != nil {
		w = &cappedWriter{w: w, limit: cfg.maxSize}
	}
	idle := cfg.idle
	if idle == 0 {
		idle = c.timeout
	}
	// Downloads are bounded by the idle timeout, not by the whole-call one.
	req.timeout = -1
	if h := req.header.Get("Accept"); h == "" || h == "application/json" {
		req.header.Set("Accept", "*/*")
	}

	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var timer *time.Timer
	if idle > 0 {
		timer = time.AfterFunc(idle, func() { cancel(ErrIdleTimeout) })
		defer timer.Stop()
	}
	mode := signer.VerificationFor(req.method, req.urlPath())
	if cfg.unsigned {
		mode = signer.VerifyNone
	}
	var body *downloadBody

	resp, attempts, err := c.send(dctx, req)
	if err != nil {
		return nil, c.stalled(dctx, req, idle, nil, nil, err)
	}
	defer resp.Body.Close()
	res := &DownloadResult{
		StatusCode:    resp.StatusCode,
		Header:        resp.Header,
		RequestID:     resp.Header.Get(requestIDKey),
		ContentLength: resp.ContentLength,
		Gunzipped:     resp.Uncompressed,
		Attempts:      attempts,
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, err := c.readResponse(req, resp)
		return res, c.stalled(dctx, req, idle, res, body, err)
	}

	body = &downloadBody{ctx: dctx, r: resp.Body, total: resp.ContentLength, progress: cfg.progress, timer: timer, idle: idle}
	switch mode {
	case signer.VerifyNone:
		err = c.stream(req, res, body, w, exp, cfg.keepCompressed)
	case signer.VerifyStatementSHA1:
		sum, verr := c.verifier.VerifyStatement(resp.Header)
		if verr != nil {
			c.logVerifyFailure(req, res.RequestID, verr)
			return res, &VerifyError{Response: &Response{StatusCode: resp.StatusCode, Header: resp.Header, RequestID: res.RequestID},
				Err: verr, Method: req.method, BaseURL: req.baseURL, Template: req.template}
		}
		res.Verified = true
		err = c.streamStatement(req, res, body, w, exp, sum)
	default:
		err = c.verifiedBody(req, res, resp, body, w, exp)
	}
	if err != nil {
		return res, c.stalled(dctx, req, idle, res, body, err)
	}
	return res, nil
}

// stalled turns a failure caused by the idle timer into ErrIdleTimeout
// (still unwrapping to the failure itself).
func (c *Client) stalled(dctx context.Context, req *request, idle time.Duration, res *DownloadResult, body *downloadBody, err error) error {
	if err == nil || !errors.Is(context.Cause(dctx), ErrIdleTimeout) {
		return err
	}
	got := "before the answer"
	if res != nil {
		got = fmt.Sprintf("%d body bytes received", res.Received)
	}
	what := "nothing received"
	if body != nil && body.fresh > 0 {
		what = fmt.Sprintf("under %d bytes received", minDownloadProgress)
	}
	return &markedError{
		msg:  fmt.Sprintf("chain: %s: download stalled: %s for %s (idle timeout); %s", req.call(), what, idle, got),
		errs: []error{ErrIdleTimeout, err},
	}
}

// stream copies an unsigned body to w, undoing gzip, hashing when asked.
func (c *Client) stream(req *request, res *DownloadResult, body *downloadBody, w io.Writer, exp *expectedHash, keep bool) error {
	out := &countingWriter{w: w}
	defer func() { res.Written, res.Received = out.n, body.n }()

	var src io.Reader = body
	var dst io.Writer = out
	var tee *teeWriter
	if keep {
		if exp == nil {
			// Bytes as served, nothing to decode.
			if err := c.copyBody(req, out, body, body); err != nil {
				return err
			}
			return body.complete(c, req)
		}
		// w gets the bytes as served; the decoded stream only feeds the hash.
		tee = &teeWriter{w: out}
		src, dst = io.TeeReader(body, tee), io.Discard
	}
	decoded, gz, err := c.gunzip(req, res, src, body)
	if err != nil {
		return tee.check(c, req, err)
	}
	if exp != nil {
		if dst == io.Discard {
			dst = exp.h
		} else {
			dst = io.MultiWriter(dst, exp.h)
		}
	}
	if err := c.copyBody(req, dst, decoded, body); err != nil {
		return tee.check(c, req, err)
	}
	if err := body.complete(c, req); err != nil {
		return tee.check(c, req, err)
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return c.wrapf(req, "gzip: %w", err)
		}
	}
	return c.checkHash(req, res, exp)
}

// gunzip returns the decoded content of src: it undoes a Content-Encoding
// gzip that net/http left in place, then a gzip file recognised by its magic
// bytes.
func (c *Client) gunzip(req *request, res *DownloadResult, src io.Reader, body *downloadBody) (io.Reader, *gzip.Reader, error) {
	br := bufio.NewReaderSize(src, downloadBuffer)
	var last *gzip.Reader
	var cur io.Reader = br
	if !res.Gunzipped && contentEncodingGzip(res.Header) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, c.readErrN(req, body, fmt.Errorf("gzip Content-Encoding: %w", err))
		}
		res.Gunzipped, last = true, zr
		cur = bufio.NewReaderSize(zr, 512) // small: only for the magic-byte peek
	}
	peek := cur.(*bufio.Reader)
	magic, err := peek.Peek(2)
	if err != nil && err != io.EOF {
		return nil, nil, c.readErrN(req, body, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(peek)
		if err != nil {
			return nil, nil, c.readErrN(req, body, fmt.Errorf("gzip: %w", err))
		}
		res.Gunzipped, last = true, zr
		return zr, last, nil
	}
	return peek, last, nil
}

func contentEncodingGzip(h http.Header) bool {
	for _, v := range h.Values("Content-Encoding") {
		for _, e := range strings.Split(v, ",") {
			if e = strings.TrimSpace(e); strings.EqualFold(e, "gzip") || strings.EqualFold(e, "x-gzip") {
				return true
			}
		}
	}
	return false
}

// streamStatement streams a statement whose headers are verified, hashing
// the body as received (the signed SHA-1 is over those bytes).
func (c *Client) streamStatement(req *request, res *DownloadResult, body *downloadBody, w io.Writer, exp *expectedHash, sum string) error {
	out := &countingWriter{w: w}
	defer func() { res.Written, res.Received = out.n, body.n }()
	stmt := &expectedHash{typ: "SHA1", want: strings.ToLower(sum), h: newSHA1(), what: signer.HeaderStatementSHA1}
	var dst io.Writer = io.MultiWriter(out, stmt.h)
	if exp != nil {
		dst = io.MultiWriter(dst, exp.h)
	}
	if err := c.copyBody(req, dst, body, body); err != nil {
		return err
	}
	if err := body.complete(c, req); err != nil {
		return err
	}
	if err := c.checkHash(req, res, stmt); err != nil {
		return err
	}
	return c.checkHash(req, res, exp)
}

// verifiedBody reads a signed answer in full, verifies it, then writes it.
func (c *Client) verifiedBody(req *request, res *DownloadResult, resp *http.Response, body *downloadBody, w io.Writer, exp *expectedHash) error {
	var buf bytes.Buffer
	lim := &io.LimitedReader{R: body, N: maxBody + 1}
	if err := c.copyBody(req, &buf, lim, body); err != nil {
		res.Received = body.n
		return err
	}
	res.Received = body.n
	if buf.Len() > maxBody {
		return c.wrapf(req, "answer larger than %d bytes: a signed answer is verified in memory before it is written (Request-ID %q)", maxBody, res.RequestID)
	}
	if err := body.complete(c, req); err != nil {
		return err
	}
	if _, err := c.finish(req, resp, buf.Bytes()); err != nil {
		return err
	}
	res.Verified = true
	var dst io.Writer = w
	if exp != nil {
		dst = io.MultiWriter(w, exp.h)
	}
	n, err := dst.Write(buf.Bytes())
	res.Written = int64(n)
	if err != nil {
		return c.wrapf(req, "writing the content: %w", err)
	}
	return c.checkHash(req, res, exp)
}

// copyBody copies src to dst with one fixed buffer, telling read errors from
// write errors (except for a writer behind a TeeReader: see teeWriter).
func (c *Client) copyBody(req *request, dst io.Writer, src io.Reader, body *downloadBody) error {
	return c.copyWith(req, dst, src, func(err error) error { return c.readErrN(req, body, err) })
}

// copyWith copies src to dst with one fixed buffer; a write failure is
// writeErr's, a read failure readErr's.
func (c *Client) copyWith(req *request, dst io.Writer, src io.Reader, readErr func(error) error) error {
	buf := make([]byte, downloadBuffer)
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return c.writeErr(req, werr)
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return readErr(rerr)
		}
	}
}

func (c *Client) writeErr(req *request, err error) error {
	return c.wrapf(req, "writing the content: %w", err)
}

// readErrN reports a failed body read. Anything that ends the body early
// (truncation, reset, corrupt gzip) wraps io.ErrUnexpectedEOF.
func (c *Client) readErrN(req *request, body *downloadBody, err error) error {
	err = unwrapURLError(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return c.wrapf(req, "reading the content after %d bytes: %w", body.n, err)
	}
	size := "unknown size"
	if body.total >= 0 {
		size = strconv.FormatInt(body.total, 10) + " bytes announced"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return c.wrapf(req, "download incomplete after %d bytes (%s): %w", body.n, size, err)
	}
	return &markedError{
		msg:  fmt.Sprintf("chain: %s: download incomplete after %d bytes (%s): %v", req.call(), body.n, size, err),
		errs: []error{io.ErrUnexpectedEOF, err},
	}
}

// checkHash compares the computed digest with the expected one.
func (c *Client) checkHash(req *request, res *DownloadResult, exp *expectedHash) error {
	if exp == nil {
		return nil
	}
	got := fmt.Sprintf("%x", exp.h.Sum(nil))
	res.HashType, res.Hash = exp.typ, got
	if got != exp.want {
		return &markedError{
			msg: fmt.Sprintf("chain: %s: %s of the content is %s but %s says %s: the content is corrupt or incomplete; discard it (Request-ID %q)",
				req.call(), exp.typ, got, exp.what, exp.want, res.RequestID),
			errs: []error{ErrHashMismatch},
		}
	}
	return nil
}

// minDownloadProgress is how many bytes must arrive within one idle timeout
// for the timer to restart: a trickle of a byte every 200 ms (never idle)
// must still end.
const minDownloadProgress = 1 << 10

// downloadBody counts body bytes, reports progress and feeds the idle timer
// (restarted each time minDownloadProgress more bytes arrived).
// It checks the context before every read: net/http notices a cancellation
// asynchronously and may still hand out buffered bytes.
type downloadBody struct {
	ctx      context.Context
	r        io.Reader
	n        int64
	total    int64
	progress func(received, total int64)
	timer    *time.Timer
	idle     time.Duration
	fresh    int64 // bytes since the idle timer last restarted
	eof      bool
}

func (b *downloadBody) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := b.r.Read(p)
	if n > 0 {
		b.n += int64(n)
		if b.fresh += int64(n); b.timer != nil && b.fresh >= minDownloadProgress {
			b.timer.Reset(b.idle)
			b.fresh = 0
		}
		if b.progress != nil {
			b.progress(b.n, b.total)
		}
	}
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

// complete makes sure the whole body was read (it may sit unread behind a
// gzip trailer) and that it matches Content-Length, then reports the final
// progress.
func (b *downloadBody) complete(c *Client, req *request) error {
	if !b.eof {
		var one [1]byte
		for {
			n, err := b.Read(one[:])
			if n > 0 {
				return c.wrapf(req, "unexpected data after the end of the gzip stream")
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return c.readErrN(req, b, err)
			}
		}
	}
	if b.total >= 0 && b.n != b.total {
		return c.wrapf(req, "download incomplete: %d of %d bytes received: %w", b.n, b.total, io.ErrUnexpectedEOF)
	}
	if b.progress != nil {
		b.progress(b.n, b.total)
	}
	return nil
}

// countingWriter counts what reaches the caller's writer.
type countingWriter struct {
	w io.Writer
	n int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return n, err
}

// teeWriter is the caller's writer behind a TeeReader (KeepCompressed with a
// hash): its errors come back as read errors, possibly wrapped by
// compress/flate without Unwrap, so it remembers them.
type teeWriter struct {
	w   io.Writer
	err error
}

func (t *teeWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if err != nil && t.err == nil {
		t.err = err
	}
	return n, err
}

// check reports the writer's error, when there was one, instead of err.
func (t *teeWriter) check(c *Client, req *request, err error) error {
	if t != nil && t.err != nil {
		return c.writeErr(req, t.err)
	}
	return err
}
