package wechatpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// handlerTransport serves requests with a handler in the caller's
// goroutine: no network, so the deliveries run inside a synctest bubble.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// receiver is a webhook that verifies notifications as the notify package
// does, and fails the first failures of them with 500.
type receiver struct {
	mu       sync.Mutex
	failures int
	got      []string // event_type of each accepted notification
	calls    int
}

func (rc *receiver) handler(t *testing.T, srv *wechatpaytest.Server) http.Handler {
	p, err := notify.NewParser(srv.PlatformKeys(), srv.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	return p.Handler(func(_ context.Context, n *notify.Notification) error {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.calls++
		if rc.calls <= rc.failures {
			return errors.New("not now")
		}
		rc.got = append(rc.got, n.EventType)
		return nil
	})
}

// deliveryServer makes a server whose deliveries go to rc, through no network.
func deliveryServer(t *testing.T, rc *receiver, opts ...wechatpaytest.Option) *wechatpaytest.Server {
	var h http.Handler
	hc := &http.Client{Transport: handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) })}}
	srv := wechatpaytest.NewServer(append(opts, wechatpaytest.WithNotificationClient(hc))...)
	t.Cleanup(srv.Close)
	h = rc.handler(t, srv)
	srv.PutTransaction(wechatpaytest.Transaction{OutTradeNo: "T-deliver", AppID: wechatpaytest.DemoAppID, TradeType: "NATIVE",
		TradeState: "SUCCESS", Total: 100, NotifyURL: "https://receiver.example/notify"})
	return srv
}

// offsets returns each attempt's time after start, and its status.
func offsets(d wechatpaytest.Delivery, start time.Time) []string {
	var out []string
	for _, a := range d.Attempts {
		out = append(out, fmt.Sprint(a.Time.Sub(start), " ", a.Status))
	}
	return out
}

func TestDeliveryScheduleUntilFailed(t *testing.T) {
	t.Parallel()
	rc := &receiver{failures: 1000}
	srv := deliveryServer(t, rc)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		d, err := srv.Deliver("", "TRANSACTION.SUCCESS", "T-deliver")
		if err != nil {
			t.Fatal(err)
		}
		if d.State != wechatpaytest.DeliveryPending || d.URL != "https://receiver.example/notify" || d.ObjectID != "T-deliver" {
			t.Errorf("queued delivery = %+v", d)
		}
		time.Sleep(30 * time.Hour)
		synctest.Wait()
		got, _ := srv.Delivery(d.ID)
		want := []string{"0s 500"}
		at := time.Duration(0)
		for _, wait := range wechatpaytest.DeliverySchedule() {
			at += wait
			want = append(want, fmt.Sprint(at, " 500"))
		}
		if diff := cmp.Diff(want, offsets(got, start)); diff != "" {
			t.Errorf("attempts (-want +got):\n%s", diff)
		}
		if got.State != wechatpaytest.DeliveryFailed || !got.NextAttempt.IsZero() {
			t.Errorf("state %s, next %v; want failed, none", got.State, got.NextAttempt)
		}
		if a := got.Attempts[15]; a.Error == "" || a.Response == "" {
			t.Errorf("last attempt %+v: want the error and the receiver's answer", a)
		}

		// A resend that gets through delivers it.
		rc.mu.Lock()
		rc.failures = 0
		rc.mu.Unlock()
		a, err := srv.Resend(t.Context(), d.ID)
		if err != nil || a.Status != 200 || !a.Resend || a.Error != "" {
			t.Errorf("Resend = %+v, %v; want a 200 resend", a, err)
		}
		got, _ = srv.Delivery(d.ID)
		if got.State != wechatpaytest.DeliveryDelivered || len(got.Attempts) != 17 {
			t.Errorf("after resend: %s with %d attempts, want delivered with 17", got.State, len(got.Attempts))
		}
	})
	if _, err := srv.Resend(t.Context(), "nope"); !errors.Is(err, wechatpaytest.ErrNoDelivery) {
		t.Errorf("Resend(unknown) = %v, want ErrNoDelivery", err)
	}
}

func TestDeliveryRetriedUntilAccepted(t *testing.T) {
	t.Parallel()
	rc := &receiver{failures: 3}
	srv := deliveryServer(t, rc)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		d, err := srv.Deliver("", "TRANSACTION.SUCCESS", "T-deliver")
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got, _ := srv.Delivery(d.ID); got.NextAttempt.Sub(start) != 15*time.Second || got.State != wechatpaytest.DeliveryPending {
			t.Errorf("after one failure: %s, next attempt at +%v; want pending, +15s", got.State, got.NextAttempt.Sub(start))
		}
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		got, _ := srv.Delivery(d.ID)
		// Every attempt is signed afresh: the one a minute later passes
		// the receiver's timestamp check as the first did.
		if diff := cmp.Diff([]string{"0s 500", "15s 500", "30s 500", "1m0s 200"}, offsets(got, start)); diff != "" {
			t.Errorf("attempts (-want +got):\n%s", diff)
		}
		if got.State != wechatpaytest.DeliveryDelivered || got.Attempts[3].Error != "" || got.Attempts[0].Error == "" {
			t.Errorf("delivery %+v, want delivered at the fourth attempt", got)
		}
	})
	if diff := cmp.Diff([]string{"TRANSACTION.SUCCESS"}, rc.got); diff != "" {
		t.Errorf("receiver (-want +got):\n%s", diff)
	}
}

func TestDeliveriesBounded(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	srv := deliveryServer(t, rc, wechatpaytest.WithLimits(wechatpaytest.Limits{MaxDeliveries: 3, MaxDeliveryAge: time.Hour}))
	synctest.Test(t, func(t *testing.T) {
		for i := range 5 {
			if _, err := srv.Deliver("", "TRANSACTION.SUCCESS", "T-deliver", wechatpaytest.NotifyID(fmt.Sprint("N", i))); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		var got []string
		for _, d := range srv.Deliveries() {
			got = append(got, d.ID+" "+d.State)
		}
		if diff := cmp.Diff([]string{"N2 delivered", "N3 delivered", "N4 delivered"}, got); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		time.Sleep(61 * time.Minute)
		if n := len(srv.Deliveries()); n != 0 {
			t.Errorf("%d deliveries older than MaxDeliveryAge kept", n)
		}
	})
}

func TestForwardURL(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	srv := deliveryServer(t, rc)
	srv.SetForwardURL("https://forward.example/hook")
	if got := srv.ForwardURL(); got != "https://forward.example/hook" {
		t.Errorf("ForwardURL = %q", got)
	}
	synctest.Test(t, func(t *testing.T) {
		d, err := srv.Deliver("https://ignored.example/", "TRANSACTION.SUCCESS", "T-deliver")
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		got, _ := srv.Delivery(d.ID)
		if got.URL != "https://forward.example/hook" || got.State != wechatpaytest.DeliveryDelivered {
			t.Errorf("forwarded delivery %+v", got)
		}
	})
}

func TestTrigger(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	srv := deliveryServer(t, rc)
	tests := []struct {
		event string
		opts  wechatpaytest.TriggerOptions
		calls int
	}{
		{"TRANSACTION.SUCCESS", wechatpaytest.TriggerOptions{URL: "https://receiver.example/pay"}, 3},
		{"REFUND.SUCCESS", wechatpaytest.TriggerOptions{URL: "https://receiver.example/refund", Total: 250}, 4},
		{"REFUND.SUCCESS", wechatpaytest.TriggerOptions{URL: "https://receiver.example/refund", ID: "T-deliver"}, 2},
	}
	for _, tt := range tests {
		before := len(srv.Requests())
		res, err := srv.Trigger(t.Context(), tt.event, tt.opts)
		if err != nil {
			t.Fatalf("Trigger(%s): %v", tt.event, err)
		}
		if len(res.Calls) != tt.calls || res.Delivery.EventType != tt.event || res.ObjectID == "" {
			t.Errorf("Trigger(%s) = %+v", tt.event, res)
		}
		for _, r := range srv.Requests()[before:] {
			if !r.Authenticated || r.Status != 200 {
				t.Errorf("Trigger(%s): call %s %s answered %d (authenticated %v)", tt.event, r.Method, r.URI, r.Status, r.Authenticated)
			}
		}
		ch := srv.Changed()
		for d, _ := srv.Delivery(res.Delivery.ID); d.State == wechatpaytest.DeliveryPending; d, _ = srv.Delivery(res.Delivery.ID) {
			<-ch
			ch = srv.Changed()
		}
	}
	tx, _ := srv.Transaction("T-deliver")
	if tx.Refunded != 100 {
		t.Errorf("T-deliver refunded %d, want 100", tx.Refunded)
	}
	if diff := cmp.Diff([]string{"TRANSACTION.SUCCESS", "REFUND.SUCCESS", "REFUND.SUCCESS"}, rc.got); diff != "" {
		t.Errorf("receiver (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		event string
		opts  wechatpaytest.TriggerOptions
		want  string
	}{
		{"NOPE", wechatpaytest.TriggerOptions{URL: "https://x.example/"}, `wechatpaytest: trigger: no fixture for "NOPE" (known: REFUND.SUCCESS, TRANSACTION.SUCCESS)`},
		{"TRANSACTION.SUCCESS", wechatpaytest.TriggerOptions{}, "wechatpaytest: trigger TRANSACTION.SUCCESS: no URL to notify (TriggerOptions.URL, or SetForwardURL)"},
		{"REFUND.SUCCESS", wechatpaytest.TriggerOptions{URL: "https://x.example/", ID: "missing"}, `wechatpaytest: trigger REFUND.SUCCESS: no direct transaction "missing"`},
	} {
		if _, err := srv.Trigger(t.Context(), tt.event, tt.opts); err == nil || err.Error() != tt.want {
			t.Errorf("Trigger(%s, %+v) = %v, want %s", tt.event, tt.opts, err, tt.want)
		}
	}
}

// TestCloseWithPendingDelivery: a delivery left pending inside a synctest
// bubble does not break Close outside it, and makes no attempt after it.
func TestCloseWithPendingDelivery(t *testing.T) {
	t.Parallel()
	rc := &receiver{failures: 1000}
	srv := deliveryServer(t, rc)
	var id string
	synctest.Test(t, func(t *testing.T) {
		d, err := srv.Deliver("", "TRANSACTION.SUCCESS", "T-deliver")
		if err != nil {
			t.Fatal(err)
		}
		id = d.ID
		synctest.Wait()
	})
	srv.Close()
	d, _ := srv.Delivery(id)
	if len(d.Attempts) != 1 || d.State != wechatpaytest.DeliveryPending {
		t.Errorf("delivery %+v, want pending after one attempt", d)
	}
	if _, err := srv.Deliver("", "TRANSACTION.SUCCESS", "T-deliver"); err == nil {
		t.Errorf("Deliver after Close: no error")
	}
}

// TestDeliverySuccessIs200Or204: as the gateway, only 200 and 204 count.
func TestDeliverySuccessIs200Or204(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status int
		state  string
	}{{200, wechatpaytest.DeliveryDelivered}, {204, wechatpaytest.DeliveryDelivered}, {202, wechatpaytest.DeliveryPending}, {201, wechatpaytest.DeliveryPending}, {302, wechatpaytest.DeliveryPending}} {
		hc := &http.Client{Transport: handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tt.status) })}}
		srv := wechatpaytest.NewServer(wechatpaytest.WithNotificationClient(hc))
		srv.PutTransaction(wechatpaytest.Transaction{OutTradeNo: "T-status", AppID: wechatpaytest.DemoAppID, TradeType: "NATIVE", TradeState: "SUCCESS", Total: 1})
		synctest.Test(t, func(t *testing.T) {
			d, err := srv.Deliver("https://receiver.example/", "TRANSACTION.SUCCESS", "T-status")
			if err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
			got, _ := srv.Delivery(d.ID)
			if got.State != tt.state || got.Attempts[0].Status != tt.status || (got.Attempts[0].Error == "") != (tt.state == wechatpaytest.DeliveryDelivered) {
				t.Errorf("receiver %d: %s, attempt %+v; want %s", tt.status, got.State, got.Attempts[0], tt.state)
			}
		})
		srv.Close()
	}
}
