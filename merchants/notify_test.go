package merchants_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/merchants"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// A notification is verified with the routed merchant's platform keys and
// decrypted with its APIv3 key, and only reaches the callback for that
// merchant.
func TestNotifyHandlerRoutesByMerchant(t *testing.T) {
	t.Parallel()
	sim := func(mchid string, keyN int, apiv3 string) *wechatpaytest.Server {
		srv := wechatpaytest.NewServer(wechatpaytest.WithMchID(mchid),
			wechatpaytest.WithPlatformKey(testkeys.RSA(keyN), "PUB_KEY_ID_0119000000012026120200000000000001"),
			wechatpaytest.WithAPIv3Key(apiv3))
		t.Cleanup(srv.Close)
		return srv
	}
	a := sim("1900000011", 11, apiv3KeyOf(11))
	b := sim("1900000012", 12, apiv3KeyOf(12)) // its own platform key and APIv3 key
	c := sim("1900000013", 11, apiv3KeyOf(13)) // A's platform key, its own APIv3 key
	d := sim("1900000014", 11, apiv3KeyOf(11)) // A's platform key and APIv3 key (a misconfiguration)
	logger, logs := newLogger()
	reg := merchants.New(merchants.Config{Logger: logger})
	for _, srv := range []*wechatpaytest.Server{a, b, c, d} {
		if err := reg.Put(srv.Config()); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var got []string
	mux := http.NewServeMux()
	mux.Handle("POST /notify/{mchid}", reg.NotifyHandler(func(_ context.Context, mchid string, n *notify.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, mchid+" "+n.Get("out_trade_no").String())
		return nil
	}))
	const secret = "ORDER-PLAINTEXT-MARKER"
	plain := `{"mchid":"1900000011","out_trade_no":"` + secret + `","trade_state":"SUCCESS"}`
	cases := []struct {
		name   string
		target string
		status int
	}{
		{"its own merchant", "/notify/1900000011", 200},
		{"another platform key", "/notify/1900000012", 401},
		{"same platform key, another APIv3 key", "/notify/1900000013", 500},
		{"same keys, another mchid in the resource", "/notify/1900000014", 400},
		{"unknown merchant", "/notify/1900000099", 404},
	}
	var leaks []string
	for _, tc := range cases {
		req, err := a.NewNotification("http://example.test"+tc.target, "TRANSACTION.SUCCESS", []byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := req.GetBody()
		raw, _ := io.ReadAll(body)
		leaks = append(leaks, gjson.GetBytes(raw, "resource.ciphertext").String()[:24])
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, rec.Code, tc.status, rec.Body)
		}
	}
	if diff := cmp.Diff([]string{"1900000011 " + secret}, got); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
	out := logs.String()
	if !strings.Contains(out, "unknown merchant") || !strings.Contains(out, "1900000099") {
		t.Errorf("the unknown merchant is not logged:\n%s", out)
	}
	for _, leak := range append(leaks, secret, apiv3KeyOf(11), apiv3KeyOf(13)) {
		if strings.Contains(out, leak) {
			t.Errorf("the log holds %q:\n%s", leak, out)
		}
	}
}
