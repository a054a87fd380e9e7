package notify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	f := setup(t, notify.WithMaxBodySize(4096))
	good := f.body(t, note{})
	goodHeader := f.sign(t, good, testSerial, testNow)
	tampered := []byte(strings.Replace(string(good), "支付成功", "支付失败", 1))
	probe := f.sign(t, good, testSerial, testNow)
	probe.Set(signer.HeaderSignature, "WECHATPAY/SIGNTEST/"+probe.Get(signer.HeaderSignature))
	wrongKey := f.body(t, note{apiv3Key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"})
	sm4 := f.body(t, note{algorithm: "AEAD_SM4_GCM"})
	malformed := []byte(`{"id":`)
	big := f.body(t, note{plaintext: `{"pad":"` + strings.Repeat("x", 5000) + `"}`})

	errBusiness := errors.New("database is down: password=hunter2")
	tests := []struct {
		name       string
		method     string
		header     map[string][]string
		body       []byte
		fnErr      error
		wantStatus int
		wantBody   string // "" → no body
		wantCalled bool
	}{
		{"good", "POST", goodHeader, good, nil, 200, "", true},
		{"fn fails", "POST", goodHeader, good, errBusiness, 500, `{"code":"FAIL","message":"notification not processed"}`, true},
		{"fn picks status", "POST", goodHeader, good, notify.Fail(http.StatusServiceUnavailable, "busy, retry later", errBusiness), 503, `{"code":"FAIL","message":"busy, retry later"}`, true},
		{"fn picks bad status", "POST", goodHeader, good, notify.Fail(302, "", errBusiness), 500, `{"code":"FAIL","message":"notification not processed"}`, true},
		{"tampered", "POST", goodHeader, tampered, nil, 401, `{"code":"FAIL","message":"signature verification failed"}`, false},
		{"stale", "POST", f.sign(t, good, testSerial, testNow.Add(-time.Hour)), good, nil, 401, `{"code":"FAIL","message":"timestamp out of the accepted window"}`, false},
		{"unknown serial", "POST", f.sign(t, good, "PUB_KEY_ID_0999999999999999999999999999", testNow), good, nil, 401, `{"code":"FAIL","message":"unknown Wechatpay-Serial"}`, false},
		{"probe", "POST", probe, good, nil, 401, `{"code":"FAIL","message":"probe signature refused"}`, false},
		{"no headers", "POST", nil, good, nil, 401, `{"code":"FAIL","message":"missing Wechatpay signature header"}`, false},
		{"malformed", "POST", f.sign(t, malformed, testSerial, testNow), malformed, nil, 400, `{"code":"FAIL","message":"malformed notification"}`, false},
		{"unknown algorithm", "POST", f.sign(t, sm4, testSerial, testNow), sm4, nil, 400, `{"code":"FAIL","message":"unknown resource algorithm"}`, false},
		{"too large", "POST", f.sign(t, big, testSerial, testNow), big, nil, 413, `{"code":"FAIL","message":"body too large"}`, false},
		{"wrong APIv3 key", "POST", f.sign(t, wrongKey, testSerial, testNow), wrongKey, nil, 500, `{"code":"FAIL","message":"resource decryption failed"}`, false},
		{"GET", "GET", goodHeader, nil, nil, 405, `{"code":"FAIL","message":"method not allowed"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var called atomic.Bool
			var logged []error
			p := f.parser
			if tt.wantStatus != 200 {
				// A parser with an error log, same keys and clock.
				var err error
				p, err = notify.NewParserWithStore(f.parser.KeyStore(), testAPIv3Key,
					notify.WithNow(func() time.Time { return testNow }), notify.WithMaxBodySize(4096),
					notify.WithErrorLog(func(_ context.Context, err error) { logged = append(logged, err) }))
				if err != nil {
					t.Fatal(err)
				}
			}
			h := p.Handler(func(ctx context.Context, n *notify.Notification) error {
				called.Store(true)
				if n.ID != "EV-2018022511223320873" || n.Get("trade_state").String() != "SUCCESS" {
					t.Errorf("fn got %+v", n)
				}
				return tt.fnErr
			})
			req := request(t, tt.header, tt.body)
			req.Method = tt.method
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %s)", res.StatusCode, tt.wantStatus, body)
			}
			if diff := cmp.Diff(tt.wantBody, string(body)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if got := called.Load(); got != tt.wantCalled {
				t.Errorf("fn called = %v, want %v", got, tt.wantCalled)
			}
			if tt.wantStatus != 200 {
				if len(logged) != 1 {
					t.Errorf("error log got %d errors, want 1", len(logged))
				}
				if ct := res.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
			}
			if strings.Contains(string(body), "hunter2") || strings.Contains(string(body), testAPIv3Key) {
				t.Errorf("answer leaks a secret: %s", body)
			}
		})
	}
}

// TestHandlerServer runs the handler behind a real loopback server.
func TestHandlerServer(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var got atomic.Value
	srv := httptest.NewServer(f.parser.Handler(func(ctx context.Context, n *notify.Notification) error {
		got.Store(n.Get("out_trade_no").String())
		return nil
	}))
	t.Cleanup(srv.Close)
	body := f.body(t, note{})
	req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range f.sign(t, body, testSerial, testNow) {
		req.Header[k] = v
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || len(b) != 0 {
		t.Fatalf("answer %d %q, want 200 with no body", res.StatusCode, b)
	}
	if got.Load() != "1217752501201407033233368018" {
		t.Errorf("fn saw out_trade_no %v", got.Load())
	}
}
