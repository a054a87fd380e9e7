package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Actor is what the console's actions need: *wechatpaytest.Server
// satisfies it. A Source that is no Actor gets a console without actions.
type Actor interface {
	Source
	PayTransaction(outTradeNo string) (string, error)
	Transaction(outTradeNo string) (wechatpaytest.Transaction, bool)
	SendEvent(ctx context.Context, url, eventType, id string, opts ...wechatpaytest.NotificationOption) (*http.Response, error)
}

// MaxDeliveries is how many notification deliveries the console keeps.
const MaxDeliveries = 1000

// TokenHeader carries the console's action token: the page reads it from
// its own markup, so a cross-site page cannot send it.
const TokenHeader = "X-Wxpay-Console-Token"

// Delivery is one notification the console sent and its result.
type Delivery struct {
	Time      time.Time `json:"time"`
	EventType string    `json:"event_type"`
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Status    int       `json:"status"`
	Error     string    `json:"error,omitempty"`
}

type deliveries struct {
	mu   sync.Mutex
	list []Delivery // oldest first, at most MaxDeliveries
}

func (d *deliveries) add(x Delivery) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.list = append(d.list, x)
	if n := len(d.list) - MaxDeliveries; n > 0 {
		d.list = append([]Delivery(nil), d.list[n:]...)
	}
}

func (d *deliveries) newestFirst() []Delivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Delivery, len(d.list))
	for i, x := range d.list {
		out[len(out)-1-i] = x
	}
	return out
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// allowed reports that r is the console's own action: same origin and the
// token.
func allowed(r *http.Request, token string) bool {
	if r.Header.Get(TokenHeader) != token {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return r.Header.Get("Sec-Fetch-Site") == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// pay acts as the payer: the order becomes SUCCESS and its
// TRANSACTION.SUCCESS notification goes to its notify_url.
func pay(w http.ResponseWriter, r *http.Request, a Actor, d *deliveries) {
	var in struct {
		OutTradeNo string `json:"out_trade_no"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil || in.OutTradeNo == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "console: out_trade_no is required"})
		return
	}
	if _, err := a.PayTransaction(in.OutTradeNo); err != nil {
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
		return
	}
	t, _ := a.Transaction(in.OutTradeNo)
	x := Delivery{Time: time.Now(), EventType: "TRANSACTION.SUCCESS", ID: in.OutTradeNo, URL: t.NotifyURL}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	res, err := a.SendEvent(ctx, t.NotifyURL, x.EventType, in.OutTradeNo)
	if err != nil {
		x.Error = err.Error()
	} else {
		x.Status = res.StatusCode
		res.Body.Close()
	}
	d.add(x)
	writeJSON(w, http.StatusOK, x)
}
