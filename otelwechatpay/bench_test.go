package otelwechatpay_test

import (
	"context"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/otelwechatpay"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// BenchmarkSeedCall is the seed call through the simulator: without
// middleware (the library as it is), and traced by this package with the
// SDK's tracer provider exporting to a no-op exporter (every span is built,
// ended and handed to the exporter, which drops it) and a no-op meter
// provider; and, as an upper bound, with the SDK's metric provider.
func BenchmarkSeedCall(b *testing.B) {
	srv := wechatpaytest.NewServer(wechatpaytest.WithRecordLimit(16))
	b.Cleanup(srv.Close)
	run := func(b *testing.B, install func(*chain.Config)) {
		cfg := srv.Config()
		if install != nil {
			install(&cfg)
		}
		c, err := wechatpay.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Chain(seedTpl).Post(ctx, chain.O{"out_order_no": wechatpaytest.DemoOutOrderNo, "json": []byte(seedBody)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("plain", func(b *testing.B) { run(b, nil) })
	b.Run("otel-noop-exporter", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewNoopExporter()))
		tel, err := otelwechatpay.New(otelwechatpay.WithTracerProvider(tp), otelwechatpay.WithMeterProvider(metricnoop.NewMeterProvider()))
		if err != nil {
			b.Fatal(err)
		}
		run(b, tel.Install)
	})
}
