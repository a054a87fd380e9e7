package notify

import (
	"context"
	"time"
)

// DefaultMaxBodySize is the body size limit used when WithMaxBodySize is not
// given. Real notifications are a few kilobytes.
const DefaultMaxBodySize = 1 << 20

// Option configures a Parser.
type Option func(*options)

type options struct {
	maxBody       int64
	window        time.Duration
	now           func() time.Time
	unknownSerial func(serial string)
	errorLog      func(ctx context.Context, err error)
}

// WithMaxBodySize sets the largest body Parse accepts (n > 0); a larger body
// fails with ErrBodyTooLarge. The default is DefaultMaxBodySize.
func WithMaxBodySize(n int64) Option {
	return func(o *options) { o.maxBody = n }
}

// WithTimestampWindow sets the largest accepted distance between
// Wechatpay-Timestamp and now (d > 0). The default is signer.DefaultWindow.
func WithTimestampWindow(d time.Duration) Option {
	return func(o *options) { o.window = d }
}

// WithNow sets the clock used for the timestamp check (tests,
// simulations). The default is time.Now.
func WithNow(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithUnknownSerial sets a function called (synchronously, keep it fast)
// with the Wechatpay-Serial of every notification refused because no key has
// that serial. Pass a certs.Refresher hook here to fetch rotated platform
// certificates at once; WeChat Pay delivers the notification again later.
func WithUnknownSerial(fn func(serial string)) Option {
	return func(o *options) { o.unknownSerial = fn }
}

// WithErrorLog sets a function Handler calls with every error it answers
// (verification failures and callback errors), for logging. The errors carry
// no secrets. By default Handler logs nothing.
func WithErrorLog(fn func(ctx context.Context, err error)) Option {
	return func(o *options) { o.errorLog = fn }
}
