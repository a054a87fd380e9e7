package merchants

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
)

// Snapshot is one answer of GET /v3/certificates exactly as WeChat Pay
// signed it: the Wechatpay-* headers and the raw body, whose certificates
// are still encrypted with the merchant's APIv3 key. It holds no secret;
// whoever reads it verifies it again (signature, APIv3 decryption) before
// trusting a certificate.
type Snapshot struct {
	Serial    string `json:"serial"`    // Wechatpay-Serial
	Signature string `json:"signature"` // Wechatpay-Signature
	Timestamp string `json:"timestamp"` // Wechatpay-Timestamp (signed: the age of the list)
	Nonce     string `json:"nonce"`     // Wechatpay-Nonce
	Body      []byte `json:"body"`
}

// Header returns the snapshot's Wechatpay-* headers.
func (s *Snapshot) Header() http.Header {
	h := http.Header{}
	h.Set(signer.HeaderSerial, s.Serial)
	h.Set(signer.HeaderSignature, s.Signature)
	h.Set(signer.HeaderTimestamp, s.Timestamp)
	h.Set(signer.HeaderNonce, s.Nonce)
	return h
}

func snapshotOf(h http.Header, body []byte) *Snapshot {
	return &Snapshot{
		Serial:    h.Get(signer.HeaderSerial),
		Signature: h.Get(signer.HeaderSignature),
		Timestamp: h.Get(signer.HeaderTimestamp),
		Nonce:     h.Get(signer.HeaderNonce),
		Body:      slices.Clone(body),
	}
}

// Store keeps merchants' certificate snapshots where several instances can
// read them. Implementations are safe for concurrent use. A Registry treats
// every error as "the store is unavailable": it logs a warning and goes on
// on its own.
type Store interface {
	// Load returns mchid's snapshot, or nil and no error when there is none.
	Load(ctx context.Context, mchid string) (*Snapshot, error)
	// Save stores mchid's snapshot, replacing the previous one.
	Save(ctx context.Context, mchid string, s *Snapshot) error
	// Lock takes mchid's refresh lock for at most ttl. ok is false when
	// another holder has it; release gives it back (only if still held by
	// this caller).
	Lock(ctx context.Context, mchid string, ttl time.Duration) (release func(), ok bool, err error)
}

// MemoryStore is the default Store: snapshots and locks in this process.
type MemoryStore struct {
	mu    sync.Mutex
	snaps map[string]Snapshot
	locks map[string]memLock
}

type memLock struct {
	token   string
	expires time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{snaps: map[string]Snapshot{}, locks: map[string]memLock{}}
}

// Load implements Store.
func (m *MemoryStore) Load(_ context.Context, mchid string) (*Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.snaps[mchid]
	if !ok {
		return nil, nil
	}
	s.Body = slices.Clone(s.Body)
	return &s, nil
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, mchid string, s *Snapshot) error {
	c := *s
	c.Body = slices.Clone(s.Body)
	m.mu.Lock()
	m.snaps[mchid] = c
	m.mu.Unlock()
	return nil
}

// Lock implements Store.
func (m *MemoryStore) Lock(_ context.Context, mchid string, ttl time.Duration) (func(), bool, error) {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, held := m.locks[mchid]; held && now.Before(l.expires) {
		return nil, false, nil
	}
	token := Token()
	m.locks[mchid] = memLock{token: token, expires: now.Add(ttl)}
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.locks[mchid].token == token {
			delete(m.locks, mchid)
		}
	}, true, nil
}

// Token returns a random lock token (128 bits, hex), for Store
// implementations.
func Token() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
