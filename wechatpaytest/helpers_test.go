package wechatpaytest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/tidwall/gjson"
)

// seedBody is the seed document's json for the Order_Paid sync.
const seedBody = `{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225091010"}}`

// seedTarget is the seed call's request target.
const seedTarget = "/v3/payscore/payafter-orders/1234323JKHDFE1243252/sync"

// env is a running server and a hand-made signing client (no chain).
type env struct {
	t    *testing.T
	srv  *wechatpaytest.Server
	auth *signer.Authorizer
	ver  *signer.Verifier
}

// answer is a raw answer.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a *answer) get(path string) string { return gjson.GetBytes(a.Body, path).String() }

func setup(t *testing.T, opts ...wechatpaytest.Option) *env {
	t.Helper()
	srv := wechatpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	sg, err := signer.NewRSASigner(srv.MerchantKey)
	if err != nil {
		t.Fatal(err)
	}
	return &env{
		t:    t,
		srv:  srv,
		auth: &signer.Authorizer{MchID: srv.MchID, Serial: srv.MerchantSerial, Signer: sg, Now: srv.Now},
		ver:  &signer.Verifier{Keys: signer.NewKeyStore(srv.PlatformKeys()), Now: srv.Now},
	}
}

// forTest returns a copy of e reporting to t: a subtest must not call its
// parent's Fatal (FailNow works only on the test's own goroutine).
func (e *env) forTest(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// do signs and sends a JSON request (body may be empty).
func (e *env) do(method, target, body string) *answer {
	e.t.Helper()
	authz, err := e.auth.Authorize(context.Background(), method, target, []byte(body))
	if err != nil {
		e.t.Fatal(err)
	}
	return e.send(method, target, body, authz, nil)
}

// send sends a request with the given Authorization and extra headers.
func (e *env) send(method, target, body, authz string, hdr http.Header) *answer {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, e.srv.URL+target, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := e.srv.HTTPClient().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// verify checks an answer's signature and Request-ID.
func (e *env) verify(a *answer) error {
	e.t.Helper()
	if a.Header.Get("Request-ID") == "" {
		e.t.Errorf("answer has no Request-ID")
	}
	return e.ver.Verify(a.Header, a.Body)
}

// authorizeAt signs with a fixed clock and returns the header.
func (e *env) authorizeAt(now time.Time, method, target, body string) string {
	e.t.Helper()
	a := *e.auth
	a.Now = func() time.Time { return now }
	h, err := a.Authorize(context.Background(), method, target, []byte(body))
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}
