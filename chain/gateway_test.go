package chain_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	gw "github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

// Test identities, generated once per test binary.
const (
	testMchID          = "1900000001"
	testMerchantSerial = "3775B6A45ACD588826D15E583A95F5DD4A6AC11A"
	testPlatformSerial = "PUB_KEY_ID_0114232134912410000000000000"
)

var (
	keysOnce       sync.Once
	merchantKey    *rsa.PrivateKey
	platformKey    *rsa.PrivateKey
	platformSigner signer.Signer
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		merchantKey, platformKey = testkeys.RSA(0), testkeys.RSA(1)
		var err error
		if platformSigner, err = signer.NewRSASigner(platformKey); err != nil {
			panic(err)
		}
	})
}

// seen is one request as the gateway received it.
type seen struct {
	Method   string
	URI      string // RequestURI exactly as received
	Header   http.Header
	Body     []byte
	SignBody []byte // what the signature must cover (the meta part for uploads)
	Auth     *gw.Authorization
	AuthErr  error // nil when the signature checked out
	Upload   *upload
}

type upload struct {
	Meta        []byte
	Filename    string
	ContentType string
	File        []byte
}

// reply is what a test handler answers, and how to sign it.
type reply struct {
	Status    int
	Body      string
	Header    map[string]string
	Unsigned  bool      // no Wechatpay-* headers
	Tamper    bool      // change the body after signing
	Timestamp time.Time // signing time; zero → now
	Serial    string    // Wechatpay-Serial; "" → testPlatformSerial
	Probe     bool      // WECHATPAY/SIGNTEST/ signature
	Hang      bool      // block until the client goes away
	Drop      bool      // close the connection without answering
	Signed    *string   // when set, sign these bytes instead of Body (statements)
}

// gateway is a loopback stand-in for WeChat Pay: it checks every request's
// signature (401 SIGN_ERROR when wrong) and signs every answer.
type gateway struct {
	*httptest.Server
	hits atomic.Int64

	mu      sync.Mutex
	reqs    []seen
	handler func(s seen, n int) reply
	stop    chan struct{}
}

// setup starts a gateway and a client for it. The handler answers each
// authenticated request; nil echoes a JSON document with the path.
func setup(t testing.TB, handler func(s seen, n int) reply, mutate ...func(*chain.Config)) (*gateway, *chain.Client) {
	t.Helper()
	testKeys(t)
	g := &gateway{handler: handler, stop: make(chan struct{})}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(func() {
		close(g.stop)
		g.Close()
	})
	rs, err := signer.NewRSASigner(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	o := chain.Config{
		MchID:        testMchID,
		Serial:       testMerchantSerial,
		Signer:       rs,
		PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey},
		BaseURL:      g.URL,
		HTTPClient:   g.Client(),
		RetryWait:    time.Millisecond,
	}
	for _, m := range mutate {
		m(&o)
	}
	c, err := chain.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return g, c
}

func (g *gateway) requests() []seen {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]seen(nil), g.reqs...)
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	n := int(g.hits.Add(1))
	body, _ := io.ReadAll(r.Body)
	s := seen{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: body, SignBody: body}
	if ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && ct == "multipart/form-data" {
		up, err := parseUpload(body, params["boundary"])
		if err != nil {
			s.AuthErr = err
		} else {
			s.Upload, s.SignBody = up, up.Meta
		}
	}
	if s.AuthErr == nil {
		s.Auth, s.AuthErr = checkAuth(r.Method, r.RequestURI, r.Header.Get("Authorization"), s.SignBody)
	}
	g.mu.Lock()
	g.reqs = append(g.reqs, s)
	h := g.handler
	g.mu.Unlock()

	var rep reply
	switch {
	case s.AuthErr != nil:
		rep = reply{Status: 401, Body: `{"code":"SIGN_ERROR","message":"` + strings.ReplaceAll(s.AuthErr.Error(), `"`, `'`) + `"}`}
	case h != nil:
		rep = h(s, n)
	default:
		rep = reply{Status: 200, Body: `{"uri":` + strconv.Quote(s.URI) + `}`}
	}
	if rep.Hang {
		select {
		case <-r.Context().Done():
		case <-g.stop:
		}
		return
	}
	if rep.Drop {
		hj, ok := w.(http.Hijacker)
		if ok {
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if rep.Status == 0 {
		rep.Status = 200
	}
	hdr := w.Header()
	hdr.Set("Request-ID", fmt.Sprintf("RID-%d", n))
	if rep.Body != "" {
		hdr.Set("Content-Type", "application/json")
	}
	for k, v := range rep.Header {
		hdr.Set(k, v)
	}
	if !rep.Unsigned {
		ts := rep.Timestamp
		if ts.IsZero() {
			ts = time.Now()
		}
		serial := rep.Serial
		if serial == "" {
			serial = testPlatformSerial
		}
		signed := rep.Body
		if rep.Signed != nil {
			signed = *rep.Signed
		}
		sh, err := gw.SignHeaders(context.Background(), platformSigner, serial, []byte(signed), ts)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		for k, v := range sh {
			hdr[k] = v
		}
		if rep.Probe {
			hdr.Set(signer.HeaderSignature, signer.ProbePrefix+"abcdef")
		}
	}
	out := rep.Body
	if rep.Tamper {
		out = strings.Replace(out, "1", "2", 1) + " "
	}
	w.WriteHeader(rep.Status)
	io.WriteString(w, out)
}

// checkAuth verifies the merchant's Authorization header the way the gateway does.
func checkAuth(method, uri, header string, body []byte) (*gw.Authorization, error) {
	a, err := gw.ParseAuthorization(header)
	if err != nil {
		return nil, err
	}
	if a.MchID != testMchID || a.Serial != testMerchantSerial {
		return a, fmt.Errorf("wrong mchid/serial %s/%s", a.MchID, a.Serial)
	}
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return a, fmt.Errorf("timestamp %q out of window", a.Timestamp)
	}
	msg := signer.BuildMessage(method, uri, ts, a.Nonce, body)
	if err := signer.VerifySignature(&merchantKey.PublicKey, msg, a.Signature); err != nil {
		return a, err
	}
	return a, nil
}

func parseUpload(body []byte, boundary string) (*upload, error) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	up := &upload{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		switch p.FormName() {
		case "meta":
			if p.Header.Get("Content-Type") != "application/json" {
				return nil, fmt.Errorf("meta part Content-Type %q", p.Header.Get("Content-Type"))
			}
			up.Meta = data
		case "file":
			up.Filename, up.ContentType, up.File = p.FileName(), p.Header.Get("Content-Type"), data
		default:
			return nil, fmt.Errorf("unexpected part %q", p.FormName())
		}
	}
	var meta struct{ Filename, Sha256 string }
	if err := json.Unmarshal(up.Meta, &meta); err != nil {
		return nil, fmt.Errorf("meta: %w", err)
	}
	sum := sha256.Sum256(up.File)
	if meta.Sha256 != hex.EncodeToString(sum[:]) {
		return nil, fmt.Errorf("meta sha256 %s does not match the file", meta.Sha256)
	}
	if meta.Filename != up.Filename {
		return nil, fmt.Errorf("meta filename %q, file part %q", meta.Filename, up.Filename)
	}
	return up, nil
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func statementSHA1(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}
