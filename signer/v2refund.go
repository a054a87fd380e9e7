package signer

import (
	"bytes"
	"crypto/aes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrAPIv2Key means an APIv2 req_info did not decrypt: its PKCS#7 padding is
// wrong, so either the APIv2 key is wrong or the data does not come from
// WeChat Pay (AES-ECB has no authentication tag; the padding is the only
// check).
var ErrAPIv2Key = errors.New("signer: req_info does not decrypt: the APIv2 key is probably wrong, or the data is not from WeChat Pay")

// reqInfoKey is the AES-256 key of APIv2 req_info: the 32 lower-case hex
// characters of MD5(APIv2 key), used as bytes.
func reqInfoKey(apiv2Key string) ([]byte, error) {
	if err := CheckAPIv2Key(apiv2Key); err != nil {
		return nil, err
	}
	sum := md5.Sum([]byte(apiv2Key))
	return []byte(hex.EncodeToString(sum[:])), nil
}

// DecryptReqInfo decrypts the req_info of an APIv2 refund callback:
// base64-decode, then AES-256-ECB with the key the 32 lower-case hex
// characters of MD5(apiv2Key), then strip the PKCS#7 padding. The result is
// an XML document (<root>…</root>).
//
// Input that is not base64 or not whole 16-byte blocks gives a plain error
// (a malformed callback); wrong padding wraps ErrAPIv2Key; a key that is not
// 32 characters wraps ErrAPIv2KeyLength. Errors never hold the key or
// plaintext.
func DecryptReqInfo(apiv2Key, reqInfoB64 string) ([]byte, error) {
	key, err := reqInfoKey(apiv2Key)
	if err != nil {
		return nil, err
	}
	ct, err := base64.StdEncoding.DecodeString(reqInfoB64)
	if err != nil {
		return nil, fmt.Errorf("signer: req_info is not base64: %w", err)
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("signer: req_info is %d bytes, not a positive multiple of the %d-byte AES block", len(ct), aes.BlockSize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("signer: req_info: %w", err)
	}
	pt := make([]byte, len(ct))
	for i := 0; i < len(ct); i += aes.BlockSize {
		block.Decrypt(pt[i:i+aes.BlockSize], ct[i:i+aes.BlockSize])
	}
	n := int(pt[len(pt)-1])
	if n == 0 || n > aes.BlockSize || !bytes.Equal(pt[len(pt)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, ErrAPIv2Key
	}
	return pt[:len(pt)-n], nil
}

// EncryptReqInfo is the inverse of DecryptReqInfo (for the simulator and
// tests): PKCS#7 padding, AES-256-ECB under the lower-case hex MD5 of
// apiv2Key, base64.
func EncryptReqInfo(apiv2Key string, plaintext []byte) (string, error) {
	key, err := reqInfoKey(apiv2Key)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("signer: req_info: %w", err)
	}
	n := aes.BlockSize - len(plaintext)%aes.BlockSize
	buf := append(bytes.Clone(plaintext), bytes.Repeat([]byte{byte(n)}, n)...)
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}
