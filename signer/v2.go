package signer

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
)

// APIv2 sign_type values.
const (
	// SignTypeMD5 is the APIv2 default: MD5 over the signing string.
	SignTypeMD5 = "MD5"
	// SignTypeHMACSHA256 is HMAC-SHA256 over the signing string, keyed with
	// the APIv2 key.
	SignTypeHMACSHA256 = "HMAC-SHA256"
)

// FieldSign is the name of the APIv2 signature field, left out of the string
// it signs.
const FieldSign = "sign"

// apiv2KeyLen is the length of an APIv2 key (32 ASCII characters).
const apiv2KeyLen = 32

// ErrAPIv2KeyLength means the APIv2 key is not 32 characters long.
var ErrAPIv2KeyLength = errors.New("signer: the APIv2 key must be 32 characters")

// CheckAPIv2Key reports whether key can be an APIv2 key: 32 bytes (the key set
// in the merchant platform is 32 ASCII letters and digits). The error wraps
// ErrAPIv2KeyLength and never holds the key.
func CheckAPIv2Key(key string) error {
	if len(key) != apiv2KeyLen {
		return fmt.Errorf("%w, got %d (it is the 32-character APIv2 key set in the merchant platform, not the APIv3 key or the merchant ID)", ErrAPIv2KeyLength, len(key))
	}
	return nil
}

// SignV2 returns the APIv2 signature of fields: every field with a non-empty
// value except sign, names sorted by ASCII (byte order), joined as
// "k=v&k2=v2", then "&key=" and the APIv2 key appended; hashed with MD5 or
// HMAC-SHA256 keyed with the APIv2 key, according to signType ("" means MD5,
// the protocol's default); the hex digest in upper case.
//
// Values go in as they are (no escaping, no trimming), which is what the
// protocol signs. A field name that is empty or holds '=' or '&' would make
// the string ambiguous and is refused with an error naming it; an unknown
// signType wraps ErrUnknownAlgorithm; a key that is not 32 characters wraps
// ErrAPIv2KeyLength. SignV2 never changes fields.
func SignV2(fields map[string]string, key, signType string) (string, error) {
	h, err := newV2Hash(key, signType)
	if err != nil {
		return "", err
	}
	if err := writeV2String(h, fields, key); err != nil {
		return "", err
	}
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))), nil
}

// VerifyV2 checks fields[FieldSign] against SignV2(fields, key, signType) in
// constant time (the hex is compared without regard to case). A missing,
// empty or wrong sign wraps ErrBadSignature; the other errors are SignV2's.
// Errors never hold the key or either signature.
//
// Pass the algorithm the exchange uses: the request's sign_type for an
// answer; for a callback, its own sign_type field ("" means MD5).
func VerifyV2(fields map[string]string, key, signType string) error {
	got, ok := fields[FieldSign]
	if !ok || got == "" {
		return fmt.Errorf("%w: APIv2 message carries no sign field", ErrBadSignature)
	}
	want, err := SignV2(fields, key, signType)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(strings.ToUpper(got)), []byte(want)) != 1 {
		return fmt.Errorf("%w: APIv2 sign (%s) does not match the fields", ErrBadSignature, signTypeName(signType))
	}
	return nil
}

// signTypeName is signType as the protocol names it ("" is MD5).
func signTypeName(signType string) string {
	if signType == "" {
		return SignTypeMD5
	}
	return signType
}

func newV2Hash(key, signType string) (hash.Hash, error) {
	if err := CheckAPIv2Key(key); err != nil {
		return nil, err
	}
	switch signType {
	case "", SignTypeMD5:
		return md5.New(), nil
	case SignTypeHMACSHA256:
		return hmac.New(sha256.New, []byte(key)), nil
	}
	return nil, fmt.Errorf("%w: APIv2 sign_type %q (want %s or %s)", ErrUnknownAlgorithm, clip(signType), SignTypeMD5, SignTypeHMACSHA256)
}

// writeV2String writes the APIv2 signing string of fields, ending in
// "&key=" + key (or just "key=" + key when no field is signed), to h in one
// Write.
func writeV2String(h hash.Hash, fields map[string]string, key string) error {
	names := make([]string, 0, len(fields))
	n := len("key=") + len(key)
	for name, value := range fields {
		if name == "" || strings.ContainsAny(name, "=&") {
			return fmt.Errorf("signer: APIv2 field name %q is empty or holds '=' or '&'", clip(name))
		}
		if name != FieldSign && value != "" {
			names = append(names, name)
			n += len(name) + len(value) + 2
		}
	}
	slices.Sort(names)
	buf := make([]byte, 0, n)
	for _, name := range names {
		buf = append(buf, name...)
		buf = append(buf, '=')
		buf = append(buf, fields[name]...)
		buf = append(buf, '&')
	}
	buf = append(buf, "key="...)
	buf = append(buf, key...)
	h.Write(buf)
	return nil
}

// SignJSAPIV2 returns the signed parameters for an APIv2 JSAPI or mini
// program payment (the prepay_id came from APIv2 pay/unifiedorder): appId,
// timeStamp (Unix seconds), nonceStr (32 characters), package
// "prepay_id=<prepayID>" and signType (signType, "" meaning MD5), with
// paySign = SignV2 over exactly those five fields under their front-end
// names, keyed with the APIv2 key.
func SignJSAPIV2(appID, prepayID, apiv2Key, signType string, opts ...PayOption) (*JSAPIParams, error) {
	if err := checkPrepayID("SignJSAPIV2", prepayID); err != nil {
		return nil, err
	}
	if _, err := newV2Hash(apiv2Key, signType); err != nil {
		return nil, fmt.Errorf("signer: SignJSAPIV2: %w", err)
	}
	ts, nonce, err := payStamp("SignJSAPIV2", opts, [2]string{"appID", appID}, [2]string{"prepayID", prepayID})
	if err != nil {
		return nil, err
	}
	p := &JSAPIParams{AppID: appID, TimeStamp: ts, NonceStr: nonce, Package: "prepay_id=" + prepayID, SignType: signTypeName(signType)}
	p.PaySign, err = SignV2(map[string]string{
		"appId": p.AppID, "timeStamp": p.TimeStamp, "nonceStr": p.NonceStr, "package": p.Package, "signType": p.SignType,
	}, apiv2Key, signType)
	if err != nil {
		return nil, fmt.Errorf("signer: SignJSAPIV2: %w", err)
	}
	return p, nil
}
