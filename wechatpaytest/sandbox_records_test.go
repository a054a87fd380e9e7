package wechatpaytest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestMaskedHeader(t *testing.T) {
	t.Parallel()
	rec := wechatpaytest.RecordedRequest{Header: http.Header{
		"Authorization":       {`WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="n",signature="c2VjcmV0",timestamp="1",serial_no="AB"`},
		"Wechatpay-Signature": {"c2VjcmV0"},
		"Cookie":              {"a=b"},
		"Accept":              {"application/json"},
	}}
	want := http.Header{
		"Authorization":       {`WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="n",signature="***",timestamp="1",serial_no="AB"`},
		"Wechatpay-Signature": {"***"},
		"Cookie":              {"***"},
		"Accept":              {"application/json"},
	}
	if diff := cmp.Diff(want, rec.MaskedHeader()); diff != "" {
		t.Errorf("MaskedHeader (-want +got):\n%s", diff)
	}
	if rec.Header.Get("Cookie") != "a=b" {
		t.Errorf("MaskedHeader changed the record")
	}
}

// TestRecordsBoundedByAge: records older than Limits.MaxRecordAge go.
func TestRecordsBoundedByAge(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := setup(t, wechatpaytest.WithNow(clock), wechatpaytest.WithLimits(wechatpaytest.Limits{MaxRecordAge: time.Hour}))
	e.auth.Now = clock
	e.do("GET", queryTarget, "")
	mu.Lock()
	now = now.Add(59 * time.Minute)
	mu.Unlock()
	e.do("GET", queryTarget, "")
	if n := len(e.srv.Requests()); n != 2 {
		t.Fatalf("%d records, want 2", n)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	recs := e.srv.RequestsAfter(0, 0)
	if len(recs) != 1 || recs[0].Seq != 2 {
		t.Errorf("after an hour: %d records (%+v), want only the second", len(recs), recs)
	}
}

func TestRecentRequests(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for range 5 {
		e.do("GET", queryTarget, "")
	}
	seqs := func(recs []wechatpaytest.RecordedRequest) []uint64 {
		out := []uint64{}
		for _, r := range recs {
			out = append(out, r.Seq)
		}
		return out
	}
	tests := []struct {
		offset, limit int
		want          []uint64
	}{
		{0, 2, []uint64{5, 4}},
		{2, 2, []uint64{3, 2}},
		{4, 2, []uint64{1}},
		{5, 2, []uint64{}},
		{9, 2, []uint64{}},
		{-1, 0, []uint64{5, 4, 3, 2, 1}},
		{1, 0, []uint64{4, 3, 2, 1}},
	}
	for _, tt := range tests {
		page, total := e.srv.RecentRequests(tt.offset, tt.limit)
		if diff := cmp.Diff(tt.want, seqs(page)); diff != "" || total != 5 {
			t.Errorf("RecentRequests(%d, %d): total %d, seqs (-want +got):\n%s", tt.offset, tt.limit, total, diff)
		}
	}
}
