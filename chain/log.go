package chain

import (
	"context"
	"log/slog"
	"time"
)

// logAttempt records one attempt: method, template, attempt, status,
// Request-ID, duration and, when another attempt follows, the wait before
// it (retryIn >= 0; pass -1 for a final attempt). Never headers, never the
// signature; bodies are logged separately and only with LogBodies.
func (c *Client) logAttempt(ctx context.Context, req *request, attempt, status int, requestID string, dur time.Duration, err error, retryIn time.Duration) {
	if c.logger == nil {
		return
	}
	level := slog.LevelInfo
	if err != nil || status >= 400 {
		level = slog.LevelWarn
	}
	if !c.logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("method", req.method),
		slog.String("template", req.template),
		slog.Int("attempt", attempt),
		slog.Int("status", status),
		slog.String("request_id", requestID),
		slog.Duration("duration", dur),
	)
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if retryIn >= 0 {
		attrs = append(attrs, slog.Duration("retry_in", retryIn))
	}
	c.logger.LogAttrs(ctx, level, "wechatpay request", attrs...)
}

func (c *Client) logVerifyFailure(req *request, requestID string, err error) {
	if c.logger == nil {
		return
	}
	c.logger.LogAttrs(context.Background(), slog.LevelWarn, "wechatpay answer failed verification",
		slog.String("method", req.method), slog.String("template", req.template),
		slog.String("request_id", requestID), slog.String("error", err.Error()))
}
