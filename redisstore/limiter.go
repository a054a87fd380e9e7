package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chainpay-go/wechatpay/merchants"
)

// gcra reserves one call under KEYS[1] (generic cell rate algorithm):
// ARGV[1] the interval between calls in microseconds, ARGV[2] the burst
// tolerance in microseconds, ARGV[3] the longest acceptable wait. It returns
// the wait in microseconds, or -1 (nothing reserved) when the wait would be
// longer. The clock is the Redis server's, shared by every instance.
var gcra = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, tolerance, maxwait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call("GET", KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > maxwait then return -1 end
local newtat = tat + interval
redis.call("SET", KEYS[1], newtat, "PX", math.ceil((newtat - now) / 1000) + 1000)
return wait
`)

// Limiter is a merchants.Limiter shared through Redis: one GCRA bucket per
// key (PREFIX rate:KEY), so every instance together keeps the rate. When
// Redis fails it warns once and falls back to a merchants.LocalLimiter with
// the same limits: each instance then keeps the rate on its own. For
// RetryRedisAfter after a failure it does not ask Redis at all, so a Redis
// that is down costs each call nothing (not a dial timeout per call); the
// first call after that tries Redis again.
type Limiter struct {
	rdb      redis.UniversalClient
	prefix   string
	fallback *merchants.LocalLimiter
	logger   *slog.Logger
	down     atomic.Int64 // UnixNano until which Redis is not asked; 0: up
}

// RetryRedisAfter is how long a Limiter limits alone after Redis failed,
// before it asks Redis again.
const RetryRedisAfter = 5 * time.Second

// NewLimiter returns a Limiter giving every key def; per overrides it for
// some keys (a full key, or a mchid covering all its operations), as
// merchants.NewLocalLimiter. prefix "" means DefaultPrefix; logger may be
// nil.
func NewLimiter(rdb redis.UniversalClient, prefix string, def merchants.Limit, per map[string]merchants.Limit, logger *slog.Logger) *Limiter {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Limiter{rdb: rdb, prefix: prefix, fallback: merchants.NewLocalLimiter(def, per), logger: logger}
}

// ErrLimited means the wait for the limit would outlast the context's
// deadline: the call is not sent.
var ErrLimited = errors.New("redisstore: rate limit: the wait would outlast the deadline")

// Wait implements merchants.Limiter.
func (l *Limiter) Wait(ctx context.Context, key string) error {
	lim := l.fallback.LimitOf(key)
	if lim.Rate <= 0 {
		return fmt.Errorf("redisstore: rate limit %s: rate %v is not positive", key, lim.Rate)
	}
	interval := int64(math.Ceil(1e6 / lim.Rate))
	tolerance := interval * int64(max(lim.Burst, 1)-1)
	maxWait := int64(math.MaxInt64 / 2)
	if dl, ok := ctx.Deadline(); ok {
		maxWait = max(time.Until(dl).Microseconds(), 0)
	}
	if until := l.down.Load(); until != 0 && time.Now().UnixNano() < until {
		return l.fallback.Wait(ctx, key)
	}
	wait, err := gcra.Run(ctx, l.rdb, []string{l.prefix + "rate:" + key}, interval, tolerance, maxWait).Int64()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if l.down.Swap(time.Now().Add(RetryRedisAfter).UnixNano()) == 0 {
			l.logger.Warn("redisstore: shared rate limit unavailable; this instance limits alone", "key", key, "err", err, "retry_after", RetryRedisAfter)
		}
		return l.fallback.Wait(ctx, key)
	}
	if l.down.Swap(0) != 0 {
		l.logger.Warn("redisstore: shared rate limit available again", "key", key)
	}
	if wait < 0 {
		return fmt.Errorf("%w (%s)", ErrLimited, key)
	}
	if wait == 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(wait) * time.Microsecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
