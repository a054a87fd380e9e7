package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

const simPlain = `{"mchid":"1900000001","out_trade_no":"T20261128001","transaction_id":"4200000001202611280000000001","trade_state":"SUCCESS","amount":{"total":888,"currency":"CNY"}}`

// simSetup starts a simulator and a parser built from a client (its live store
// and its APIv3 key).
func simSetup(t *testing.T, opts ...notify.Option) (*wechatpaytest.Server, *notify.Parser) {
	t.Helper()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	p, err := notify.NewParserFromClient(s.Client(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// TestSimulatorNotifications parses the simulator's notifications, good and
// deliberately broken.
func TestSimulatorNotifications(t *testing.T) {
	t.Parallel()
	s, p := simSetup(t)
	tests := []struct {
		name string
		opts []wechatpaytest.NotificationOption
		want error
	}{
		{"good", nil, nil},
		{"good, no associated_data", []wechatpaytest.NotificationOption{wechatpaytest.NotifyAssociatedData("")}, nil},
		{"tampered", []wechatpaytest.NotificationOption{wechatpaytest.NotifyTampered()}, signer.ErrBadSignature},
		{"stale", []wechatpaytest.NotificationOption{wechatpaytest.NotifyStale()}, signer.ErrTimestampSkew},
		{"probe", []wechatpaytest.NotificationOption{wechatpaytest.NotifyProbe()}, signer.ErrProbeSignature},
		{"unknown serial", []wechatpaytest.NotificationOption{wechatpaytest.NotifyUnknownSerial()}, signer.ErrUnknownSerial},
		{"unsigned", []wechatpaytest.NotificationOption{wechatpaytest.NotifyUnsigned()}, signer.ErrMissingHeader},
		{"wrong APIv3 key", []wechatpaytest.NotificationOption{wechatpaytest.NotifyWrongAPIv3Key()}, signer.ErrAPIv3Key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]wechatpaytest.NotificationOption{wechatpaytest.NotifyID("EV-sim-1")}, tt.opts...)
			req, err := s.NewNotification("http://merchant.example/notify", "TRANSACTION.SUCCESS", []byte(simPlain), opts...)
			if err != nil {
				t.Fatal(err)
			}
			n, err := p.Parse(req)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				return
			}
			if diff := cmp.Diff(simPlain, string(n.Plaintext)); diff != "" {
				t.Errorf("plaintext (-want +got):\n%s", diff)
			}
			if n.ID != "EV-sim-1" || n.EventType != "TRANSACTION.SUCCESS" || n.Summary != "支付成功" || n.OriginalType != "transaction" ||
				n.ResourceType != "encrypt-resource" || n.CreateTime.IsZero() || n.Serial != s.PlatformSerial {
				t.Errorf("notification = %+v", n)
			}
			if got := n.Get("amount.total").Int(); got != 888 {
				t.Errorf("amount.total = %d", got)
			}
		})
	}
}

// TestSimulatorReserialised: a body parsed and re-marshalled (what many web
// frameworks hand over) never verifies.
func TestSimulatorReserialised(t *testing.T) {
	t.Parallel()
	s, p := simSetup(t)
	req, err := s.NewNotification("http://merchant.example/notify", "TRANSACTION.SUCCESS", []byte(simPlain))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	// What a framework binding the body to a struct would re-marshal.
	var bound struct {
		ID           string          `json:"id"`
		CreateTime   string          `json:"create_time"`
		ResourceType string          `json:"resource_type"`
		EventType    string          `json:"event_type"`
		Summary      string          `json:"summary"`
		Resource     json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(raw, &bound); err != nil {
		t.Fatal(err)
	}
	variants := map[string]func() ([]byte, error){
		"MarshalIndent":  func() ([]byte, error) { return json.MarshalIndent(v, "", "  ") },
		"struct binding": func() ([]byte, error) { return json.Marshal(bound) },
		"Marshal":        func() ([]byte, error) { return json.Marshal(v) },
	}
	differing := 0
	for name, marshal := range variants {
		again, err := marshal()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(again, raw) {
			// A round trip that happens to reproduce the bytes (same key
			// order, compact) proves nothing; the others must differ.
			t.Logf("%s: same bytes as the raw body", name)
			continue
		}
		differing++
		if _, err := p.ParseRaw(req.Header, again); !errors.Is(err, signer.ErrBadSignature) {
			t.Errorf("%s: error = %v, want ErrBadSignature", name, err)
		}
	}
	if differing < 2 {
		t.Errorf("only %d re-serialisations differ from the raw body", differing)
	}
	if _, err := p.ParseRaw(req.Header, raw); err != nil {
		t.Errorf("raw body: %v", err)
	}
}

// TestSimulatorHandler sends the simulator's notifications over HTTP to a
// Handler and checks statuses, bodies and that fn sees only good ones.
func TestSimulatorHandler(t *testing.T) {
	t.Parallel()
	s, p := simSetup(t)
	var calls atomic.Int32
	srv := httptest.NewServer(p.Handler(func(ctx context.Context, n *notify.Notification) error {
		calls.Add(1)
		if n.Get("out_trade_no").String() != "T20261128001" {
			return errors.New("unexpected order")
		}
		return nil
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name       string
		opts       []wechatpaytest.NotificationOption
		wantStatus int
		wantCalled bool
	}{
		{"good", nil, http.StatusOK, true},
		{"tampered", []wechatpaytest.NotificationOption{wechatpaytest.NotifyTampered()}, http.StatusUnauthorized, false},
		{"stale", []wechatpaytest.NotificationOption{wechatpaytest.NotifyStale()}, http.StatusUnauthorized, false},
		{"probe", []wechatpaytest.NotificationOption{wechatpaytest.NotifyProbe()}, http.StatusUnauthorized, false},
		{"unknown serial", []wechatpaytest.NotificationOption{wechatpaytest.NotifyUnknownSerial()}, http.StatusUnauthorized, false},
		{"unsigned", []wechatpaytest.NotificationOption{wechatpaytest.NotifyUnsigned()}, http.StatusUnauthorized, false},
		{"wrong APIv3 key", []wechatpaytest.NotificationOption{wechatpaytest.NotifyWrongAPIv3Key()}, http.StatusInternalServerError, false},
	}
	for _, tt := range tests { // sequential: calls is shared
		before := calls.Load()
		resp, err := s.SendNotification(context.Background(), srv.URL, "TRANSACTION.SUCCESS", []byte(simPlain), tt.opts...)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, resp.StatusCode, tt.wantStatus, body)
		}
		if called := calls.Load() > before; called != tt.wantCalled {
			t.Errorf("%s: fn called = %v, want %v", tt.name, called, tt.wantCalled)
		}
		if tt.wantStatus == http.StatusOK {
			if len(body) != 0 {
				t.Errorf("%s: 200 with body %q", tt.name, body)
			}
			continue
		}
		var fail struct{ Code, Message string }
		if err := json.Unmarshal(body, &fail); err != nil || fail.Code != "FAIL" || fail.Message == "" {
			t.Errorf("%s: body %q, want {\"code\":\"FAIL\",\"message\":…}", tt.name, body)
		}
	}
}

// TestSimulatorOversized: a genuine simulator notification larger than the
// parser's limit is refused (ErrBodyTooLarge; 413 from Handler without
// calling fn), and the same notification passes with a larger limit.
func TestSimulatorOversized(t *testing.T) {
	t.Parallel()
	s, small := simSetup(t, notify.WithMaxBodySize(2048))
	big := []byte(`{"out_trade_no":"T20261128001","attach":"` + string(bytes.Repeat([]byte("x"), 4096)) + `"}`)

	req, err := s.NewNotification("http://merchant.example/notify", "TRANSACTION.SUCCESS", big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := small.Parse(req); !errors.Is(err, notify.ErrBodyTooLarge) {
		t.Errorf("Parse error = %v, want ErrBodyTooLarge", err)
	}

	var calls atomic.Int32
	srv := httptest.NewServer(small.Handler(func(context.Context, *notify.Notification) error {
		calls.Add(1)
		return nil
	}))
	t.Cleanup(srv.Close)
	resp, err := s.SendNotification(context.Background(), srv.URL, "TRANSACTION.SUCCESS", big)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || calls.Load() != 0 {
		t.Errorf("Handler answered %d %s (fn called %d times), want 413 without calling fn", resp.StatusCode, body, calls.Load())
	}

	large, err := notify.NewParserWithStore(small.KeyStore(), s.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	req, err = s.NewNotification("http://merchant.example/notify", "TRANSACTION.SUCCESS", big)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := large.Parse(req); err != nil || n.Get("out_trade_no").String() != "T20261128001" {
		t.Errorf("default limit: Parse = %v, %v", n, err)
	}
}
