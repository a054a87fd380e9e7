package signer

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names used by APIv3 signatures.
const (
	HeaderTimestamp     = "Wechatpay-Timestamp"
	HeaderNonce         = "Wechatpay-Nonce"
	HeaderSignature     = "Wechatpay-Signature"
	HeaderSerial        = "Wechatpay-Serial"
	HeaderSignatureType = "Wechatpay-Signature-Type"
	HeaderRequestID     = "Request-ID"
	HeaderStatementSHA1 = "Wechatpay-Statement-Sha1"
)

// ProbePrefix starts the signature of WeChat Pay's probe traffic, which must fail
// verification (ErrProbeSignature).
const ProbePrefix = "WECHATPAY/SIGNTEST/"

// DefaultWindow is the largest accepted |now − Wechatpay-Timestamp|.
const DefaultWindow = 5 * time.Minute

// SignatureError is returned by Verifier.Verify for an answer or notification that fails
// verification. Err is exactly one of ErrMissingHeader, ErrTimestampSkew,
// ErrUnknownSerial, ErrProbeSignature or ErrBadSignature; Detail says more. The message
// holds timestamp, nonce and serial (clipped) but never the signature or key material.
type SignatureError struct {
	Timestamp, Nonce, Serial string
	Err                      error
	Detail                   string
}

// Error implements error.
func (e *SignatureError) Error() string {
	var b strings.Builder
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("signer: verification failed")
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	fmt.Fprintf(&b, " (timestamp=%q nonce=%q serial=%q)", clip(e.Timestamp), clip(e.Nonce), clip(e.Serial))
	return b.String()
}

// Unwrap returns the sentinel.
func (e *SignatureError) Unwrap() error { return e.Err }

// VerifySignature checks a base64 RSA PKCS#1 v1.5 SHA-256 signature over message. A
// WECHATPAY/SIGNTEST/ probe gives an error wrapping ErrProbeSignature; anything else
// that does not verify (including bad base64 or a nil key) wraps ErrBadSignature.
func VerifySignature(pub *rsa.PublicKey, message []byte, signatureB64 string) error {
	if strings.HasPrefix(signatureB64, ProbePrefix) {
		return fmt.Errorf("%w: WeChat Pay sent a signature-verification probe; rejecting it is the correct answer", ErrProbeSignature)
	}
	if pub == nil {
		return fmt.Errorf("%w: no public key", ErrBadSignature)
	}
	sig, err := base64.StdEncoding.DecodeString(signatureB64)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrBadSignature)
	}
	sum := sha256.Sum256(message)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("%w: RSA-SHA256 verification failed", ErrBadSignature)
	}
	return nil
}

// Verifier checks the signatures WeChat Pay puts on its answers and notifications.
// Keys must be set; Window 0 means DefaultWindow (300 s); Now nil means time.Now.
// A Verifier is safe for concurrent use.
type Verifier struct {
	Keys   *KeyStore
	Window time.Duration
	Now    func() time.Time
}

// Verify checks headers h and the raw body bytes: every Wechatpay-* header present,
// Wechatpay-Signature-Type (if sent) equal to Scheme, not a probe, a nonce without line
// breaks or control characters (ErrBadSignature), the timestamp within
// the window, the serial known, and the signature over "TIMESTAMP\nNONCE\nBODY\n".
// It returns nil or a *SignatureError.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	pub, ts, nonce, sig, serial, err := v.checkHeaders(h)
	if err != nil {
		return err
	}
	// The message is only hashed: built on the stack when it fits.
	var small [1024]byte
	msg := appendVerifyMessage(small[:0], ts, nonce, body)
	if err := VerifySignature(pub, msg, sig); err != nil {
		detail := strings.TrimPrefix(err.Error(), ErrBadSignature.Error()+": ")
		return &SignatureError{Timestamp: ts, Nonce: nonce, Serial: serial, Err: ErrBadSignature,
			Detail: fmt.Sprintf("%s (over %d body bytes; verify the raw bytes, never re-serialised JSON)", detail, len(body))}
	}
	return nil
}

// checkHeaders does every check of Verify that precedes the RSA operation and returns
// the key to verify with.
func (v *Verifier) checkHeaders(h http.Header) (pub *rsa.PublicKey, ts, nonce, sig, serial string, err error) {
	ts, nonce, sig, serial = h.Get(HeaderTimestamp), h.Get(HeaderNonce), h.Get(HeaderSignature), h.Get(HeaderSerial)
	fail := func(sentinel error, format string, args ...any) error {
		return &SignatureError{Timestamp: ts, Nonce: nonce, Serial: serial, Err: sentinel, Detail: fmt.Sprintf(format, args...)}
	}
	if ts == "" || nonce == "" || sig == "" || serial == "" {
		var missing []string
		for _, m := range [...]struct{ name, v string }{{HeaderTimestamp, ts}, {HeaderNonce, nonce}, {HeaderSignature, sig}, {HeaderSerial, serial}} {
			if m.v == "" {
				missing = append(missing, m.name)
			}
		}
		return nil, ts, nonce, sig, serial, fail(ErrMissingHeader, "%s absent", strings.Join(missing, ", "))
	}
	if st := h[HeaderSignatureType]; len(st) > 1 {
		return nil, ts, nonce, sig, serial, fail(ErrBadSignature, "%s sent %d times, want once", HeaderSignatureType, len(st))
	}
	if st, ok := h[HeaderSignatureType]; ok && (len(st) != 1 || st[0] != Scheme) {
		got := ""
		if len(st) > 0 {
			got = st[0]
		}
		return nil, ts, nonce, sig, serial, fail(ErrBadSignature, "%s is %q, want %q", HeaderSignatureType, clip(got), Scheme)
	}
	if strings.HasPrefix(sig, ProbePrefix) {
		return nil, ts, nonce, sig, serial, fail(ErrProbeSignature, "WeChat Pay sent a signature-verification probe; rejecting it is the correct answer")
	}
	for i := 0; i < len(nonce); i++ {
		if c := nonce[i]; c < ' ' || c == 0x7f {
			// "\n" in the nonce would shift where the signed body starts.
			return nil, ts, nonce, sig, serial, fail(ErrBadSignature, "%s contains a line break or control character", HeaderNonce)
		}
	}
	if err := v.checkTimestamp(ts); err != nil {
		return nil, ts, nonce, sig, serial, fail(ErrTimestampSkew, "%s", err.Error())
	}
	var keys *KeyStore
	if v != nil {
		keys = v.Keys
	}
	pub, ok := keys.Lookup(serial)
	if !ok {
		known := keys.Serials()
		if len(known) == 0 {
			return nil, ts, nonce, sig, serial, fail(ErrUnknownSerial, "no verification keys are configured")
		}
		return nil, ts, nonce, sig, serial, fail(ErrUnknownSerial, "known serials: %s", strings.Join(known, ", "))
	}
	return pub, ts, nonce, sig, serial, nil
}

func (v *Verifier) checkTimestamp(ts string) error {
	if !allDigits(ts) || len(ts) > 18 {
		return errors.New("not Unix seconds")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("not Unix seconds")
	}
	now := time.Now
	window := DefaultWindow
	if v != nil {
		if v.Now != nil {
			now = v.Now
		}
		if v.Window > 0 {
			window = v.Window
		}
	}
	nowSec := now().Unix()
	diff := nowSec - sec
	where := "behind"
	if diff < 0 {
		diff, where = -diff, "ahead of"
	}
	// diff is whole seconds, so comparing with the floor of the window is exact and
	// cannot overflow the way diff*time.Second could.
	if diff > int64(window/time.Second) {
		hint := ""
		if len(ts) >= 13 {
			hint = " (milliseconds? APIv3 timestamps are Unix seconds)"
		}
		return fmt.Errorf("%d s %s the local clock, window is %s%s", diff, where, window, hint)
	}
	return nil
}

// VerifyResponse verifies the answer to a request with the given method and path as
// VerificationFor decides: nil for VerifyNone; Verify over the body for VerifyBody; for
// VerifyStatementSHA1, Verify over {"sha1":"<Wechatpay-Statement-Sha1>"} and then the
// SHA-1 of body must equal that value (ErrBadSignature otherwise); if that header is
// absent (a JSON error answer), the body itself must be signed as for VerifyBody. When
// a statement is streamed, use VerifyStatement and hash the stream yourself.
func (v *Verifier) VerifyResponse(method, path string, h http.Header, body []byte) error {
	switch VerificationFor(method, path) {
	case VerifyNone:
		return nil
	case VerifyStatementSHA1:
		if h.Get(HeaderStatementSHA1) == "" {
			// No SHA-1 header (e.g. a JSON error answer): the body itself must carry a
			// valid signature, which is at least as strict.
			return v.Verify(h, body)
		}
		want, err := v.VerifyStatement(h)
		if err != nil {
			return err
		}
		sum := sha1.Sum(body)
		got := hex.EncodeToString(sum[:])
		if subtle.ConstantTimeCompare([]byte(got), []byte(strings.ToLower(want))) != 1 {
			return &SignatureError{Timestamp: h.Get(HeaderTimestamp), Nonce: h.Get(HeaderNonce), Serial: h.Get(HeaderSerial),
				Err: ErrBadSignature, Detail: fmt.Sprintf("statement body SHA-1 %s does not match %s %q", got, HeaderStatementSHA1, clip(want))}
		}
		return nil
	default:
		return v.Verify(h, body)
	}
}

// VerifyStatement verifies the headers of an overseas statement answer, whose signed
// body is {"sha1":"<Wechatpay-Statement-Sha1>"}, and returns that SHA-1 (hex) so a
// streamed file can be checked against it. A missing or non-hex
// Wechatpay-Statement-Sha1 gives ErrMissingHeader or ErrBadSignature.
func (v *Verifier) VerifyStatement(h http.Header) (string, error) {
	sum := h.Get(HeaderStatementSHA1)
	if sum == "" {
		return "", &SignatureError{Timestamp: h.Get(HeaderTimestamp), Nonce: h.Get(HeaderNonce), Serial: h.Get(HeaderSerial),
			Err: ErrMissingHeader, Detail: HeaderStatementSHA1 + " absent"}
	}
	if len(sum) != 40 || !isHexString(sum) {
		return "", &SignatureError{Timestamp: h.Get(HeaderTimestamp), Nonce: h.Get(HeaderNonce), Serial: h.Get(HeaderSerial),
			Err: ErrBadSignature, Detail: fmt.Sprintf("%s %q is not a hex SHA-1", HeaderStatementSHA1, clip(sum))}
	}
	if err := v.Verify(h, []byte(`{"sha1":"`+sum+`"}`)); err != nil {
		return "", err
	}
	return sum, nil
}

func isHexString(s string) bool {
	for _, r := range s {
		if !isHex(r) {
			return false
		}
	}
	return true
}
