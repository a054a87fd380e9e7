package chain

import (
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/chainpay-go/wechatpay/signer"
)

// checkPlatformKey refuses a WeChat Pay public key that could not sign
// honestly or would let anyone forge a signature: a nil modulus, fewer than
// signer.MinRSABits bits, or an exponent that is not odd and at least 3
// (with E=1 a "signature" is the padded hash itself).
func checkPlatformKey(k *rsa.PublicKey) error {
	switch {
	case k.N == nil || k.N.Sign() <= 0:
		return errors.New("the RSA modulus is missing")
	case k.N.BitLen() < signer.MinRSABits:
		return fmt.Errorf("%w (got %d bits)", signer.ErrKeyTooSmall, k.N.BitLen())
	case k.E < 3 || k.E%2 == 0:
		return fmt.Errorf("the RSA public exponent %d is not an odd number of at least 3", k.E)
	}
	return nil
}

// validMchID reports whether a merchant ID holds only printable ASCII that
// may go into the Authorization header: no control, space, full-width or
// other non-ASCII character, and none of `",=`.
func validMchID(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b <= ' ' || b >= 0x7f, b == '"', b == ',', b == '=':
			return false
		}
	}
	return true
}
