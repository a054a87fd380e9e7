// Package gcmstream is AES-GCM (NIST SP 800-38D) over a stream: the
// counter-mode keystream and the GHASH authenticator, fed a piece at a
// time, so that a ciphertext of any size is sealed or opened in bounded
// memory. crypto/cipher's AEAD needs the whole message at once; WeChat
// Pay's encrypted bills are gigabytes. The result is the same bytes as
// cipher.NewGCMWithNonceSize(block, len(nonce)).Seal(nil, nonce,
// plaintext, nil): the ciphertext, then the 16-byte tag. No associated
// data (the bills have none).
//
// An Opener releases plaintext before the tag is checked: a caller must
// treat everything it read as unauthenticated until Verify returns nil.
package gcmstream

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// TagSize is the size of the tag that ends a sealed stream.
const TagSize = 16

// ErrAuth: the tag does not match the ciphertext (wrong key or nonce, or
// content changed).
var ErrAuth = errors.New("gcmstream: message authentication failed")

// maxBlocks bounds a message: GCM allows 2^32-2 blocks of plaintext.
const maxBlocks = 1<<32 - 2

// state is what sealing and opening share.
type state struct {
	block   cipher.Block
	g       ghash
	ctr     [16]byte // the next counter block
	tagMask [16]byte // E(K, J0)
	stream  [16 * 64]byte
	used    int // bytes of stream already used (len(stream) when empty)
	blocks  uint64
	n       uint64 // ciphertext bytes
	pending [16]byte
	npend   int
	err     error
}

func newState(block cipher.Block, nonce []byte) (*state, error) {
	if block.BlockSize() != 16 {
		return nil, fmt.Errorf("gcmstream: block size %d, want 16", block.BlockSize())
	}
	if len(nonce) == 0 {
		return nil, errors.New("gcmstream: empty nonce")
	}
	s := &state{block: block}
	var h [16]byte
	block.Encrypt(h[:], h[:])
	s.g.init(h)
	var j0 [16]byte
	if len(nonce) == 12 {
		copy(j0[:], nonce)
		j0[15] = 1
	} else {
		var g ghash
		g.init(h)
		g.update(nonce)
		var lens [16]byte
		binary.BigEndian.PutUint64(lens[8:], uint64(len(nonce))*8)
		g.updateBlocks(lens[:])
		j0 = g.sum()
	}
	block.Encrypt(s.tagMask[:], j0[:])
	s.ctr = j0
	inc32(&s.ctr)
	s.used = len(s.stream)
	return s, nil
}

// inc32 increments the counter block's last 32 bits, modulo 2^32.
func inc32(b *[16]byte) {
	binary.BigEndian.PutUint32(b[12:], binary.BigEndian.Uint32(b[12:])+1)
}

// xor writes src XOR the keystream to dst (len(dst) >= len(src)).
func (s *state) xor(dst, src []byte) error {
	if s.err != nil {
		return s.err
	}
	for len(src) > 0 {
		if s.used == len(s.stream) {
			left := uint64(maxBlocks) - s.blocks
			if left == 0 {
				s.err = errors.New("gcmstream: message too long for GCM")
				return s.err
			}
			k := uint64(len(s.stream) / 16)
			if left < k {
				k = left
			}
			for i := uint64(0); i < k; i++ {
				s.block.Encrypt(s.stream[i*16:], s.ctr[:])
				inc32(&s.ctr)
			}
			s.blocks += k
			s.used = len(s.stream) - int(k)*16
			if s.used > 0 {
				copy(s.stream[s.used:], s.stream[:k*16])
			}
		}
		n := subtle.XORBytes(dst, src, s.stream[s.used:])
		s.used += n
		dst, src = dst[n:], src[n:]
	}
	return nil
}

// authenticate feeds ciphertext to GHASH.
func (s *state) authenticate(c []byte) {
	s.n += uint64(len(c))
	if s.npend > 0 {
		k := copy(s.pending[s.npend:], c)
		s.npend += k
		c = c[k:]
		if s.npend < 16 {
			return
		}
		s.g.updateBlocks(s.pending[:])
		s.npend = 0
	}
	full := len(c) &^ 15
	s.g.updateBlocks(c[:full])
	s.npend = copy(s.pending[:], c[full:])
}

// tag finishes GHASH and returns the tag.
func (s *state) tag() [16]byte {
	if s.npend > 0 {
		clear(s.pending[s.npend:])
		s.g.updateBlocks(s.pending[:])
		s.npend = 0
	}
	var lens [16]byte
	binary.BigEndian.PutUint64(lens[8:], s.n*8) // no associated data: its length is 0
	s.g.updateBlocks(lens[:])
	t := s.g.sum()
	subtle.XORBytes(t[:], t[:], s.tagMask[:])
	return t
}

// Sealer encrypts a stream: Seal the plaintext piece by piece, then Tag.
type Sealer struct{ s *state }

// NewSealer starts a message under block (AES-256 for the bills) and
// nonce (any non-empty length; 12 bytes is the fast standard case).
func NewSealer(block cipher.Block, nonce []byte) (*Sealer, error) {
	s, err := newState(block, nonce)
	if err != nil {
		return nil, err
	}
	return &Sealer{s: s}, nil
}

// Seal encrypts src into dst (which must hold len(src) bytes; they may be
// the same slice). It fails once the message exceeds GCM's limit.
func (e *Sealer) Seal(dst, src []byte) error {
	if len(dst) < len(src) {
		return errors.New("gcmstream: Seal: dst shorter than src")
	}
	if err := e.s.xor(dst, src); err != nil {
		return err
	}
	e.s.authenticate(dst[:len(src)])
	return nil
}

// Tag returns the tag that ends the message. Call it once, after the last Seal.
func (e *Sealer) Tag() [TagSize]byte { return e.s.tag() }

// Opener decrypts a stream: Open the ciphertext (without the tag) piece
// by piece, then Verify the tag.
type Opener struct{ s *state }

// NewOpener starts opening a message sealed under block and nonce.
func NewOpener(block cipher.Block, nonce []byte) (*Opener, error) {
	s, err := newState(block, nonce)
	if err != nil {
		return nil, err
	}
	return &Opener{s: s}, nil
}

// Open decrypts src into dst (which must hold len(src) bytes; they may be
// the same slice). The plaintext is unauthenticated until Verify.
func (d *Opener) Open(dst, src []byte) error {
	if len(dst) < len(src) {
		return errors.New("gcmstream: Open: dst shorter than src")
	}
	d.s.authenticate(src) // before xor: dst may be src
	return d.s.xor(dst, src)
}

// Verify checks the message's tag; ErrAuth when it does not match. Call
// it once, after the last Open.
func (d *Opener) Verify(tag []byte) error {
	want := d.s.tag()
	if len(tag) != TagSize || subtle.ConstantTimeCompare(want[:], tag) != 1 {
		return ErrAuth
	}
	return nil
}
