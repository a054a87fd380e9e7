package redisstore_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/merchants"
	"github.com/chainpay-go/wechatpay/redisstore"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Redis is killed (SIGKILL) in the middle of a run: the calls before and
// after it succeed, the limiter and the store warn and go on alone, and a
// merchant added after the kill still gets its certificates.
func TestRedisKilledMidRun(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	rdb := rs.client(t)
	srv := newSimulator(t)
	other := wechatpaytest.NewServer(wechatpaytest.WithMchID("1900000778"), wechatpaytest.WithCertificateMode(),
		wechatpaytest.WithPlatformKey(testkeys.RSA(78), ""), wechatpaytest.WithAPIv3Key(apiv3Key))
	t.Cleanup(other.Close)
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	reg := merchants.New(merchants.Config{
		Store:             redisstore.NewStore(rdb, ""),
		Limiter:           redisstore.NewLimiter(rdb, "", merchants.Limit{Rate: 1000, Burst: 100}, nil, logger),
		LimitPerOperation: true,
		Logger:            logger,
	})
	if err := reg.Put(configOf(srv)); err != nil {
		t.Fatal(err)
	}
	call := func(mchid string, phase string, i int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := query(ctx, reg, mchid); err != nil {
			t.Fatalf("%s, call %d: %v", phase, i, err)
		}
	}
	for i := range 5 {
		call(srv.MchID, "before the kill", i)
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("warnings while Redis was up:\n%s", logs.String())
	}
	rs.kill()
	for i := range 5 {
		call(srv.MchID, "after the kill", i)
	}
	if err := reg.Put(configOf(other)); err != nil {
		t.Fatal(err)
	}
	call(other.MchID, "a merchant added after the kill", 0)

	warned := strings.Count(logs.String(), "shared rate limit unavailable")
	got := map[string]bool{
		"the limiter warned":          warned >= 1,
		"not once per call":           warned < 6, // once, or again after RetryRedisAfter on a slow run
		"the store warned":            strings.Contains(logs.String(), "merchants:") && strings.Contains(logs.String(), other.MchID),
		"the new merchant downloaded": countCertificates(other) == 1,
		"the first downloaded once":   countCertificates(srv) == 1,
	}
	t.Logf("warnings:\n%s", logs.String())
	for what, ok := range got {
		if !ok {
			t.Errorf("%s: no\nlogs:\n%s", what, logs.String())
		}
	}
}
