package notify_test

// The code between the README markers is copied verbatim into the README's
// callback section (/work/notes/readme/notify.md); TestReadmeHandler runs it
// against the simulator.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// README BEGIN

// Orders is your order storage. MarkPaid must be idempotent: WeChat Pay
// delivers the same notification (same ID) again until it gets a 2xx, for
// about 24 hours, and sometimes twice anyway. Record notificationID under a
// unique key in the same transaction as the state change, and make the
// change conditional ("… WHERE out_trade_no = ? AND state = 'UNPAID'"), so a
// duplicate changes nothing and still gets 200.
type Orders interface {
	MarkPaid(ctx context.Context, notificationID, outTradeNo, transactionID string, total int64) error
}

// PaymentHandler verifies, decrypts and dispatches payment notifications.
// It shares the client's live key store, so rotated platform certificates
// (package certs) apply at once, and decrypts with the client's APIv3 key.
func PaymentHandler(client *chain.Client, orders Orders) (http.Handler, error) {
	parser, err := notify.NewParserFromClient(client)
	if err != nil {
		return nil, err
	}
	return parser.Handler(func(ctx context.Context, n *notify.Notification) error {
		// Only verified, decrypted notifications get here; anything else was
		// already answered 4xx (500 if your APIv3 key does not decrypt it).
		switch n.EventType {
		case "TRANSACTION.SUCCESS":
			return orders.MarkPaid(ctx, n.ID,
				n.Get("out_trade_no").String(),
				n.Get("transaction_id").String(),
				n.Get("amount.total").Int())
		default:
			return nil // acknowledge what you do not handle, or it comes back for 24 h
		}
	}), nil
}

// README END

// memOrders is an idempotent in-memory Orders.
type memOrders struct {
	mu        sync.Mutex
	seen      map[string]bool   // processed notification IDs
	paid      map[string]string // out_trade_no → transaction_id
	total     map[string]int64
	changes   int
	failNext  bool
	processed []string
}

func (o *memOrders) MarkPaid(ctx context.Context, notificationID, outTradeNo, transactionID string, total int64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failNext {
		o.failNext = false
		return errors.New("database unavailable")
	}
	if o.seen[notificationID] {
		return nil // duplicate delivery: already done
	}
	o.seen[notificationID] = true
	if _, done := o.paid[outTradeNo]; !done { // state check
		o.paid[outTradeNo], o.total[outTradeNo] = transactionID, total
		o.changes++
	}
	o.processed = append(o.processed, notificationID)
	return nil
}

func TestReadmeHandler(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	orders := &memOrders{seen: map[string]bool{}, paid: map[string]string{}, total: map[string]int64{}}
	h, err := PaymentHandler(s.Client(), orders)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/wechatpay/notify/pay", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL + "/wechatpay/notify/pay"

	send := func(opts ...wechatpaytest.NotificationOption) int {
		t.Helper()
		resp, err := s.SendNotification(context.Background(), url, "TRANSACTION.SUCCESS", []byte(simPlain), opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.ReadAll(resp.Body)
		return resp.StatusCode
	}
	id := wechatpaytest.NotifyID("EV-readme-1")
	if got := send(id); got != http.StatusOK {
		t.Fatalf("good notification: status %d", got)
	}
	orders.mu.Lock()
	if orders.paid["T20261128001"] != "4200000001202611280000000001" || orders.total["T20261128001"] != 888 {
		t.Errorf("order not marked paid: %+v", orders.paid)
	}
	orders.mu.Unlock()
	// A duplicate delivery is acknowledged and changes nothing.
	if got := send(id); got != http.StatusOK {
		t.Errorf("duplicate: status %d", got)
	}
	// A forged or broken one is refused and never reaches Orders.
	for name, opt := range map[string]wechatpaytest.NotificationOption{
		"tampered": wechatpaytest.NotifyTampered(), "stale": wechatpaytest.NotifyStale(),
		"probe": wechatpaytest.NotifyProbe(), "unknown serial": wechatpaytest.NotifyUnknownSerial(),
	} {
		if got := send(wechatpaytest.NotifyID("EV-bad-"+name), opt); got != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, got)
		}
	}
	// A storage failure answers 500 so that WeChat Pay delivers again.
	orders.mu.Lock()
	orders.failNext = true
	orders.mu.Unlock()
	if got := send(wechatpaytest.NotifyID("EV-readme-2")); got != http.StatusInternalServerError {
		t.Errorf("storage failure: status %d, want 500", got)
	}
	if got := send(wechatpaytest.NotifyID("EV-readme-2")); got != http.StatusOK {
		t.Errorf("redelivery after the failure: status %d", got)
	}
	orders.mu.Lock()
	defer orders.mu.Unlock()
	if diff := cmp.Diff([]string{"EV-readme-1", "EV-readme-2"}, orders.processed); diff != "" || orders.changes != 1 {
		t.Errorf("changes %d (want 1); processed (-want +got):\n%s", orders.changes, diff)
	}
}
