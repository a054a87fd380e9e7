package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chainpay-go/wechatpay/merchants"
)

// DefaultPrefix starts every key this package writes.
const DefaultPrefix = "wechatpay:"

// maxSnapshot bounds a snapshot read from Redis (a real list is a few KB).
const maxSnapshot = 1 << 20

// snapshotTTL keeps a snapshot no longer than this (a list is refreshed
// every few hours; a forgotten merchant's entry goes away).
const snapshotTTL = 7 * 24 * time.Hour

// Store is a merchants.Store in Redis. Keys: PREFIX certs:MCHID (the
// snapshot, JSON) and PREFIX lock:MCHID (a random token, expiring).
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewStore returns a Store using rdb; prefix "" means DefaultPrefix.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{rdb: rdb, prefix: prefix}
}

// Load implements merchants.Store. A value that is not a snapshot is an
// error (the caller warns and goes on alone).
func (s *Store) Load(ctx context.Context, mchid string) (*merchants.Snapshot, error) {
	b, err := s.rdb.Get(ctx, s.prefix+"certs:"+mchid).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: reading the certificates of %s: %w", mchid, err)
	}
	if len(b) > maxSnapshot {
		return nil, fmt.Errorf("redisstore: the certificates of %s: %d bytes, more than %d", mchid, len(b), maxSnapshot)
	}
	var snap merchants.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return nil, fmt.Errorf("redisstore: the certificates of %s are not a snapshot: %w", mchid, err)
	}
	return &snap, nil
}

// Save implements merchants.Store.
func (s *Store) Save(ctx context.Context, mchid string, snap *merchants.Snapshot) error {
	b, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("redisstore: %w", err)
	}
	if err := s.rdb.Set(ctx, s.prefix+"certs:"+mchid, b, snapshotTTL).Err(); err != nil {
		return fmt.Errorf("redisstore: writing the certificates of %s: %w", mchid, err)
	}
	return nil
}

// unlock deletes the lock only if it still holds the caller's token.
var unlock = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// Lock implements merchants.Store: SET NX with an expiry, released only by
// its holder.
func (s *Store) Lock(ctx context.Context, mchid string, ttl time.Duration) (func(), bool, error) {
	key, token := s.prefix+"lock:"+mchid, merchants.Token()
	ok, err := s.rdb.SetNX(ctx, key, token, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: locking %s: %w", mchid, err)
	}
	if !ok {
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = unlock.Run(ctx, s.rdb, []string{key}, token).Err() // expires anyway
	}, true, nil
}
