package signer

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// PublicKeyIDPrefix starts the serial of a WeChat Pay public key (public-key mode), e.g.
// PUB_KEY_ID_0114232134912410000000000000.
const PublicKeyIDPrefix = "PUB_KEY_ID_"

// maxHexSerial is the longest hex serial accepted: RFC 5280 allows 20 octets (40 hex
// digits); WeChat Pay serials are exactly 40. A little slack is kept for odd CAs.
const maxHexSerial = 64

// SerialOf returns cert's serial number as WeChat Pay prints it: upper-case hex of the
// serial's octets as the certificate encodes them, so leading zero digits are kept
// ("0A1B…" stays 40 characters, unlike big.Int.Text(16) which would give 39). Only the
// DER sign octet (a 0x00 in front of a byte with its high bit set) is dropped, because
// it is not part of the number's octets as printed by openssl and WeChat Pay.
func SerialOf(cert *x509.Certificate) string {
	if cert == nil {
		return ""
	}
	if raw, ok := rawSerial(cert.RawTBSCertificate); ok {
		if len(raw) > 1 && raw[0] == 0 && raw[1]&0x80 != 0 {
			raw = raw[1:]
		}
		return strings.ToUpper(hex.EncodeToString(raw))
	}
	if cert.SerialNumber == nil {
		return ""
	}
	return fmt.Sprintf("%X", cert.SerialNumber.Bytes())
}

// rawSerial extracts the content octets of serialNumber from a DER TBSCertificate.
func rawSerial(tbs []byte) ([]byte, bool) {
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(tbs, &seq); err != nil || seq.Tag != asn1.TagSequence {
		return nil, false
	}
	rest := seq.Bytes
	for range 2 { // optional [0] version, then the INTEGER serial
		var v asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &v)
		if err != nil {
			return nil, false
		}
		if v.Class == asn1.ClassContextSpecific && v.Tag == 0 {
			continue
		}
		if v.Class == asn1.ClassUniversal && v.Tag == asn1.TagInteger && len(v.Bytes) > 0 {
			return v.Bytes, true
		}
		return nil, false
	}
	return nil, false
}

// NormalizeSerial checks and normalises a serial number from configuration: it trims
// spaces and upper-cases hex. A PUB_KEY_ID_… serial (public-key mode, prefix in any
// case) is returned trimmed and upper-cased, the form KeyStore uses. A decimal-looking serial (only digits and longer than any plausible hex
// serial, i.e. more than 40 digits, as printed by tools that show serials in decimal)
// is refused with ErrDecimalSerial and the message gives the hex form. Empty, non-hex
// or over-long serials are refused with ErrInvalidSerial.
func NormalizeSerial(serial string) (string, error) {
	s := strings.TrimSpace(serial)
	if s == "" {
		return "", fmt.Errorf("%w: serial is empty", ErrInvalidSerial)
	}
	if len(s) >= len(PublicKeyIDPrefix) && strings.EqualFold(s[:len(PublicKeyIDPrefix)], PublicKeyIDPrefix) {
		id := s[len(PublicKeyIDPrefix):]
		if id == "" || !isAlnum(id) {
			return "", fmt.Errorf("%w: %q: want %s followed by letters and digits", ErrInvalidSerial, s, PublicKeyIDPrefix)
		}
		return strings.ToUpper(s), nil
	}
	if allDigits(s) && len(s) > 40 {
		n, ok := new(big.Int).SetString(s, 10)
		if ok {
			return "", fmt.Errorf("%w: %q has %d digits; its hex form is %X", ErrDecimalSerial, s, len(s), n.Bytes())
		}
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return "", fmt.Errorf("%w: %q: drop the 0x prefix, WeChat Pay serials are bare hex", ErrInvalidSerial, s)
	}
	for i, r := range s {
		if !isHex(r) {
			hint := ""
			if r == ':' {
				hint = " (remove the colons: openssl's text form separates octets with ':')"
			}
			return "", fmt.Errorf("%w: %q: character %q at %d is not a hex digit%s", ErrInvalidSerial, s, r, i, hint)
		}
	}
	if len(s) > maxHexSerial {
		return "", fmt.Errorf("%w: %q is %d hex digits long; certificate serials have at most 40", ErrInvalidSerial, s, len(s))
	}
	return strings.ToUpper(s), nil
}

// CheckMerchantSerial refuses a merchant certificate serial that appears among the
// verification (platform) keys, the most common configuration mistake: the merchant
// serial goes into the Authorization header, platform serials identify WeChat Pay's
// keys. The comparison ignores case and surrounding space. It returns an error wrapping
// ErrSerialIsPlatformKey, or nil.
func CheckMerchantSerial(serial string, verifyKeys map[string]*rsa.PublicKey) error {
	want := strings.ToUpper(strings.TrimSpace(serial))
	if want == "" {
		return nil
	}
	for k := range verifyKeys {
		if strings.ToUpper(strings.TrimSpace(k)) == want {
			return fmt.Errorf("%w: %q is configured both as the merchant certificate serial and as a WeChat Pay verification key; the merchant serial is the serial of your apiclient_cert.pem, platform keys are WeChat Pay's", ErrSerialIsPlatformKey, want)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func isHex(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return false
		}
	}
	return true
}
