package chain_test

import (
	"context"
	"crypto/rsa"
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
