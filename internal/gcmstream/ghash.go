package gcmstream

import "encoding/binary"

// An element of GF(2^128) in GCM's bit order: the coefficient of x^0 is
// the most significant bit of byte 0, so with the 16 bytes read as two
// big-endian words, multiplying by x is a right shift by one.
type elem struct{ hi, lo uint64 }

// ghash is GHASH keyed by H, with 4-bit tables (Shoup's method).
type ghash struct {
	table [16]elem // table[v] = (the nibble v as a polynomial) · H, see init
	y     elem
}

// r is x^128 reduced: x^7 + x^2 + x + 1, i.e. the bits 0xE1 at the top.
const r = 0xe1 << 56

// reduce4[d] is the reduction of the four coefficients a right shift by
// four pushes out of the low word (positions 124..127 become 128..131).
var reduce4 = func() (t [16]uint64) {
	for d := range t {
		for bit := 0; bit < 4; bit++ { // bit 3 is position 124 → x^128
			if d&(1<<bit) != 0 {
				t[d] ^= r >> (3 - bit)
			}
		}
	}
	return t
}()

func mulX(e elem) elem {
	carry := e.lo & 1
	e.lo = e.lo>>1 | e.hi<<63
	e.hi >>= 1
	if carry != 0 {
		e.hi ^= r
	}
	return e
}

func (g *ghash) init(h [16]byte) {
	hv := elem{binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:])}
	// A nibble v read from the element holds four consecutive positions
	// p..p+3, p at its high bit: v = 8 is x^0, 4 is x^1, 2 is x^2, 1 is x^3.
	g.table[8] = hv
	g.table[4] = mulX(g.table[8])
	g.table[2] = mulX(g.table[4])
	g.table[1] = mulX(g.table[2])
	for v := 1; v < 16; v++ {
		if v&(v-1) == 0 {
			continue
		}
		var e elem
		for b := 1; b < 16; b <<= 1 {
			if v&b != 0 {
				e.hi ^= g.table[b].hi
				e.lo ^= g.table[b].lo
			}
		}
		g.table[v] = e
	}
	g.y = elem{}
}

// mul sets y to y·H, Horner's rule over the nibbles of y from position
// 127 down to 0: z = z·x^4 + table[nibble].
func (g *ghash) mul() {
	var z elem
	words := [2]uint64{g.y.lo, g.y.hi}
	for _, w := range words {
		for i := 0; i < 16; i++ {
			d := z.lo & 0xf
			z.lo = z.lo>>4 | z.hi<<60
			z.hi = z.hi>>4 ^ reduce4[d]
			t := g.table[w&0xf]
			z.hi ^= t.hi
			z.lo ^= t.lo
			w >>= 4
		}
	}
	g.y = z
}

// updateBlocks feeds whole 16-byte blocks.
func (g *ghash) updateBlocks(b []byte) {
	for len(b) >= 16 {
		g.y.hi ^= binary.BigEndian.Uint64(b[:8])
		g.y.lo ^= binary.BigEndian.Uint64(b[8:16])
		g.mul()
		b = b[16:]
	}
}

// update feeds b, the last block padded with zeros.
func (g *ghash) update(b []byte) {
	full := len(b) &^ 15
	g.updateBlocks(b[:full])
	if full < len(b) {
		var last [16]byte
		copy(last[:], b[full:])
		g.updateBlocks(last[:])
	}
}

func (g *ghash) sum() (out [16]byte) {
	binary.BigEndian.PutUint64(out[:8], g.y.hi)
	binary.BigEndian.PutUint64(out[8:], g.y.lo)
	return out
}
