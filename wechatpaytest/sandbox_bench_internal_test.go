package wechatpaytest

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkRecordPages: a console's poll for the newest 50 of 10,000
// records, RequestsAfter and RecentRequests against the peer that copies
// them all (Requests). The records are made directly (as a refused
// request's would be), so the setup stays short for the smoke run.
func BenchmarkRecordPages(b *testing.B) {
	const n = 10000
	srv := NewServer(WithoutFixtures(), WithRecordLimit(n))
	defer srv.Close()
	r := httptest.NewRequest("GET", "/v3/pay/transactions/out-trade-no/T1?mchid=1900000001", nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("User-Agent", "wechatpay-go/bench")
	for range n {
		srv.record(r, false, nil, 0, newRequestID())
	}
	if got := len(srv.Requests()); got != n {
		b.Fatalf("%d records, want %d", got, n)
	}
	b.Run("Requests", func(b *testing.B) {
		for b.Loop() {
			recs := srv.Requests()
			_ = recs[len(recs)-50:]
		}
	})
	b.Run("RequestsAfter50", func(b *testing.B) {
		for b.Loop() {
			if len(srv.RequestsAfter(n-50, 50)) != 50 {
				b.Fatal("short page")
			}
		}
	})
	b.Run("RecentRequests50", func(b *testing.B) {
		for b.Loop() {
			if page, _ := srv.RecentRequests(0, 50); len(page) != 50 {
				b.Fatal("short page")
			}
		}
	})
}
