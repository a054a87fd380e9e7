package chain_test

import (
	"bufio"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	gw "github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
)

// rawRequest is one request exactly as its bytes arrived on a TCP connection.
type rawRequest struct {
	Line   string               // request line, e.g. "GET /v3/x HTTP/1.1"
	Header textproto.MIMEHeader // headers as sent (Transfer-Encoding and Content-Length included)
	Body   []byte               // body bytes, de-chunked
	Conn   int                  // which connection (1-based) carried it
}

// rawWire is a plain TCP listener speaking just enough HTTP/1.1 to answer
// signed 200s on keep-alive connections, recording every byte of the request
// heads; net/http's server would hide Transfer-Encoding.
type rawWire struct {
	ln    net.Listener
	mu    sync.Mutex
	reqs  []rawRequest
	conns int
	// answer decides the reply to request n (1-based); "" drops the connection.
	answer func(n int, r rawRequest) string
}

func newRawWire(t *testing.T, answer func(n int, r rawRequest) string) (*rawWire, *chain.Client) {
	t.Helper()
	testKeys(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &rawWire{ln: ln, answer: answer}
	t.Cleanup(func() { ln.Close() })
	go w.accept()
	rs, err := signer.NewRSASigner(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.NewClient(chain.Config{
		MchID: testMchID, Serial: testMerchantSerial, Signer: rs,
		PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey},
		BaseURL:      "http://" + ln.Addr().String() + "/",
		RetryWait:    time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return w, c
}

func (w *rawWire) accept() {
	for {
		conn, err := w.ln.Accept()
		if err != nil {
			return
		}
		w.mu.Lock()
		w.conns++
		id := w.conns
		w.mu.Unlock()
		go w.serve(conn, id)
	}
}

func (w *rawWire) requests() []rawRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]rawRequest(nil), w.reqs...)
}

func (w *rawWire) serve(conn net.Conn, id int) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	tp := textproto.NewReader(br)
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			return
		}
		r := rawRequest{Line: line, Header: h, Conn: id}
		switch {
		case strings.EqualFold(h.Get("Transfer-Encoding"), "chunked"):
			body, err := io.ReadAll(httpChunkedReader(br))
			if err != nil {
				return
			}
			r.Body = body
		case h.Get("Content-Length") != "":
			n, err := strconv.Atoi(h.Get("Content-Length"))
			if err != nil {
				return
			}
			r.Body = make([]byte, n)
			if _, err := io.ReadFull(br, r.Body); err != nil {
				return
			}
		}
		w.mu.Lock()
		w.reqs = append(w.reqs, r)
		n := len(w.reqs)
		w.mu.Unlock()
		body := w.answer(n, r)
		if body == "" {
			return // drop the connection without answering
		}
		if body == wireRefuse {
			body = `{"code":"SIGN_ERROR","message":"nonce already used"}`
			sh, _ := gw.SignHeaders(context.Background(), platformSigner, testPlatformSerial, []byte(body), time.Now())
			var b strings.Builder
			fmt.Fprintf(&b, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", len(body))
			for k, v := range sh {
				fmt.Fprintf(&b, "%s: %s\r\n", k, v[0])
			}
			b.WriteString("\r\n" + body)
			if _, err := io.WriteString(conn, b.String()); err != nil {
				return
			}
			continue
		}
		if body == wireCut {
			// A 200 announcing 64 bytes, then the connection breaks.
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{")
			return
		}
		sh, err := gw.SignHeaders(context.Background(), platformSigner, testPlatformSerial, []byte(body), time.Now())
		if err != nil {
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nRequest-ID: RAW-%d\r\n", len(body), n)
		for k, v := range sh {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v[0])
		}
		b.WriteString("\r\n")
		b.WriteString(body)
		if _, err := io.WriteString(conn, b.String()); err != nil {
			return
		}
	}
}

// wireCut as an answer sends the head and one byte of a longer body, then
// closes the connection.
const wireCut = "<cut>"

// wireRefuse as an answer sends a signed 401 SIGN_ERROR, as the gateway
// answers a reused nonce.
const wireRefuse = "<refuse>"

// httpChunkedReader de-chunks a body (enough for the tests: no trailers).
func httpChunkedReader(br *bufio.Reader) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			if n == 0 {
				br.ReadString('\n')
				pw.Close()
				return
			}
			if _, err := io.CopyN(pw, br, n); err != nil {
				pw.CloseWithError(err)
				return
			}
			br.ReadString('\n')
		}
	}()
	return pr
}

// TestWireBytes checks the raw HTTP/1.1 request: the request line is the
// signed target, a request without a body carries no Transfer-Encoding and
// no body, and the signature covers exactly the bytes sent.
func TestWireBytes(t *testing.T) {
	t.Parallel()
	w, c := newRawWire(t, func(int, rawRequest) string { return `{"ok":true}` })
	type want struct {
		Line          string
		TE            string
		ContentLength string
		Body          string
	}
	cases := []struct {
		name   string
		method string
		tpl    string
		opts   chain.O
		want   want
	}{
		{"GET", "GET", "v3/pay/transactions/out-trade-no/{no}", chain.O{"no": "a/b+c=d 张", "query": map[string]any{"mchid": "1900000001", "q": "x y+z"}},
			want{Line: "GET /v3/pay/transactions/out-trade-no/a%2Fb%2Bc%3Dd%20%E5%BC%A0?mchid=1900000001&q=x+y%2Bz HTTP/1.1"}},
		{"GET with headers", "GET", "v3/x", chain.O{"headers": map[string]string{"Idempotency-Key": "k1"}},
			want{Line: "GET /v3/x HTTP/1.1"}},
		{"DELETE", "DELETE", "v3/x/{id}", chain.O{"id": "1"},
			want{Line: "DELETE /v3/x/1 HTTP/1.1"}},
		{"POST json", "POST", "v3/x", chain.O{"json": `{"a":"<&>"}`},
			want{Line: "POST /v3/x HTTP/1.1", ContentLength: "11", Body: `{"a":"<&>"}`}},
		{"POST without body", "POST", "v3/x", chain.O{},
			want{Line: "POST /v3/x HTTP/1.1", ContentLength: "0"}},
		{"PUT with an empty body", "PUT", "v3/x", chain.O{"body": ""},
			want{Line: "PUT /v3/x HTTP/1.1", ContentLength: "0"}},
	}
	for _, tc := range cases {
		before := len(w.requests())
		if _, err := c.Chain(tc.tpl).Do(context.Background(), tc.method, tc.opts); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := w.requests()[before]
		got := want{Line: r.Line, TE: r.Header.Get("Transfer-Encoding"), ContentLength: r.Header.Get("Content-Length"), Body: string(r.Body)}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: wire (-want +got):\n%s", tc.name, diff)
		}
		target := strings.Fields(r.Line)[1]
		if _, err := checkAuth(tc.method, target, r.Header.Get("Authorization"), r.Body); err != nil {
			t.Errorf("%s: signature does not cover the wire request: %v", tc.name, err)
		}
	}
}

// TestWireNoReplayWithTheSameNonce: when a reused keep-alive connection dies
// after the request was written, net/http's Transport resends replayable
// requests itself (GET; DELETE or a bodiless request with an
// Idempotency-Key) with the same Authorization. Every request that reaches
// the wire must carry its own nonce.
func TestWireNoReplayWithTheSameNonce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		opts   chain.O
	}{
		{"GET", chain.O{}},
		{"GET", chain.O{"headers": map[string]string{"Idempotency-Key": "k1"}}},
		{"DELETE", chain.O{}},
		{"DELETE", chain.O{"headers": map[string]string{"Idempotency-Key": "k1"}}},
		{"POST", chain.O{"json": `{}`, "headers": map[string]string{"Idempotency-Key": "k1"}}},
		{"POST", chain.O{"headers": map[string]string{"Idempotency-Key": "k1"}}},
		{"PATCH", chain.O{"body": "", "headers": map[string]string{"X-Idempotency-Key": "k1"}}},
		{"PUT", chain.O{"headers": map[string]string{"Idempotency-Key": ""}}},
	} {
		t.Run(fmt.Sprint(tc.method, tc.opts), func(t *testing.T) {
			t.Parallel()
			w, c := newRawWire(t, func(n int, r rawRequest) string {
				if n == 2 {
					return "" // the second request arrives on the reused connection
				}
				return `{"ok":true}`
			})
			for range 2 {
				if _, err := c.Chain("v3/x").Do(context.Background(), tc.method, tc.opts); err != nil {
					t.Fatal(err)
				}
			}
			reqs := w.requests()
			nonces := map[string]int{}
			for _, r := range reqs {
				a, err := gw.ParseAuthorization(r.Header.Get("Authorization"))
				if err != nil {
					t.Fatal(err)
				}
				nonces[a.Nonce]++
			}
			for n, k := range nonces {
				if k > 1 {
					t.Errorf("nonce %s went out %d times (%d requests)", n, k, len(reqs))
				}
			}
		})
	}
}

// TestBrokenAnswerIsRetried: a connection that breaks while the answer's body
// is read is a connection error like any other: retried (signed afresh)
// while retries remain, an error wrapping io.ErrUnexpectedEOF otherwise.
func TestBrokenAnswerIsRetried(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			w, c := newRawWire(t, func(n int, r rawRequest) string {
				if n == 1 {
					return wireCut
				}
				return `{"ok":true}`
			})
			opts := chain.O{}
			if method == "POST" {
				opts["json"] = `{"a":1}`
			}
			resp, err := c.Chain("v3/x").Do(context.Background(), method, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(`{"ok":true}`, string(resp.Body)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			reqs := w.requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want 2", len(reqs))
			}
			if reqs[0].Header.Get("Authorization") == reqs[1].Header.Get("Authorization") {
				t.Error("the retry was not signed again")
			}
		})
	}
	t.Run("no retries left", func(t *testing.T) {
		t.Parallel()
		w, c := newRawWire(t, func(int, rawRequest) string { return wireCut })
		_, err := c.Chain("v3/x").Get(context.Background(), nil)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("error %v, want io.ErrUnexpectedEOF", err)
		}
		if !strings.HasPrefix(err.Error(), "chain: GET "+c.BaseURL()+"v3/x: ") {
			t.Errorf("error %q does not name the call", err)
		}
		if n := len(w.requests()); n != 1+chain.DefaultMaxRetries {
			t.Errorf("%d requests, want %d", n, 1+chain.DefaultMaxRetries)
		}
	})
}

// TestHTTP2RequestsWithoutBodyEndTheStream: over HTTP/2 a request without a
// body ends its stream with its headers (the server sees a known empty body),
// as an ordinary GET does; nothing makes it look like a body of unknown
// length.
func TestHTTP2RequestsWithoutBodyEndTheStream(t *testing.T) {
	t.Parallel()
	testKeys(t)
	type got struct {
		Proto         string
		ContentLength int64
		Body          string
	}
	var mu sync.Mutex
	var seenReqs []got
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seenReqs = append(seenReqs, got{r.Proto, r.ContentLength, string(body)})
		mu.Unlock()
		sh, err := gw.SignHeaders(context.Background(), platformSigner, testPlatformSerial, nil, time.Now())
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		for k, v := range sh {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rs, err := signer.NewRSASigner(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.NewClient(chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: rs,
		PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey},
		BaseURL:      srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"GET", "DELETE", "POST"} {
		if _, err := c.Chain("v3/x").Do(context.Background(), m, nil); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	want := []got{{"HTTP/2.0", 0, ""}, {"HTTP/2.0", 0, ""}, {"HTTP/2.0", 0, ""}}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, seenReqs); diff != "" {
		t.Errorf("requests as the server saw them (-want +got):\n%s", diff)
	}
}

// flakySigner signs the first n messages, then fails.
type flakySigner struct {
	mu sync.Mutex
	n  int
	s  signer.Signer
}

func (f *flakySigner) Sign(ctx context.Context, msg []byte) (string, error) {
	f.mu.Lock()
	f.n--
	ok := f.n >= 0
	f.mu.Unlock()
	if !ok {
		return "", errors.New("HSM offline")
	}
	return f.s.Sign(ctx, msg)
}

// TestResendSigningFailure: when net/http resends a GET on a new connection
// and signing that try fails, the call fails with the signing error and the
// old signature (its nonce) never goes out again.
func TestResendSigningFailure(t *testing.T) {
	t.Parallel()
	w, c0 := newRawWire(t, func(n int, r rawRequest) string {
		if n == 2 {
			return "" // dies on the reused connection: net/http tries again
		}
		return `{"ok":true}`
	})
	rs, err := signer.NewRSASigner(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.NewClient(chain.Config{MchID: testMchID, Serial: testMerchantSerial,
		Signer:       &flakySigner{n: 2, s: rs}, // the two calls sign; the resend does not
		PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey}, BaseURL: c0.BaseURL(), DisableRetries: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v3/x").Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/x").Get(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "chain: GET "+c.BaseURL()+"v3/x: signing: ") || !strings.Contains(err.Error(), "HSM offline") {
		t.Fatalf("got %v, want the signing error", err)
	}
	reqs := w.requests()
	if len(reqs) != 3 || reqs[2].Header.Get("Authorization") != "" {
		t.Errorf("want the resend as a third request without Authorization, got %d requests", len(reqs))
	}
	seenAuth := map[string]bool{}
	for i, r := range reqs {
		a := r.Header.Get("Authorization")
		if a != "" && seenAuth[a] {
			t.Errorf("request %d repeats an Authorization header", i+1)
		}
		seenAuth[a] = true
	}
}

// cloningTransport copies every request before sending it, as tracing
// middleware does (req.Clone), so changes to the caller's header map after
// the copy do not reach the wire.
type cloningTransport struct{ base http.RoundTripper }

func (t cloningTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r.Clone(r.Context()))
}

// TestResendBehindCloningTransport: behind a transport that copies the
// request, net/http's own resend repeats the original Authorization (the
// client cannot re-sign the copy). The client notices the repeated
// signature, discards that answer (the gateway's 401 for a reused nonce) and
// retries with a fresh signature.
func TestResendBehindCloningTransport(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seenAuth := map[string]bool{}
	w, c0 := newRawWire(t, func(n int, r rawRequest) string {
		mu.Lock()
		defer mu.Unlock()
		a := r.Header.Get("Authorization")
		if seenAuth[a] {
			return wireRefuse
		}
		seenAuth[a] = true
		if n == 2 {
			return "" // dies on the reused connection: net/http resends
		}
		return `{"ok":true}`
	})
	rs, err := signer.NewRSASigner(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.NewClient(chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: rs,
		PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey}, BaseURL: c0.BaseURL(), RetryWait: time.Millisecond,
		HTTPClient: &http.Client{Transport: cloningTransport{base: &http.Transport{}}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := c.Chain("v3/x").Get(context.Background(), nil); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if n := len(w.requests()); n != 4 {
		t.Errorf("%d requests on the wire, want 4 (ok, dropped, resent by net/http, retried)", n)
	}
}
