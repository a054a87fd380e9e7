package signer

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scheme is the APIv3 signature scheme, the first word of the Authorization header and
// the value of Wechatpay-Signature-Type.
const Scheme = "WECHATPAY2-SHA256-RSA2048"

// Signer produces the base64 RSA PKCS#1 v1.5 SHA-256 signature of message. It takes a
// ctx so that a remote signer (KMS, HSM, an internal signing service) can stand in for
// a local key. Implementations must be safe for concurrent use.
type Signer interface {
	Sign(ctx context.Context, message []byte) (string, error)
}

// RSASigner signs with a local RSA private key. It implements Signer and is safe for
// concurrent use; the key is checked and precomputed once, in NewRSASigner.
type RSASigner struct {
	key *rsa.PrivateKey
}

// NewRSASigner returns a Signer for key. It refuses a nil key and keys under 2048 bits.
func NewRSASigner(key *rsa.PrivateKey) (*RSASigner, error) {
	if key == nil {
		return nil, errors.New("signer: NewRSASigner: private key is nil")
	}
	if _, err := checkRSAPrivate(key); err != nil {
		return nil, rewrap("NewRSASigner", err)
	}
	key.Precompute()
	return &RSASigner{key: key}, nil
}

// Public returns the public half of the signing key.
func (s *RSASigner) Public() *rsa.PublicKey { return &s.key.PublicKey }

// Sign implements Signer: base64(RSA-PKCS1v15(SHA-256(message))).
func (s *RSASigner) Sign(ctx context.Context, message []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("signer: sign: %w", err)
	}
	sum := sha256.Sum256(message)
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("signer: sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// BuildMessage returns the request signing message
// "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n". requestTarget is the path and
// query exactly as sent (URL.RequestURI()); body is the exact bytes sent (empty for a
// GET), or the meta JSON for a media upload.
func BuildMessage(method, requestTarget string, timestamp int64, nonce string, body []byte) []byte {
	return appendMessage(make([]byte, 0, len(method)+len(requestTarget)+len(nonce)+len(body)+25), method, requestTarget, timestamp, nonce, body)
}

// appendMessage appends BuildMessage's message to b; nonce is a string or
// the bytes of one (Authorize keeps its nonce in an array on the stack).
func appendMessage[N string | []byte](b []byte, method, requestTarget string, timestamp int64, nonce N, body []byte) []byte {
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, requestTarget...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, timestamp, 10)
	b = append(b, '\n')
	b = append(b, nonce...)
	b = append(b, '\n')
	b = append(b, body...)
	b = append(b, '\n')
	return b
}

// BuildVerifyMessage returns the message WeChat Pay signs on its answers and
// notifications: "TIMESTAMP\nNONCE\nBODY\n" over the raw body bytes.
func BuildVerifyMessage(timestamp, nonce string, body []byte) []byte {
	return appendVerifyMessage(make([]byte, 0, len(timestamp)+len(nonce)+len(body)+3), timestamp, nonce, body)
}

// appendVerifyMessage appends BuildVerifyMessage's message to b.
func appendVerifyMessage(b []byte, timestamp, nonce string, body []byte) []byte {
	if n := len(timestamp) + len(nonce) + len(body) + 3; cap(b)-len(b) < n {
		b = slices.Grow(b, n)
	}
	b = append(b, timestamp...)
	b = append(b, '\n')
	b = append(b, nonce...)
	b = append(b, '\n')
	b = append(b, body...)
	b = append(b, '\n')
	return b
}

const (
	nonceLen      = 32
	nonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	// nonceLimit is the largest multiple of len(nonceAlphabet) that fits in a byte:
	// bytes at or above it are discarded so that every character is equally likely.
	nonceLimit = 256 - 256%len(nonceAlphabet)
)

// NewNonce returns 32 characters of [0-9A-Za-z] from crypto/rand, without modulo bias.
func NewNonce() (string, error) { return newNonce(nil) }

// newNonce draws a nonce from r (nil → crypto/rand) by rejection sampling.
func newNonce(r io.Reader) (string, error) {
	var out [nonceLen]byte
	if err := fillNonce(&out, r); err != nil {
		return "", err
	}
	return string(out[:]), nil
}

// fillNonce fills out with a nonce drawn from r (nil → crypto/rand). From
// crypto/rand the random bytes stay on the stack; another reader gets a
// heap buffer (io.ReadFull lets it escape).
func fillNonce(out *[nonceLen]byte, r io.Reader) error {
	var local [48]byte
	var buf []byte
	n := 0
	for n < nonceLen {
		if r == nil || r == rand.Reader {
			rand.Read(local[:]) // never fails (crypto/rand crashes the program instead)
			n = sampleNonce(out, n, local[:])
			continue
		}
		if buf == nil {
			buf = make([]byte, len(local))
		}
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("signer: nonce: reading random bytes: %w", err)
		}
		n = sampleNonce(out, n, buf)
	}
	return nil
}

// sampleNonce fills out from position n with the bytes of random that fall
// below nonceLimit (no modulo bias) and returns the new position.
func sampleNonce(out *[nonceLen]byte, n int, random []byte) int {
	for _, c := range random {
		if n == nonceLen {
			break
		}
		if int(c) < nonceLimit {
			out[n] = nonceAlphabet[int(c)%len(nonceAlphabet)]
			n++
		}
	}
	return n
}

// Authorizer builds the Authorization header of APIv3 requests. Set MchID, Serial (the
// merchant API certificate serial, upper-case hex) and Signer; Now and Rand are for
// tests. An Authorizer is safe for concurrent use once set up.
type Authorizer struct {
	MchID  string
	Serial string
	Signer Signer
	// Now is the clock for the timestamp; nil means time.Now.
	Now func() time.Time
	// Rand is the nonce source; nil means crypto/rand.
	Rand io.Reader
}

// Authorize signs one request and returns the full Authorization header value:
//
//	WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"
//
// Each call draws a fresh nonce and timestamp, so every retry must call it again.
// method is the upper-case HTTP method, requestTarget the path and query exactly as
// sent, body the exact bytes sent.
func (a *Authorizer) Authorize(ctx context.Context, method, requestTarget string, body []byte) (string, error) {
	if err := a.check(method, requestTarget); err != nil {
		return "", err
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	// The nonce stays in an array and the timestamp an int64 until both
	// are appended to the message and the header: no string of their own.
	var nonce [nonceLen]byte
	if err := fillNonce(&nonce, a.Rand); err != nil {
		return "", err
	}
	ts := now().Unix()
	msg := appendMessage(make([]byte, 0, len(method)+len(requestTarget)+len(nonce)+len(body)+25), method, requestTarget, ts, nonce[:], body)
	sig, err := a.Signer.Sign(ctx, msg)
	if err != nil {
		return "", fmt.Errorf("signer: Authorize %s %s: %w", method, requestTarget, err)
	}
	if sig == "" || !headerSafe(sig) {
		return "", fmt.Errorf("signer: Authorize %s %s: Signer returned an empty or malformed signature", method, requestTarget)
	}
	return authorization(a.MchID, &nonce, sig, ts, a.Serial), nil
}

func (a *Authorizer) check(method, requestTarget string) error {
	switch {
	case a == nil:
		return errors.New("signer: Authorize: nil Authorizer")
	case a.Signer == nil:
		return errors.New("signer: Authorize: Authorizer.Signer is nil")
	case a.MchID == "" || !headerSafe(a.MchID):
		return fmt.Errorf("signer: Authorize: Authorizer.MchID %q is empty or has characters not allowed in the header", a.MchID)
	case a.Serial == "" || !headerSafe(a.Serial):
		return fmt.Errorf("signer: Authorize: Authorizer.Serial %q is empty or has characters not allowed in the header", a.Serial)
	}
	if method == "" {
		return errors.New("signer: Authorize: method is empty")
	}
	for i := 0; i < len(method); i++ {
		if c := method[i]; c < 'A' || c > 'Z' {
			return fmt.Errorf("signer: Authorize: method %q must be upper-case letters, exactly as sent", method)
		}
	}
	if len(requestTarget) == 0 || requestTarget[0] != '/' {
		return fmt.Errorf("signer: Authorize: request target %q must start with '/' (path and query as sent, URL.RequestURI())", requestTarget)
	}
	for i := 0; i < len(requestTarget); i++ {
		if c := requestTarget[i]; c <= ' ' || c == 0x7f {
			return fmt.Errorf("signer: Authorize: request target %q contains a space or control character; it must be escaped as sent", requestTarget)
		}
	}
	return nil
}

// FormatAuthorization returns the Authorization header value for the given fields, in
// WeChat Pay's order. It does no checking; Authorize is the normal way to get one.
func FormatAuthorization(mchID, nonce, signature, timestamp, serial string) string {
	// A strings.Builder hands out its buffer as the string: one allocation.
	var b strings.Builder
	b.Grow(len(Scheme) + len(mchID) + len(nonce) + len(signature) + len(timestamp) + len(serial) + 64)
	b.WriteString(Scheme)
	b.WriteString(` mchid="`)
	b.WriteString(mchID)
	b.WriteString(`",nonce_str="`)
	b.WriteString(nonce)
	b.WriteString(`",signature="`)
	b.WriteString(signature)
	b.WriteString(`",timestamp="`)
	b.WriteString(timestamp)
	b.WriteString(`",serial_no="`)
	b.WriteString(serial)
	b.WriteByte('"')
	return b.String()
}

// authorization is FormatAuthorization for Authorize, whose nonce is an
// array and timestamp an int64: the same bytes, one allocation (the
// header), no string for the nonce or the timestamp.
func authorization(mchID string, nonce *[nonceLen]byte, signature string, timestamp int64, serial string) string {
	var b strings.Builder
	b.Grow(len(Scheme) + len(mchID) + nonceLen + len(signature) + 20 + len(serial) + 64)
	b.WriteString(Scheme)
	b.WriteString(` mchid="`)
	b.WriteString(mchID)
	b.WriteString(`",nonce_str="`)
	b.Write(nonce[:])
	b.WriteString(`",signature="`)
	b.WriteString(signature)
	b.WriteString(`",timestamp="`)
	var digits [20]byte
	b.Write(strconv.AppendInt(digits[:0], timestamp, 10))
	b.WriteString(`",serial_no="`)
	b.WriteString(serial)
	b.WriteByte('"')
	return b.String()
}

// headerSafe reports whether s can sit inside a quoted Authorization parameter:
// printable ASCII without '"', ',' or '\\'.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == '\\' {
			return false
		}
	}
	return true
}
