package otelwechatpay_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/otelwechatpay"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

const (
	seedTpl  = "v3/payscore/payafter-orders/{out_order_no}/sync"
	seedBody = `{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225091010"}}`
	queryTpl = "v3/pay/transactions/out-trade-no/{out_trade_no}"
)

// setup is a simulator and a client traced into in-memory exporters.
func setup(t *testing.T) (*wechatpaytest.Server, *chain.Client, *tracetest.InMemoryExporter, *sdkmetric.ManualReader) {
	t.Helper()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tel, err := otelwechatpay.New(otelwechatpay.WithTracerProvider(tp), otelwechatpay.WithMeterProvider(mp))
	if err != nil {
		t.Fatal(err)
	}
	cfg := srv.Config()
	cfg.RetryWait, cfg.RetryMaxWait = time.Millisecond, 5*time.Millisecond
	tel.Install(&cfg)
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, spans, reader
}

func TestSpansAndMetrics(t *testing.T) {
	t.Parallel()
	srv, c, spans, reader := setup(t)
	ctx := context.Background()
	if _, err := c.Chain(seedTpl).Post(ctx, chain.O{"out_order_no": wechatpaytest.DemoOutOrderNo, "json": []byte(seedBody)}); err != nil {
		t.Fatal(err)
	}
	srv.Inject(wechatpaytest.Fault{Route: "GET /" + queryTpl, Status: 503, Times: 2})
	_, err := c.Chain(queryTpl).Get(ctx, chain.O{"out_trade_no": "T-secret-77", "query": map[string]any{"mchid": srv.MchID}})
	var ae *chain.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want the simulator's 404, got %v", err)
	}

	got := spans.GetSpans()
	if len(got) != 2 {
		t.Fatalf("%d spans, want 2", len(got))
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	host = host[:strings.LastIndexByte(host, ':')]
	type summary struct {
		Name   string
		Kind   trace.SpanKind
		Attrs  map[string]string
		Events []string
	}
	sum := func(s tracetest.SpanStub) summary {
		out := summary{Name: s.Name, Kind: s.SpanKind, Attrs: map[string]string{}}
		for _, kv := range s.Attributes {
			if kv.Key == "server.port" || kv.Key == "wechatpay.request_id" {
				out.Attrs[string(kv.Key)] = "set"
				continue
			}
			out.Attrs[string(kv.Key)] = kv.Value.String()
		}
		for _, e := range s.Events {
			var parts []string
			for _, kv := range e.Attributes {
				if kv.Key == "wechatpay.attempt.duration" || kv.Key == "wechatpay.retry.wait" {
					continue
				}
				parts = append(parts, string(kv.Key)+"="+kv.Value.String())
			}
			out.Events = append(out.Events, e.Name+" "+strings.Join(parts, " "))
		}
		return out
	}
	want := []summary{
		{Name: "POST " + seedTpl, Kind: trace.SpanKindClient, Attrs: map[string]string{
			"http.request.method": "POST", "url.template": seedTpl, "server.address": host, "server.port": "set",
			"http.response.status_code": "200", "wechatpay.attempts": "1", "wechatpay.request_id": "set"},
			Events: []string{"wechatpay.attempt wechatpay.attempt=1 http.response.status_code=200"}},
		{Name: "GET " + queryTpl, Kind: trace.SpanKindClient, Attrs: map[string]string{
			"http.request.method": "GET", "url.template": queryTpl, "server.address": host, "server.port": "set",
			"http.response.status_code": "404", "wechatpay.attempts": "3", "wechatpay.request_id": "set",
			"wechatpay.error.code": ae.Code, "error.type": ae.Code},
			Events: []string{
				"wechatpay.attempt wechatpay.attempt=1 http.response.status_code=503 wechatpay.error.code=SERVICE_UNAVAILABLE wechatpay.retry.reason=status 503",
				"wechatpay.attempt wechatpay.attempt=2 http.response.status_code=503 wechatpay.error.code=SERVICE_UNAVAILABLE wechatpay.retry.reason=status 503",
				"wechatpay.attempt wechatpay.attempt=3 http.response.status_code=404 wechatpay.error.code=" + ae.Code,
			}},
	}
	if d := cmp.Diff(want, []summary{sum(got[0]), sum(got[1])}); d != "" {
		t.Errorf("spans (-want +got):\n%s", d)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]string{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					counts[m.Name+" "+attrText(p.Attributes)] = fmt.Sprint(p.Count)
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					counts[m.Name+" "+attrText(p.Attributes)] = fmt.Sprint(p.Value)
				}
			}
		}
	}
	wantCounts := map[string]string{
		otelwechatpay.MetricCallDuration + " http.request.method=POST http.response.status_code=200 url.template=" + seedTpl + " wechatpay.error.code=":                           "1",
		otelwechatpay.MetricCallDuration + " http.request.method=GET http.response.status_code=404 url.template=" + queryTpl + " wechatpay.error.code=" + ae.Code:                 "1",
		otelwechatpay.MetricRetries + " error.type= http.request.method=GET http.response.status_code=503 url.template=" + queryTpl + " wechatpay.error.code=SERVICE_UNAVAILABLE": "2",
	}
	if d := cmp.Diff(wantCounts, counts); d != "" {
		t.Errorf("metrics (-want +got):\n%s", d)
	}

	// No value of the calls anywhere: walk every attribute received.
	secrets := []string{wechatpaytest.DemoOutOrderNo, "T-secret-77", srv.MchID, "wxd678efh567hg6787", "500001", "20091225091010", "payafter-orders/1234", "out-trade-no/T"}
	for _, r := range srv.Requests() {
		auth := r.Header.Get("Authorization")
		if i := strings.Index(auth, `signature="`); i >= 0 {
			secrets = append(secrets, auth[i+len(`signature="`):i+len(`signature="`)+40])
		}
		if i := strings.Index(auth, `nonce_str="`); i >= 0 {
			secrets = append(secrets, auth[i+len(`nonce_str="`):i+len(`nonce_str="`)+16])
		}
		secrets = append(secrets, r.URI)
	}
	var all []attribute.KeyValue
	for _, s := range got {
		all = append(all, s.Attributes...)
		for _, e := range s.Events {
			all = append(all, e.Attributes...)
		}
		all = append(all, attribute.String("span.name", s.Name), attribute.String("status", s.Status.Description))
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					all = append(all, p.Attributes.ToSlice()...)
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					all = append(all, p.Attributes.ToSlice()...)
				}
			}
		}
	}
	for _, kv := range all {
		v := kv.Value.String()
		for _, s := range secrets {
			if s != "" && strings.Contains(v, s) {
				t.Errorf("attribute %s = %q holds a value of the call (%q)", kv.Key, v, s)
			}
		}
	}
	if len(all) < 30 {
		t.Errorf("only %d attributes walked", len(all))
	}
}

func attrText(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.String())
	}
	return strings.Join(parts, " ")
}

func TestRefusedCallIsAnErrorSpan(t *testing.T) {
	t.Parallel()
	srv, c, spans, _ := setup(t)
	_, err := c.Chain(seedTpl).Post(context.Background(), chain.O{"out_order_no": "X", "jsn": 1})
	if !errors.Is(err, chain.ErrInvalidOptions) {
		t.Fatal(err)
	}
	got := spans.GetSpans()
	if len(got) != 1 || got[0].Status.Description != "invalid_options" || len(got[0].Events) != 0 {
		t.Fatalf("spans: %+v", got)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
