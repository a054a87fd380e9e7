package chain_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
)

// TestBodyOnEveryAttempt: every attempt of a call with a body sends the
// same bytes with their Content-Length (never chunked), signed afresh;
// a call with an empty body sends "Content-Length: 0".
func TestBodyOnEveryAttempt(t *testing.T) {
	t.Parallel()
	type got struct {
		Length   int64
		Chunked  bool
		Body     string
		AuthSeen int
	}
	cases := []struct {
		name string
		opts chain.O
		body string
	}{
		{"json", chain.O{"json": chain.O{"out_trade_no": "T1", "amount": chain.O{"total": 1}}}, `{"amount":{"total":1},"out_trade_no":"T1"}`},
		{"raw body", chain.O{"body": `{"a":"中文"}`}, `{"a":"中文"}`},
		{"empty body", chain.O{"body": ""}, ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var seen []got
			auths := map[string]bool{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				auths[r.Header.Get("Authorization")] = true
				seen = append(seen, got{Length: r.ContentLength, Chunked: len(r.TransferEncoding) > 0, Body: string(b), AuthSeen: len(auths)})
				mu.Unlock()
				w.WriteHeader(500)
				io.WriteString(w, `{"code":"SYSTEM_ERROR","message":"x"}`)
			}))
			defer srv.Close()
			testKeys(t)
			c, err := chain.NewClient(chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: mustSigner(t),
				PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey},
				BaseURL:      srv.URL, HTTPClient: srv.Client(), RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Chain("v3/x").Post(context.Background(), tc.opts); err == nil {
				t.Fatal("a 500 answer gave no error")
			}
			want := []got{
				{int64(len(tc.body)), false, tc.body, 1},
				{int64(len(tc.body)), false, tc.body, 2},
				{int64(len(tc.body)), false, tc.body, 3},
			}
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff(want, seen); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDeadlineOfTheCall: whichever comes first, the caller's deadline or
// Config.Timeout, ends a call that hangs, with context.DeadlineExceeded
// (a caller's deadline that comes first needs no timer of the client's),
// for an APIv3 and an APIv2 call.
func TestDeadlineOfTheCall(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		timeout  time.Duration // Config.Timeout
		deadline time.Duration // the caller's, 0 for none
	}{
		{"caller's deadline first", 0, 100 * time.Millisecond}, // Timeout 0: DefaultTimeout, 30 s
		{"client timeout first", 100 * time.Millisecond, time.Hour},
		{"client timeout, no deadline", 100 * time.Millisecond, 0},
		{"caller's deadline, no client timeout", -1, 100 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body) // then net/http notices the client going away
				<-r.Context().Done()               // hangs until it does
			}))
			defer srv.Close()
			testKeys(t)
			c, err := chain.NewClient(chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: mustSigner(t),
				PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey},
				BaseURL:      srv.URL, HTTPClient: srv.Client(), Timeout: tc.timeout, APIv2Key: "0123456789abcdefghijABCDEFGHIJ01"})
			if err != nil {
				t.Fatal(err)
			}
			calls := map[string]func(context.Context) error{
				"v3": func(ctx context.Context) error {
					_, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, seedOpts())
					return err
				},
				"v2": func(ctx context.Context) error {
					_, err := c.Chain("v2/pay/orderquery").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "T1"}})
					return err
				},
			}
			for name, call := range calls {
				ctx := context.Background()
				if tc.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.deadline)
					defer cancel()
				}
				if err := call(ctx); !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s: got %v, want context.DeadlineExceeded", name, err)
				}
			}
		})
	}
}
