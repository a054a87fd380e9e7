package wechatpaytest_test

import (
	"context"
	"io"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// BenchmarkSeedCall measures a full signed, verified round trip through the
// simulator (client signing + server authentication + server signing +
// client verification).
func BenchmarkSeedCall(b *testing.B) {
	srv := wechatpaytest.NewServer(wechatpaytest.WithRecordLimit(16))
	defer srv.Close()
	sync := srv.Client().Chain("v3/payscore/payafter-orders/{out_order_no}/sync")
	opts := chain.O{"out_order_no": wechatpaytest.DemoOutOrderNo, "json": []byte(seedBody)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sync.Post(ctx, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSyntheticBill measures producing a 100 MB synthetic bill (its
// SHA-1 is cached after the first call).
func BenchmarkSyntheticBill(b *testing.B) {
	src := wechatpaytest.SyntheticBill(100 << 20)
	b.SetBytes(100 << 20)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := io.Copy(io.Discard, src.Open()); err != nil {
			b.Fatal(err)
		}
	}
}
