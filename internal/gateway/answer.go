package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
)

// SignHeaders signs an answer's body as the gateway does: it returns
// Wechatpay-Timestamp (now), a fresh Wechatpay-Nonce, Wechatpay-Signature
// (s over the verification message), Wechatpay-Serial (serial) and
// Wechatpay-Signature-Type.
func SignHeaders(ctx context.Context, s signer.Signer, serial string, body []byte, now time.Time) (http.Header, error) {
	if s == nil {
		return nil, errors.New("gateway: SignHeaders: Signer is nil")
	}
	if serial == "" {
		return nil, errors.New("gateway: SignHeaders: serial is empty")
	}
	nonce, err := signer.NewNonce()
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	sig, err := s.Sign(ctx, signer.BuildVerifyMessage(ts, nonce, body))
	if err != nil {
		return nil, fmt.Errorf("gateway: SignHeaders: %w", err)
	}
	h := make(http.Header, 5)
	h.Set(signer.HeaderTimestamp, ts)
	h.Set(signer.HeaderNonce, nonce)
	h.Set(signer.HeaderSignature, sig)
	h.Set(signer.HeaderSerial, serial)
	h.Set(signer.HeaderSignatureType, signer.Scheme)
	return h, nil
}
