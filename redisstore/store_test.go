package redisstore_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/merchants"
	"github.com/chainpay-go/wechatpay/redisstore"
)

func TestStoreRoundTripAndLock(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	s := redisstore.NewStore(rs.client(t), "t1:")
	ctx := context.Background()
	if got, err := s.Load(ctx, "1900000001"); got != nil || err != nil {
		t.Fatalf("empty store: %v, %v", got, err)
	}
	want := &merchants.Snapshot{Serial: "AB", Signature: "c2ln", Timestamp: "1700000000", Nonce: "n", Body: []byte(`{"data":[]}`)}
	if err := s.Save(ctx, "1900000001", want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx, "1900000001")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	release, ok, err := s.Lock(ctx, "1900000001", time.Minute)
	if err != nil || !ok {
		t.Fatalf("first Lock: %v %v", ok, err)
	}
	if _, ok, _ := s.Lock(ctx, "1900000001", time.Minute); ok {
		t.Error("a second holder got the lock")
	}
	release()
	if _, ok, _ := s.Lock(ctx, "1900000001", 50*time.Millisecond); !ok {
		t.Error("the lock was not released")
	}
	time.Sleep(100 * time.Millisecond) // Redis expires the key on its own clock
	if _, ok, _ := s.Lock(ctx, "1900000001", time.Minute); !ok {
		t.Error("the lock did not expire")
	}
}

func TestStoreRefusesGarbage(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	rdb := rs.client(t)
	s := redisstore.NewStore(rdb, "t2:")
	ctx := context.Background()
	rdb.Set(ctx, "t2:certs:1900000001", "\x00\xffnot json", 0)
	if _, err := s.Load(ctx, "1900000001"); err == nil || !strings.HasPrefix(err.Error(), "redisstore: ") {
		t.Errorf("garbage: %v", err)
	}
	rdb.Set(ctx, "t2:certs:1900000002", strings.Repeat("x", 2<<20), 0)
	if _, err := s.Load(ctx, "1900000002"); err == nil {
		t.Error("an oversized value was accepted")
	}
}

// After certificates are downloaded, refreshed and calls are limited
// through Redis, no key or value in it holds a secret.
func TestNothingSecretInRedis(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	rdb := rs.client(t)
	srv := newSimulator(t)
	const apiv2Key = "apiv2-key-never-leaves-the-proc1"
	reg := merchants.New(merchants.Config{
		Store:             redisstore.NewStore(rdb, ""),
		Limiter:           redisstore.NewLimiter(rdb, "", merchants.Limit{Rate: 1000, Burst: 10}, nil, nil),
		LimitPerOperation: true,
	})
	cfg := configOf(srv)
	cfg.UserAgent = "apiv2/" + apiv2Key // an APIv2 key the process holds, here in the config
	if err := reg.Put(cfg); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := query(context.Background(), reg, srv.MchID); err != nil {
			t.Fatal(err)
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(srv.MerchantKey)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := x509.MarshalPKCS1PrivateKey(srv.MerchantKey)
	secrets := map[string]string{
		"APIv3 key":               apiv3Key,
		"APIv2 key":               apiv2Key,
		"private key PEM":         testkeys.PrivatePEM(t, srv.MerchantKey)[40:120],
		"private key PKCS#8 b64":  base64.StdEncoding.EncodeToString(der)[40:120],
		"private key PKCS#1 b64":  base64.StdEncoding.EncodeToString(pkcs1)[40:120],
		"private key PKCS#8 DER":  string(der[40:120]),
		"private exponent digits": srv.MerchantKey.D.String()[:40],
	}
	var keys atomic.Int64
	iter := rdb.Scan(context.Background(), 0, "*", 0).Iterator()
	for iter.Next(context.Background()) {
		keys.Add(1)
		k := iter.Val()
		v, err := rdb.Get(context.Background(), k).Result()
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		for name, s := range secrets {
			if strings.Contains(k, s) || strings.Contains(v, s) {
				t.Errorf("Redis key %s holds the %s", k, name)
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if keys.Load() < 2 { // the certificates and a rate bucket at least
		t.Errorf("only %d keys in Redis: the scan saw nothing to check", keys.Load())
	}
}
