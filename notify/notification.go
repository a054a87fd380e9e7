package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/signer"
)

// AlgorithmAESGCM is the only resource encryption algorithm WeChat Pay
// APIv3 uses.
const AlgorithmAESGCM = "AEAD_AES_256_GCM"

// Notification is a verified, decrypted callback.
type Notification struct {
	// ID identifies the notification; every delivery of the same
	// notification carries the same ID (use it for idempotency).
	ID string
	// EventType is e.g. "TRANSACTION.SUCCESS" or "REFUND.SUCCESS".
	EventType string
	// CreateTime is create_time parsed as RFC 3339; zero when absent or not
	// RFC 3339 (CreateTimeRaw then holds the text).
	CreateTime time.Time
	// CreateTimeRaw is create_time exactly as sent.
	CreateTimeRaw string
	// ResourceType is e.g. "encrypt-resource".
	ResourceType string
	// Summary is WeChat Pay's human-readable summary, e.g. "支付成功".
	Summary string
	// OriginalType is resource.original_type, e.g. "transaction".
	OriginalType string
	// AssociatedData is resource.associated_data (the AEAD additional data).
	AssociatedData string
	// Plaintext is the decrypted resource, usually JSON.
	Plaintext []byte
	// Body is the raw request body, exactly as received and verified.
	Body []byte
	// Serial is the Wechatpay-Serial of the key that verified the
	// notification (empty for DecryptUnverified).
	Serial string
	// Verified reports whether the signature was verified (false only from
	// DecryptUnverified).
	Verified bool
}

// Get returns the value at a gjson path in Plaintext, e.g.
// n.Get("amount.total").Int() or n.Get("out_trade_no").String().
func (n *Notification) Get(path string) gjson.Result {
	return gjson.GetBytes(n.Plaintext, path)
}

type envelope struct {
	ID           *string   `json:"id"`
	CreateTime   string    `json:"create_time"`
	EventType    *string   `json:"event_type"`
	ResourceType string    `json:"resource_type"`
	Summary      string    `json:"summary"`
	Resource     *resource `json:"resource"`
}

type resource struct {
	OriginalType   string  `json:"original_type"`
	Algorithm      *string `json:"algorithm"`
	Ciphertext     *string `json:"ciphertext"`
	AssociatedData string  `json:"associated_data"`
	Nonce          *string `json:"nonce"`
}

// decode parses the envelope and decrypts the resource.
func decode(apiv3Key string, body []byte) (*Notification, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: body is not a JSON object", ErrMalformed)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	switch {
	case env.ID == nil || *env.ID == "":
		return nil, fmt.Errorf("%w: missing id", ErrMalformed)
	case env.EventType == nil || *env.EventType == "":
		return nil, fmt.Errorf("%w: missing event_type", ErrMalformed)
	case env.Resource == nil:
		return nil, fmt.Errorf("%w: missing resource", ErrMalformed)
	}
	res := env.Resource
	switch {
	case res.Algorithm == nil || *res.Algorithm == "":
		return nil, fmt.Errorf("%w: missing resource.algorithm", ErrMalformed)
	case *res.Algorithm != AlgorithmAESGCM:
		return nil, fmt.Errorf("notify: %w: resource.algorithm %q (want %s)", signer.ErrUnknownAlgorithm, truncate(*res.Algorithm, 64), AlgorithmAESGCM)
	case res.Ciphertext == nil || *res.Ciphertext == "":
		return nil, fmt.Errorf("%w: missing resource.ciphertext", ErrMalformed)
	case res.Nonce == nil || *res.Nonce == "":
		return nil, fmt.Errorf("%w: missing resource.nonce", ErrMalformed)
	}
	plain, err := signer.DecryptAESGCM(apiv3Key, *res.Nonce, res.AssociatedData, *res.Ciphertext)
	if err != nil {
		if errors.Is(err, signer.ErrAPIv3Key) {
			return nil, fmt.Errorf("notify: decrypting resource of notification %s: %w", *env.ID, err)
		}
		// Bad base64, a nonce of the wrong length, a ciphertext shorter than
		// the tag: the envelope is malformed.
		return nil, fmt.Errorf("%w: resource: %w", ErrMalformed, err)
	}
	n := &Notification{
		ID:             *env.ID,
		EventType:      *env.EventType,
		CreateTimeRaw:  env.CreateTime,
		ResourceType:   env.ResourceType,
		Summary:        env.Summary,
		OriginalType:   res.OriginalType,
		AssociatedData: res.AssociatedData,
		Plaintext:      plain,
		Body:           body,
	}
	if t, err := time.Parse(time.RFC3339, env.CreateTime); err == nil {
		n.CreateTime = t
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
