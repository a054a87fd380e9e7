package signer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
)

// TestVerifyDuplicatedSignatureType: a Wechatpay-Signature-Type sent twice
// is refused with a message that says so, not "is X, want X" (issue 16
// point 6).
func TestVerifyDuplicatedSignatureType(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := []byte(`{"a":1}`)
	h := f.signed(t, body)
	h.Add(signer.HeaderSignatureType, signer.Scheme)
	err := f.verifier.Verify(h, body)
	if !errors.Is(err, signer.ErrBadSignature) {
		t.Fatalf("Verify = %v, want ErrBadSignature", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "Wechatpay-Signature-Type sent 2 times, want once") {
		t.Errorf("message %q does not say the header is duplicated", msg)
	}
	if strings.Contains(msg, "want "+`"`+signer.Scheme) {
		t.Errorf("message %q reads as if the value were wrong", msg)
	}
}
