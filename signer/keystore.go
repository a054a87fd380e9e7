package signer

import (
	"crypto/rsa"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
)

// KeyStore maps a serial (a platform certificate serial in hex, or a PUB_KEY_ID_… id)
// to a WeChat Pay RSA public key. It is safe for concurrent use and copy-on-write: each
// update builds a new immutable map and swaps it in atomically, so readers never see a
// partial or empty store during Replace, Add or Remove. Serials are stored and looked
// up upper-cased and trimmed; nil keys are ignored. The zero value is an empty store.
type KeyStore struct {
	p atomic.Pointer[keySnapshot]
}

type keySnapshot struct {
	keys    map[string]*rsa.PublicKey
	serials []string // sorted
}

var emptySnapshot = &keySnapshot{keys: map[string]*rsa.PublicKey{}}

// NewKeyStore returns a store holding a copy of keys.
func NewKeyStore(keys map[string]*rsa.PublicKey) *KeyStore {
	s := &KeyStore{}
	s.p.Store(newSnapshot(nil, keys, nil))
	return s
}

func canonicalSerial(serial string) string {
	return strings.ToUpper(strings.TrimSpace(serial))
}

// newSnapshot builds base ∪ add − remove as a fresh snapshot.
func newSnapshot(base, add map[string]*rsa.PublicKey, remove []string) *keySnapshot {
	m := make(map[string]*rsa.PublicKey, len(base)+len(add))
	maps.Copy(m, base)
	for k, v := range add {
		if v != nil {
			m[canonicalSerial(k)] = v
		}
	}
	for _, k := range remove {
		delete(m, canonicalSerial(k))
	}
	serials := slices.Sorted(maps.Keys(m))
	return &keySnapshot{keys: m, serials: serials}
}

func (s *KeyStore) load() *keySnapshot {
	if s == nil {
		return emptySnapshot
	}
	if p := s.p.Load(); p != nil {
		return p
	}
	return emptySnapshot
}

// update applies f to the current snapshot until the swap wins (lock-free).
func (s *KeyStore) update(f func(cur *keySnapshot) *keySnapshot) {
	for {
		old := s.p.Load()
		cur := old
		if cur == nil {
			cur = emptySnapshot
		}
		if s.p.CompareAndSwap(old, f(cur)) {
			return
		}
	}
}

// Lookup returns the key for serial (case-insensitive for hex serials).
func (s *KeyStore) Lookup(serial string) (*rsa.PublicKey, bool) {
	k, ok := s.load().keys[canonicalSerial(serial)]
	return k, ok
}

// Serials returns the known serials, sorted.
func (s *KeyStore) Serials() []string { return slices.Clone(s.load().serials) }

// Len returns the number of keys.
func (s *KeyStore) Len() int { return len(s.load().keys) }

// Keys returns a copy of the serial → key map.
func (s *KeyStore) Keys() map[string]*rsa.PublicKey { return maps.Clone(s.load().keys) }

// Add merges keys into the store atomically (a serial already present gets the new key).
func (s *KeyStore) Add(keys map[string]*rsa.PublicKey) {
	s.update(func(cur *keySnapshot) *keySnapshot { return newSnapshot(cur.keys, keys, nil) })
}

// Replace swaps the whole store for a copy of keys atomically.
func (s *KeyStore) Replace(keys map[string]*rsa.PublicKey) {
	s.p.Store(newSnapshot(nil, keys, nil))
}

// Remove deletes serials from the store atomically.
func (s *KeyStore) Remove(serials ...string) {
	s.update(func(cur *keySnapshot) *keySnapshot { return newSnapshot(cur.keys, nil, serials) })
}
