package signer

import "errors"

// Verification failures. A *SignatureError wraps exactly one of these; test with errors.Is.
var (
	// ErrMissingHeader means one or more Wechatpay-* headers needed for verification are absent.
	ErrMissingHeader = errors.New("signer: missing signature header")
	// ErrTimestampSkew means Wechatpay-Timestamp is not Unix seconds within the verification window.
	ErrTimestampSkew = errors.New("signer: timestamp outside the allowed window")
	// ErrUnknownSerial means Wechatpay-Serial names a key the KeyStore does not hold.
	ErrUnknownSerial = errors.New("signer: unknown serial")
	// ErrProbeSignature means the signature is WeChat Pay's WECHATPAY/SIGNTEST/ probe,
	// sent to check that the merchant really verifies signatures. It must be rejected.
	ErrProbeSignature = errors.New("signer: signature is WeChat Pay's WECHATPAY/SIGNTEST/ probe")
	// ErrBadSignature means the RSA-SHA256 signature does not verify (or is not base64,
	// or the signature type is not WECHATPAY2-SHA256-RSA2048).
	ErrBadSignature = errors.New("signer: bad signature")
)

// Key and configuration errors.
var (
	// ErrNotRSA means a key or certificate holds a non-RSA key (EC, Ed25519, ...).
	ErrNotRSA = errors.New("signer: key is not RSA")
	// ErrKeyTooSmall means an RSA key is shorter than 2048 bits.
	ErrKeyTooSmall = errors.New("signer: RSA key is shorter than 2048 bits")
	// ErrNoKey means no usable key or certificate was found in the given source.
	ErrNoKey = errors.New("signer: no usable key found")
	// ErrDecimalSerial means a serial number was given in decimal where WeChat Pay expects
	// upper-case hex.
	ErrDecimalSerial = errors.New("signer: serial number looks decimal; WeChat Pay expects hex")
	// ErrInvalidSerial means a serial number is empty, too long or contains non-hex characters.
	ErrInvalidSerial = errors.New("signer: invalid serial number")
	// ErrSerialIsPlatformKey means the merchant serial is among the verification (platform)
	// keys: the merchant certificate serial and the platform serial were mixed up.
	ErrSerialIsPlatformKey = errors.New("signer: merchant serial is a platform (verification) key serial")
)

// Crypto helper errors.
var (
	// ErrAPIv3Key means AES-GCM authentication failed; almost always the APIv3 key is wrong.
	ErrAPIv3Key = errors.New("signer: AES-GCM authentication failed: the APIv3 key is probably wrong")
	// ErrAPIv3KeyLength means the APIv3 key is not 32 bytes long.
	ErrAPIv3KeyLength = errors.New("signer: the APIv3 key must be 32 bytes")
	// ErrUnknownAlgorithm means a payload names an encryption algorithm this module does
	// not know (notify resources and certificate payloads must be AEAD_AES_256_GCM), or
	// an APIv2 signature was asked for a sign_type other than MD5 and HMAC-SHA256.
	ErrUnknownAlgorithm = errors.New("signer: unknown encryption algorithm")
)

// clip shortens untrusted text for error messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
