package merchants_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/merchants"
)

// Two registries (two instances) sharing one store: one download, both
// verified and served.
func TestSharedStoreSingleRefresh(t *testing.T) {
	t.Parallel()
	srv := newServer(t, 21, true)
	store := merchants.NewMemoryStore()
	var wg sync.WaitGroup
	for range 2 {
		reg := merchants.New(merchants.Config{Store: store})
		if err := reg.Put(configOf(srv)); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := query(context.Background(), reg, srv.MchID); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if got := countCertificates(srv); got != 1 {
		t.Errorf("certificate downloads = %d, want 1", got)
	}
}

// brokenStore fails every call, or answers garbage.
type brokenStore struct {
	garbage *merchants.Snapshot // nil: every call fails
}

var errDown = errors.New("store down")

func (b brokenStore) Load(context.Context, string) (*merchants.Snapshot, error) {
	if b.garbage != nil {
		return b.garbage, nil
	}
	return nil, errDown
}

func (b brokenStore) Save(context.Context, string, *merchants.Snapshot) error {
	if b.garbage != nil {
		return nil
	}
	return errDown
}

func (b brokenStore) Lock(context.Context, string, time.Duration) (func(), bool, error) {
	if b.garbage != nil {
		return func() {}, true, nil
	}
	return nil, false, errDown
}

// tampered is a genuine snapshot with one byte of its body changed.
func tampered(t *testing.T, n int) *merchants.Snapshot {
	t.Helper()
	srv := newServer(t, n, true)
	store := merchants.NewMemoryStore()
	reg := merchants.New(merchants.Config{Store: store})
	if err := reg.Put(configOf(srv)); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Client(context.Background(), srv.MchID); err != nil {
		t.Fatal(err)
	}
	snap, err := store.Load(context.Background(), srv.MchID)
	if err != nil || snap == nil {
		t.Fatalf("no snapshot: %v", err)
	}
	i := bytes.Index(snap.Body, []byte(`"ciphertext":"`)) + len(`"ciphertext":"`) + 10
	snap.Body[i] ^= 1
	return snap
}

// A store that is down, answers garbage or holds a tampered list: the
// instance warns and goes on alone; its calls succeed.
func TestStoreFailureDegradesToOneInstance(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		store merchants.Store
		log   string
	}{
		{"down", brokenStore{}, "certificate store unavailable"},
		{"garbage", brokenStore{garbage: &merchants.Snapshot{Body: []byte("\x00not json"), Timestamp: "x"}}, "does not verify"},
		{"tampered", brokenStore{garbage: tampered(t, 22)}, "does not verify"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, 22, true)
			logger, logs := newLogger()
			reg := merchants.New(merchants.Config{Store: tc.store, Logger: logger})
			if err := reg.Put(configOf(srv)); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if _, err := query(context.Background(), reg, srv.MchID); err != nil {
					t.Fatal(err)
				}
			}
			if got := countCertificates(srv); got != 1 {
				t.Errorf("downloads = %d, want 1", got)
			}
			if !strings.Contains(logs.String(), tc.log) {
				t.Errorf("log lacks %q:\n%s", tc.log, logs)
			}
		})
	}
}
