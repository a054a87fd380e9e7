package gcmstream

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seal seals msg through a Sealer in pieces of the given sizes (cycled).
func seal(t testing.TB, block cipher.Block, nonce, msg []byte, pieces []int) []byte {
	t.Helper()
	e, err := NewSealer(block, nonce)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(msg), len(msg)+TagSize)
	for i, off := 0, 0; off < len(msg); i++ {
		n := min(pieces[i%len(pieces)], len(msg)-off)
		if err := e.Seal(out[off:off+n], msg[off:off+n]); err != nil {
			t.Fatal(err)
		}
		off += n
	}
	tag := e.Tag()
	return append(out, tag[:]...)
}

// open opens sealed (ciphertext‖tag) in pieces, in place.
func open(t testing.TB, block cipher.Block, nonce, sealed []byte, pieces []int) ([]byte, error) {
	t.Helper()
	d, err := NewOpener(block, nonce)
	if err != nil {
		t.Fatal(err)
	}
	ct := append([]byte(nil), sealed[:len(sealed)-TagSize]...)
	for i, off := 0, 0; off < len(ct); i++ {
		n := min(pieces[i%len(pieces)], len(ct)-off)
		if err := d.Open(ct[off:off+n], ct[off:off+n]); err != nil {
			t.Fatal(err)
		}
		off += n
	}
	return ct, d.Verify(sealed[len(sealed)-TagSize:])
}

// TestDifferential: for random keys, nonces of 1 to 40 bytes (the bills'
// 16 and 32 among them), lengths around every block boundary and random
// piece sizes, the stream gives crypto/cipher's bytes, and opens them.
func TestDifferential(t *testing.T) {
	t.Parallel()
	rng := mrand.New(mrand.NewPCG(1, 2))
	lengths := []int{0, 1, 15, 16, 17, 31, 32, 33, 1023, 1024, 1025, 16*64 - 1, 16 * 64, 16*64 + 1, 5000, 70000}
	for nonceLen := 1; nonceLen <= 40; nonceLen++ {
		for _, n := range lengths {
			key := make([]byte, 32)
			nonce := make([]byte, nonceLen)
			msg := make([]byte, n)
			_, _ = rand.Read(key)
			_, _ = rand.Read(nonce)
			_, _ = rand.Read(msg)
			block, err := aes.NewCipher(key)
			if err != nil {
				t.Fatal(err)
			}
			aead, err := cipher.NewGCMWithNonceSize(block, nonceLen)
			if err != nil {
				t.Fatal(err)
			}
			want := aead.Seal(nil, nonce, msg, nil)
			pieces := []int{1 + rng.IntN(40), 1 + rng.IntN(3000), 16, 1}
			got := seal(t, block, nonce, msg, pieces)
			if !bytes.Equal(got, want) {
				t.Fatalf("nonce %d bytes, %d bytes, pieces %v: sealed differs from crypto/cipher", nonceLen, n, pieces)
			}
			plain, err := open(t, block, nonce, want, []int{1 + rng.IntN(100), 7})
			if err != nil || !bytes.Equal(plain, msg) {
				t.Fatalf("nonce %d bytes, %d bytes: open: %v, equal %v", nonceLen, n, err, bytes.Equal(plain, msg))
			}
		}
	}
}

// TestOpenRefuses: a changed byte anywhere, a wrong nonce or key, a
// short tag: ErrAuth.
func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	block, _ := aes.NewCipher(key)
	nonce := []byte("a8607ef79034c49c")
	msg := bytes.Repeat([]byte("交易时间,公众账号ID\n"), 100)
	sealed := seal(t, block, nonce, msg, []int{100})
	other, _ := aes.NewCipher(bytes.Repeat([]byte{8}, 32))
	for _, tc := range []struct {
		name   string
		block  cipher.Block
		nonce  []byte
		sealed func() []byte
	}{
		{"first byte", block, nonce, func() []byte { b := bytes.Clone(sealed); b[0] ^= 1; return b }},
		{"last ciphertext byte", block, nonce, func() []byte { b := bytes.Clone(sealed); b[len(msg)-1] ^= 0x80; return b }},
		{"tag", block, nonce, func() []byte { b := bytes.Clone(sealed); b[len(b)-1] ^= 1; return b }},
		{"truncated", block, nonce, func() []byte { return append(bytes.Clone(sealed[:len(msg)-1]), sealed[len(msg):]...) }},
		{"wrong nonce", block, []byte("a8607ef79034c49d"), func() []byte { return sealed }},
		{"wrong key", other, nonce, func() []byte { return sealed }},
	} {
		if _, err := open(t, tc.block, tc.nonce, tc.sealed(), []int{33}); !errors.Is(err, ErrAuth) {
			t.Errorf("%s: %v, want ErrAuth", tc.name, err)
		}
	}
	d, _ := NewOpener(block, nonce)
	if err := d.Verify(sealed[:5]); !errors.Is(err, ErrAuth) {
		t.Errorf("short tag: %v, want ErrAuth", err)
	}
}

// TestInc32: the counter wraps in its last 32 bits only (SP 800-38D's
// inc32), which differs from a 128-bit counter once the low word
// overflows: with a nonce that is not 12 bytes, J0's low word is random.
func TestInc32(t *testing.T) {
	t.Parallel()
	b := [16]byte{15: 0xff, 14: 0xff, 13: 0xff, 12: 0xff, 11: 0x01}
	inc32(&b)
	want := [16]byte{11: 0x01}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("inc32 (-want +got):\n%s", diff)
	}
}

// TestErrors: a nonce is required, dst must be long enough.
func TestErrors(t *testing.T) {
	t.Parallel()
	block, _ := aes.NewCipher(make([]byte, 32))
	if _, err := NewSealer(block, nil); err == nil {
		t.Error("NewSealer with an empty nonce: no error")
	}
	if _, err := NewOpener(block, []byte{}); err == nil {
		t.Error("NewOpener with an empty nonce: no error")
	}
	e, _ := NewSealer(block, []byte("n"))
	if err := e.Seal(make([]byte, 1), make([]byte, 2)); err == nil {
		t.Error("Seal into a short dst: no error")
	}
}

func FuzzSeal(f *testing.F) {
	f.Add([]byte("a8607ef79034c49c"), []byte("bill"), 3)
	f.Add([]byte("5K8264ILTKCH16CQ2502SI8ZNMTM67VS"), bytes.Repeat([]byte{1}, 1000), 17)
	f.Fuzz(func(t *testing.T, nonce, msg []byte, piece int) {
		if len(nonce) == 0 {
			return
		}
		if piece <= 0 || piece > 1<<16 {
			piece = 1 + len(msg)
		}
		block, _ := aes.NewCipher(bytes.Repeat([]byte{3}, 32))
		aead, err := cipher.NewGCMWithNonceSize(block, len(nonce))
		if err != nil {
			return
		}
		want := aead.Seal(nil, nonce, msg, nil)
		if got := seal(t, block, nonce, msg, []int{piece}); !bytes.Equal(got, want) {
			t.Fatalf("nonce %x, %d bytes, piece %d: differs from crypto/cipher", nonce, len(msg), piece)
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	block, _ := aes.NewCipher(make([]byte, 32))
	buf := make([]byte, 32<<10)
	for _, name := range []string{"gcmstream", "crypto/cipher"} {
		b.Run(fmt.Sprintf("%s/nonce16", name), func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			nonce := []byte("a8607ef79034c49c")
			aead, _ := cipher.NewGCMWithNonceSize(block, 16)
			out := make([]byte, 0, len(buf)+16)
			for b.Loop() {
				if name == "crypto/cipher" {
					out = aead.Seal(out[:0], nonce, buf, nil)
					continue
				}
				e, _ := NewSealer(block, nonce)
				_ = e.Seal(buf, buf)
				_ = e.Tag()
			}
		})
	}
}
