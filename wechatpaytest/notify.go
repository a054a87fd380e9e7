package wechatpaytest

import (
	"bytes"
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
)

// NotificationOption changes how NewNotification builds a notification,
// mostly to make deliberately broken ones for handler tests.
type NotificationOption func(*notifyOptions)

type notifyOptions struct {
	id, summary, associatedData, originalType string
	adSet                                     bool
	tamper, stale, probe, unknownSerial       bool
	unsigned                                  bool
	wrongKey                                  bool
	now                                       time.Time
}

// NotifyID sets the notification id (default: a new UUID-shaped id).
func NotifyID(id string) NotificationOption { return func(o *notifyOptions) { o.id = id } }

// NotifySummary sets the summary (default from the event type, e.g. "支付成功").
func NotifySummary(summary string) NotificationOption {
	return func(o *notifyOptions) { o.summary = summary }
}

// NotifyAssociatedData sets the resource's associated_data (default: the
// original type, e.g. "transaction"; "" is allowed and means none).
func NotifyAssociatedData(ad string) NotificationOption {
	return func(o *notifyOptions) { o.associatedData, o.adSet = ad, true }
}

// NotifyOriginalType sets resource.original_type (default from the event
// type: "transaction", "refund", "payscore", …).
func NotifyOriginalType(t string) NotificationOption {
	return func(o *notifyOptions) { o.originalType = t }
}

// NotifyTime sets the time the notification is stamped and signed with
// (default: the server clock).
func NotifyTime(t time.Time) NotificationOption { return func(o *notifyOptions) { o.now = t } }

// NotifyTampered changes the body after signing.
func NotifyTampered() NotificationOption { return func(o *notifyOptions) { o.tamper = true } }

// NotifyStale signs with a timestamp ten minutes before the server clock.
func NotifyStale() NotificationOption { return func(o *notifyOptions) { o.stale = true } }

// NotifyProbe sends a WECHATPAY/SIGNTEST/ probe signature.
func NotifyProbe() NotificationOption { return func(o *notifyOptions) { o.probe = true } }

// NotifyUnknownSerial names a key nobody knows in Wechatpay-Serial.
func NotifyUnknownSerial() NotificationOption {
	return func(o *notifyOptions) { o.unknownSerial = true }
}

// NotifyUnsigned sends no Wechatpay-* headers.
func NotifyUnsigned() NotificationOption { return func(o *notifyOptions) { o.unsigned = true } }

// NotifyWrongAPIv3Key encrypts the resource with a different APIv3 key (the
// signature is valid; decryption fails).
func NotifyWrongAPIv3Key() NotificationOption { return func(o *notifyOptions) { o.wrongKey = true } }

type notificationBody struct {
	ID           string               `json:"id"`
	CreateTime   string               `json:"create_time"`
	ResourceType string               `json:"resource_type"`
	EventType    string               `json:"event_type"`
	Summary      string               `json:"summary"`
	Resource     notificationResource `json:"resource"`
}

type notificationResource struct {
	OriginalType   string `json:"original_type"`
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data"`
	Nonce          string `json:"nonce"`
}

// NewNotification builds the POST WeChat Pay would send to url for an event
// (e.g. "TRANSACTION.SUCCESS"): plaintext (the resource's JSON) is encrypted
// with the APIv3 key (AEAD_AES_256_GCM, a random 12-character nonce,
// associated_data = the original type), wrapped in
// {id, create_time, event_type, resource_type:"encrypt-resource", summary,
// resource{original_type, algorithm, ciphertext, associated_data, nonce}},
// and signed with the current platform key (Wechatpay-* headers). Options
// make broken notifications. The request is not sent; its Body can be read
// once (GetBody gives it again). EventNotification makes the resource from
// the server's state; NewTestNotification needs no server.
func (s *Server) NewNotification(url, eventType string, plaintext []byte, opts ...NotificationOption) (*http.Request, error) {
	e := s.signingEntry()
	return buildNotification(NotificationPayload{
		URL: url, EventType: eventType, Resource: plaintext, APIv3Key: s.APIv3Key,
		PlatformKey: e.key, PlatformSerial: e.serial, Time: s.now(),
	}, e.signer, s.unknownSerial, opts)
}

// NotificationPayload is what NewTestNotification builds a notification
// from, as stripe-go's webhook.UnsignedPayload is for its test payloads.
type NotificationPayload struct {
	// URL is where the request goes (default "http://127.0.0.1/notify").
	URL string
	// EventType is the event, e.g. "TRANSACTION.SUCCESS" (required).
	EventType string
	// Resource is the plaintext resource JSON (default: the event's
	// ExampleResource with variant "").
	Resource []byte
	// APIv3Key encrypts the resource (required, 32 bytes).
	APIv3Key string
	// PlatformKey signs the notification (required).
	PlatformKey *rsa.PrivateKey
	// PlatformSerial names PlatformKey in Wechatpay-Serial: a
	// PUB_KEY_ID_… or a platform certificate serial (required).
	PlatformSerial string
	// Time stamps and signs the notification (default time.Now()).
	Time time.Time
}

// NewTestNotification builds a signed, encrypted notification request from
// p without a running server, for a webhook handler's unit test (like
// stripe-go's webhook.GenerateTestSignedPayload): configure the handler
// with p.PlatformKey's public key under p.PlatformSerial and p.APIv3Key,
// and serve it the request with httptest.NewRecorder. Options make broken
// notifications, as with NewNotification. Every missing field of p is
// named in one error.
func NewTestNotification(p NotificationPayload, opts ...NotificationOption) (*http.Request, error) {
	var problems []string
	if p.EventType == "" {
		problems = append(problems, "EventType is empty")
	}
	if len(p.APIv3Key) != 32 {
		problems = append(problems, fmt.Sprintf("APIv3Key must be 32 bytes, got %d", len(p.APIv3Key)))
	}
	if p.PlatformKey == nil {
		problems = append(problems, "PlatformKey is nil")
	}
	if p.PlatformSerial == "" {
		problems = append(problems, "PlatformSerial is empty")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("wechatpaytest: NewTestNotification: %s", strings.Join(problems, "; "))
	}
	if p.URL == "" {
		p.URL = "http://127.0.0.1/notify"
	}
	if p.Resource == nil {
		res, err := ExampleResource(p.EventType, "")
		if err != nil {
			return nil, err
		}
		p.Resource = res
	}
	if p.Time.IsZero() {
		p.Time = time.Now()
	}
	sg, err := signer.NewRSASigner(p.PlatformKey)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: NewTestNotification: %w", err)
	}
	unknown := func() string { return "PUB_KEY_ID_0" + randomString(27, digits) }
	if !strings.HasPrefix(p.PlatformSerial, "PUB_KEY_ID_") {
		unknown = func() string { return randomString(40, hexUp) }
	}
	return buildNotification(p, sg, unknown, opts)
}

// buildNotification makes the request of p, signed by sg; unknownSerial
// makes a serial nobody knows, for NotifyUnknownSerial.
func buildNotification(p NotificationPayload, sg signer.Signer, unknownSerial func() string, opts []NotificationOption) (*http.Request, error) {
	if p.EventType == "" {
		return nil, fmt.Errorf("wechatpaytest: notification: event type is empty")
	}
	o := notifyOptions{now: p.Time}
	o.originalType, o.summary = eventDefaults(p.EventType)
	for _, opt := range opts {
		opt(&o)
	}
	if o.id == "" {
		u := randomString(32, "0123456789abcdef")
		o.id = u[:8] + "-" + u[8:12] + "-" + u[12:16] + "-" + u[16:20] + "-" + u[20:]
	}
	if !o.adSet {
		o.associatedData = o.originalType
	}
	key := p.APIv3Key
	if o.wrongKey {
		key = randomString(32, alnum)
	}
	nonce := randomString(12, alnum)
	ct, err := encryptAESGCM(key, nonce, o.associatedData, p.Resource)
	if err != nil {
		return nil, err
	}
	// Members in the order WeChat Pay writes them.
	body, err := encodeBody(notificationBody{
		ID:           o.id,
		CreateTime:   rfc3339CN(o.now),
		ResourceType: "encrypt-resource",
		EventType:    p.EventType,
		Summary:      o.summary,
		Resource: notificationResource{
			OriginalType:   o.originalType,
			Algorithm:      "AEAD_AES_256_GCM",
			Ciphertext:     ct,
			AssociatedData: o.associatedData,
			Nonce:          nonce,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: notification: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Mozilla/4.0")
	if !o.unsigned {
		ts := o.now
		if o.stale {
			ts = ts.Add(-2 * window)
		}
		serial := p.PlatformSerial
		if o.unknownSerial {
			serial = unknownSerial()
		}
		sh, err := gateway.SignHeaders(context.Background(), sg, serial, body, ts)
		if err != nil {
			return nil, fmt.Errorf("wechatpaytest: notification: %w", err)
		}
		for k, v := range sh {
			h[k] = v
		}
		if o.probe {
			h.Set(signer.HeaderSignature, probeSignature())
		}
	}
	if o.tamper {
		body = tamper(body)
	}
	req, err := http.NewRequest(http.MethodPost, p.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: notification: %w", err)
	}
	req.Header = h
	return req, nil
}

// SendNotification builds a notification with NewNotification and POSTs it
// with ctx, returning the handler's answer (the caller closes its Body).
func (s *Server) SendNotification(ctx context.Context, url, eventType string, plaintext []byte, opts ...NotificationOption) (*http.Response, error) {
	req, err := s.NewNotification(url, eventType, plaintext, opts...)
	if err != nil {
		return nil, err
	}
	return send(ctx, req)
}

// send POSTs a notification with ctx.
func send(ctx context.Context, req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: send notification: %w", err)
	}
	return resp, nil
}

// encryptAESGCM wraps gateway.EncryptAESGCM with the package's error prefix.
func encryptAESGCM(key, nonce, ad string, plaintext []byte) (string, error) {
	ct, err := gateway.EncryptAESGCM(key, nonce, ad, plaintext)
	if err != nil {
		return "", fmt.Errorf("wechatpaytest: encrypt: %w", err)
	}
	return ct, nil
}
