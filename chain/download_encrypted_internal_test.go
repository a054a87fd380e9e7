package chain

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"io"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/gcmstream"
)

// pieceReader hands out r's bytes in pieces of the given sizes (cycled;
// 0 returns nothing, without an error).
type pieceReader struct {
	r      io.Reader
	pieces []byte
	i      int
}

func (p *pieceReader) Read(b []byte) (int, error) {
	n := int(p.pieces[p.i%len(p.pieces)])
	p.i++
	return p.r.Read(b[:min(n, len(b))])
}

// FuzzGCMReader: gcmReader, fed any ciphertext in any pieces and read
// with any buffer, gives crypto/cipher's plaintext and io.EOF for a sealed
// message, and ErrDecrypt (never io.EOF) when a byte was changed or the
// message is shorter than a tag; never more bytes than the ciphertext.
func FuzzGCMReader(f *testing.F) {
	f.Add([]byte("a8607ef79034c49c"), []byte("交易时间,公众账号ID\n"), []byte{7, 0, 200}, 5, -1)
	f.Add([]byte("5K8264ILTKCH16CQ2502SI8ZNMTM67VS"), bytes.Repeat([]byte{1}, 3000), []byte{255}, 1, 10)
	f.Add([]byte("n"), []byte{}, []byte{1}, 16, 0)
	f.Fuzz(func(t *testing.T, nonce, msg, pieces []byte, readSize, flip int) {
		if len(nonce) == 0 || len(nonce) > 64 || len(pieces) == 0 || len(msg) > 4096 {
			return
		}
		nonzero := false
		for _, p := range pieces {
			nonzero = nonzero || p > 0
		}
		if !nonzero {
			return
		}
		if readSize <= 0 || readSize > 4096 {
			readSize = 1
		}
		key := bytes.Repeat([]byte{9}, 32)
		block, _ := aes.NewCipher(key)
		aead, err := cipher.NewGCMWithNonceSize(block, len(nonce))
		if err != nil {
			return
		}
		sealed := aead.Seal(nil, nonce, msg, nil)
		tampered := flip >= 0 && flip < len(sealed)
		if tampered {
			sealed[flip] ^= 0x01
		}
		if flip < -1 && -flip-1 < len(sealed) { // cut short
			sealed = sealed[:-flip-1]
			tampered = true
		}
		opener, _ := gcmstream.NewOpener(block, nonce)
		g := &gcmReader{src: &pieceReader{r: bytes.NewReader(sealed), pieces: pieces}, opener: opener, buf: make([]byte, 40+gcmstream.TagSize)}
		var out []byte
		buf := make([]byte, readSize)
		for i := 0; ; i++ {
			if i > 10*len(sealed)*len(pieces)+100 {
				t.Fatal("no progress")
			}
			n, err := g.Read(buf)
			out = append(out, buf[:n]...)
			if err == io.EOF {
				if tampered {
					t.Fatalf("a changed message read to io.EOF")
				}
				break
			}
			if err != nil {
				if !tampered || !errors.Is(err, ErrDecrypt) {
					t.Fatalf("err %v (tampered %v)", err, tampered)
				}
				break
			}
		}
		if len(out) > max(len(sealed)-gcmstream.TagSize, 0) {
			t.Fatalf("%d bytes out of a %d-byte ciphertext", len(out), len(sealed)-gcmstream.TagSize)
		}
		if !tampered && !bytes.Equal(out, msg) {
			t.Fatalf("plaintext differs from crypto/cipher's")
		}
	})
}
