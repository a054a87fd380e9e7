// Package otelwechatpay traces and measures WeChat Pay calls made with
// github.com/chainpay-go/wechatpay, as chain middleware. It is a module of
// its own, so that the library gains no OpenTelemetry dependency.
//
//	tel, err := otelwechatpay.New(otelwechatpay.WithTracerProvider(tp), otelwechatpay.WithMeterProvider(mp))
//	cfg := wechatpay.Config{ /* … */ }
//	tel.Install(&cfg) // adds its Middleware and AttemptObserver
//	c, err := wechatpay.New(cfg)
//
// Each call made through a Chain is one client span named "METHOD template",
// e.g. "POST v3/pay/transactions/jsapi", never the expanded path, with the
// attributes of the OpenTelemetry HTTP client conventions that carry no
// value of the call: http.request.method, url.template, server.address,
// server.port, http.response.status_code, error.type, and
// wechatpay.attempts, wechatpay.request_id and wechatpay.error.code (the
// APIError code). Each attempt is an event "wechatpay.attempt" on that span
// (its number, status, duration and, when another attempt follows, why and
// after how long).
//
// Metrics: wechatpay.client.call.duration (a histogram in seconds) and
// wechatpay.client.call.retries (a counter of retried attempts), by
// http.request.method, url.template, http.response.status_code,
// wechatpay.error.code (the call's, or the retried attempt's) and, for
// retries, error.type (a connection failure).
//
// Nothing of the call's content is recorded: no path value, query, body,
// header value (the Authorization signature included), openid or key; an
// error's text is not recorded either (a gateway message may quote a value),
// only its type and code.
package otelwechatpay

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/chainpay-go/wechatpay/chain"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/chainpay-go/wechatpay/otelwechatpay"

// Metric names.
const (
	MetricCallDuration = "wechatpay.client.call.duration"
	MetricRetries      = "wechatpay.client.call.retries"
)

// Attribute keys of this package (the others are the HTTP conventions').
const (
	AttrAttempts  = attribute.Key("wechatpay.attempts")
	AttrRequestID = attribute.Key("wechatpay.request_id")
	AttrErrorCode = attribute.Key("wechatpay.error.code")
	AttrAttempt   = attribute.Key("wechatpay.attempt")
	AttrRetry     = attribute.Key("wechatpay.retry.reason")
	AttrWait      = attribute.Key("wechatpay.retry.wait")
	AttrDuration  = attribute.Key("wechatpay.attempt.duration")

	attrMethod   = attribute.Key("http.request.method")
	attrTemplate = attribute.Key("url.template")
	attrAddress  = attribute.Key("server.address")
	attrPort     = attribute.Key("server.port")
	attrStatus   = attribute.Key("http.response.status_code")
	attrErrType  = attribute.Key("error.type")
)

// Option configures New.
type Option func(*options)

type options struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the tracer provider (default: otel's global one).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(o *options) { o.tp = tp }
}

// WithMeterProvider sets the meter provider (default: otel's global one).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(o *options) { o.mp = mp }
}

// Telemetry is the middleware of one set of providers. It is safe for
// concurrent use and may serve several clients.
type Telemetry struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
	retries  metric.Int64Counter
	servers  sync.Map // BaseURL → []attribute.KeyValue (server.address, server.port)
}

// New makes the middleware; it fails only when an instrument cannot be
// created.
func New(opts ...Option) (*Telemetry, error) {
	o := options{}
	for _, f := range opts {
		f(&o)
	}
	if o.tp == nil {
		o.tp = otel.GetTracerProvider()
	}
	if o.mp == nil {
		o.mp = otel.GetMeterProvider()
	}
	t := &Telemetry{tracer: o.tp.Tracer(ScopeName)}
	m := o.mp.Meter(ScopeName)
	var err error
	if t.duration, err = m.Float64Histogram(MetricCallDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of WeChat Pay calls, retries included.")); err != nil {
		return nil, err
	}
	if t.retries, err = m.Int64Counter(MetricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("Attempts of WeChat Pay calls that were retried.")); err != nil {
		return nil, err
	}
	return t, nil
}

// Install adds the middleware and the attempt observer to cfg.
func (t *Telemetry) Install(cfg *chain.Config) {
	cfg.Middleware = append(cfg.Middleware, t.Middleware)
	cfg.AttemptObservers = append(cfg.AttemptObservers, t.ObserveAttempt)
}

type callKey struct{}

// callInfo is what the attempt observer adds to the call's span.
type callInfo struct {
	span     trace.Span
	attempts atomic.Int64
}

// Middleware is the chain.Middleware: one client span per call.
func (t *Telemetry) Middleware(next chain.Handler) chain.Handler {
	return func(ctx context.Context, call *chain.Call) (*chain.Response, error) {
		start := time.Now()
		attrs := make([]attribute.KeyValue, 0, 10)
		attrs = append(attrs, attrMethod.String(call.Method), attrTemplate.String(call.Template))
		if call.Chain != nil {
			attrs = append(attrs, t.server(call.Chain.Client().BaseURL())...)
		}
		ctx, span := t.tracer.Start(ctx, call.Method+" "+call.Template,
			trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
		info := &callInfo{span: span}
		resp, err := next(context.WithValue(ctx, callKey{}, info), call)

		status, rid, code, errType := outcome(resp, err)
		end := make([]attribute.KeyValue, 0, 5)
		end = append(end, AttrAttempts.Int64(info.attempts.Load()))
		if status != 0 {
			end = append(end, attrStatus.Int(status))
		}
		if rid != "" {
			end = append(end, AttrRequestID.String(rid))
		}
		if code != "" {
			end = append(end, AttrErrorCode.String(code))
		}
		if errType != "" {
			end = append(end, attrErrType.String(errType))
			span.SetStatus(codes.Error, errType)
		}
		span.SetAttributes(end...)
		span.End()

		mattrs := []attribute.KeyValue{attrMethod.String(call.Method), attrTemplate.String(call.Template),
			attrStatus.Int(status), AttrErrorCode.String(code)}
		t.duration.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(mattrs...))
		return resp, err
	}
}

// ObserveAttempt is the chain.AttemptObserver: one event per attempt on
// the call's span, and the retry counter.
func (t *Telemetry) ObserveAttempt(ctx context.Context, a *chain.Attempt) error {
	info, _ := ctx.Value(callKey{}).(*callInfo)
	if info == nil {
		return nil // a call not made through the middleware (a download)
	}
	info.attempts.Add(1)
	attrs := make([]attribute.KeyValue, 0, 6)
	attrs = append(attrs, AttrAttempt.Int(a.Number), AttrDuration.Float64(a.Duration.Seconds()))
	if a.StatusCode != 0 {
		attrs = append(attrs, attrStatus.Int(a.StatusCode))
	}
	if a.ErrorCode != "" {
		attrs = append(attrs, AttrErrorCode.String(a.ErrorCode))
	}
	errType := ""
	if a.Err != nil {
		errType = errorType(a.Err)
		attrs = append(attrs, attrErrType.String(errType))
	}
	if a.Retry {
		attrs = append(attrs, AttrRetry.String(a.RetryReason), AttrWait.Float64(a.Wait.Seconds()))
	}
	info.span.AddEvent("wechatpay.attempt", trace.WithTimestamp(a.Start.Add(a.Duration)), trace.WithAttributes(attrs...))
	if a.Retry {
		t.retries.Add(ctx, 1, metric.WithAttributes(attrMethod.String(a.Method), attrTemplate.String(a.Template),
			attrStatus.Int(a.StatusCode), AttrErrorCode.String(a.ErrorCode), attrErrType.String(errType)))
	}
	return nil
}

// server returns server.address and server.port of a base URL (cached).
func (t *Telemetry) server(base string) []attribute.KeyValue {
	if v, ok := t.servers.Load(base); ok {
		return v.([]attribute.KeyValue)
	}
	var kv []attribute.KeyValue
	if u, err := url.Parse(base); err == nil {
		host, port := u.Hostname(), u.Port()
		if port == "" {
			port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
		}
		kv = append(kv, attrAddress.String(host))
		if p, err := strconv.Atoi(port); err == nil {
			kv = append(kv, attrPort.Int(p))
		}
	}
	t.servers.Store(base, kv)
	return kv
}

// outcome reads what may be recorded of a call's result.
func outcome(resp *chain.Response, err error) (status int, rid, code, errType string) {
	if err == nil {
		if resp != nil {
			return resp.StatusCode, resp.RequestID, "", ""
		}
		return 0, "", "", ""
	}
	var ae *chain.APIError
	var ve *chain.VerifyError
	switch {
	case errors.As(err, &ae):
		code = ae.Code
		if code == "" {
			code = strconv.Itoa(ae.StatusCode)
		}
		return ae.StatusCode, ae.RequestID, ae.Code, code
	case errors.As(err, &ve):
		if ve.Response != nil {
			status, rid = ve.Response.StatusCode, ve.Response.RequestID
		}
		return status, rid, "", "verification"
	}
	return 0, "", "", errorType(err)
}

// errorType names a failure without its text.
func errorType(err error) string {
	var me *chain.MiddlewareError
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, chain.ErrInvalidOptions):
		return "invalid_options"
	case errors.As(err, &me):
		return "middleware"
	case errors.As(err, &ne):
		return "network"
	}
	return "_OTHER"
}
