package chain

import (
	"encoding/binary"
	"hash"
	"math/bits"
)

// SM3 (GB/T 32905-2016, the Chinese national hash standard) in pure Go, for
// bills whose hash_type is SM3. A 256-bit Merkle–Damgård hash with 512-bit
// blocks and the same padding as SHA-256. Checked against the standard's two
// examples and against OpenSSL's sm3 (see download_sm3_test.go).

const (
	sm3Size      = 32
	sm3BlockSize = 64
)

var sm3IV = [8]uint32{0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e}

type sm3Digest struct {
	v   [8]uint32
	buf [sm3BlockSize]byte
	nb  int    // bytes in buf
	len uint64 // message length in bytes
}

func newSM3() hash.Hash {
	d := &sm3Digest{}
	d.Reset()
	return d
}

func (d *sm3Digest) Reset() {
	d.v = sm3IV
	d.nb = 0
	d.len = 0
}

func (d *sm3Digest) Size() int      { return sm3Size }
func (d *sm3Digest) BlockSize() int { return sm3BlockSize }

func (d *sm3Digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nb > 0 {
		c := copy(d.buf[d.nb:], p)
		d.nb += c
		p = p[c:]
		if d.nb < sm3BlockSize {
			return n, nil
		}
		sm3Block(&d.v, d.buf[:])
		d.nb = 0
	}
	for len(p) >= sm3BlockSize {
		sm3Block(&d.v, p[:sm3BlockSize])
		p = p[sm3BlockSize:]
	}
	d.nb = copy(d.buf[:], p)
	return n, nil
}

// Sum appends the digest of the data written so far; d is not changed.
func (d *sm3Digest) Sum(in []byte) []byte {
	c := *d
	bitLen := c.len * 8
	var pad [sm3BlockSize + 8]byte
	pad[0] = 0x80
	// Pad to 56 bytes mod 64, then the 64-bit big-endian bit length.
	padLen := 56 - int(c.len%sm3BlockSize)
	if padLen <= 0 {
		padLen += sm3BlockSize
	}
	binary.BigEndian.PutUint64(pad[padLen:], bitLen)
	c.Write(pad[:padLen+8])
	out := make([]byte, 0, sm3Size)
	for _, x := range c.v {
		out = binary.BigEndian.AppendUint32(out, x)
	}
	return append(in, out...)
}

func sm3P0(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 9) ^ bits.RotateLeft32(x, 17) }
func sm3P1(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 15) ^ bits.RotateLeft32(x, 23) }

// sm3Block is the compression function CF on one 64-byte block.
func sm3Block(v *[8]uint32, b []byte) {
	var w [68]uint32
	for j := 0; j < 16; j++ {
		w[j] = binary.BigEndian.Uint32(b[4*j:])
	}
	for j := 16; j < 68; j++ {
		w[j] = sm3P1(w[j-16]^w[j-9]^bits.RotateLeft32(w[j-3], 15)) ^ bits.RotateLeft32(w[j-13], 7) ^ w[j-6]
	}
	a, bb, c, d, e, f, g, h := v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
	for j := 0; j < 64; j++ {
		t := uint32(0x79cc4519)
		if j >= 16 {
			t = 0x7a879d8a
		}
		a12 := bits.RotateLeft32(a, 12)
		ss1 := bits.RotateLeft32(a12+e+bits.RotateLeft32(t, j%32), 7)
		ss2 := ss1 ^ a12
		var ff, gg uint32
		if j < 16 {
			ff = a ^ bb ^ c
			gg = e ^ f ^ g
		} else {
			ff = a&bb | a&c | bb&c
			gg = e&f | ^e&g
		}
		tt1 := ff + d + ss2 + (w[j] ^ w[j+4])
		tt2 := gg + h + ss1 + w[j]
		d = c
		c = bits.RotateLeft32(bb, 9)
		bb = a
		a = tt1
		h = g
		g = bits.RotateLeft32(f, 19)
		f = e
		e = sm3P0(tt2)
	}
	v[0] ^= a
	v[1] ^= bb
	v[2] ^= c
	v[3] ^= d
	v[4] ^= e
	v[5] ^= f
	v[6] ^= g
	v[7] ^= h
}
