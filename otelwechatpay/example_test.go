package otelwechatpay_test

import (
	"context"
	"fmt"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/otelwechatpay"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Tracing set up in ten lines (the exporter here keeps spans in memory;
// use your OTLP exporter instead).
func Example() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()

	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	tel, err := otelwechatpay.New(otelwechatpay.WithTracerProvider(tp), otelwechatpay.WithMeterProvider(mp))
	if err != nil {
		panic(err)
	}
	cfg := srv.Config() // your wechatpay.Config
	tel.Install(&cfg)
	c, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}

	_, err = c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), chain.O{
		"out_order_no": wechatpaytest.DemoOutOrderNo,
		"json":         []byte(seedBody),
	})
	fmt.Println(err, spans.GetSpans()[0].Name)
	// Output: <nil> POST v3/payscore/payafter-orders/{out_order_no}/sync
}
