package signer

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// JSAPIParams are the values a JSAPI (WeixinJSBridge getBrandWCPayRequest) or mini
// program (wx.requestPayment) front end needs; marshal to JSON and hand them over.
type JSAPIParams struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"`
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"`
	SignType  string `json:"signType"`
	PaySign   string `json:"paySign"`
}

// APPParams are the values an APP front end (OpenSDK PayReq) needs.
type APPParams struct {
	AppID     string `json:"appid"`
	PartnerID string `json:"partnerid"`
	PrepayID  string `json:"prepayid"`
	Package   string `json:"package"`
	NonceStr  string `json:"noncestr"`
	TimeStamp string `json:"timestamp"`
	Sign      string `json:"sign"`
}

// PayOption adjusts SignJSAPI and SignAPP (for tests).
type PayOption func(*payOptions)

type payOptions struct {
	now  func() time.Time
	rand io.Reader
}

// WithNow sets the clock used for timeStamp.
func WithNow(now func() time.Time) PayOption { return func(o *payOptions) { o.now = now } }

// WithRand sets the nonce source (default crypto/rand).
func WithRand(r io.Reader) PayOption { return func(o *payOptions) { o.rand = r } }

func payPrepare(fn string, opts []PayOption, s Signer, fields ...[2]string) (ts, nonce string, err error) {
	if s == nil {
		return "", "", fmt.Errorf("signer: %s: Signer is nil", fn)
	}
	return payStamp(fn, opts, fields...)
}

// payStamp checks that fields (name, value) are non-empty single lines and
// returns the timestamp and a fresh nonce.
func payStamp(fn string, opts []PayOption, fields ...[2]string) (ts, nonce string, err error) {
	for _, f := range fields {
		if f[1] == "" {
			return "", "", fmt.Errorf("signer: %s: %s is empty", fn, f[0])
		}
		if strings.ContainsAny(f[1], "\n\r") {
			return "", "", fmt.Errorf("signer: %s: %s contains a line break", fn, f[0])
		}
	}
	o := payOptions{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now == nil {
		o.now = time.Now
	}
	nonce, err = newNonce(o.rand)
	if err != nil {
		return "", "", err
	}
	return strconv.FormatInt(o.now().Unix(), 10), nonce, nil
}

func checkPrepayID(fn, prepayID string) error {
	if strings.HasPrefix(prepayID, "prepay_id=") {
		return fmt.Errorf("signer: %s: pass the bare prepay_id (%q), not the package string", fn, strings.TrimPrefix(prepayID, "prepay_id="))
	}
	return nil
}

// SignJSAPI returns the signed parameters for a JSAPI or mini program payment: the
// message "appId\ntimeStamp\nnonceStr\npackage\n" with package "prepay_id=<prepayID>",
// signed RSA-SHA256 with the merchant key; signType is "RSA". appID is the AppID the
// order was placed with.
func SignJSAPI(ctx context.Context, s Signer, appID, prepayID string, opts ...PayOption) (*JSAPIParams, error) {
	if err := checkPrepayID("SignJSAPI", prepayID); err != nil {
		return nil, err
	}
	ts, nonce, err := payPrepare("SignJSAPI", opts, s, [2]string{"appID", appID}, [2]string{"prepayID", prepayID})
	if err != nil {
		return nil, err
	}
	p := &JSAPIParams{AppID: appID, TimeStamp: ts, NonceStr: nonce, Package: "prepay_id=" + prepayID, SignType: "RSA"}
	p.PaySign, err = s.Sign(ctx, []byte(p.AppID+"\n"+p.TimeStamp+"\n"+p.NonceStr+"\n"+p.Package+"\n"))
	if err != nil {
		return nil, fmt.Errorf("signer: SignJSAPI: %w", err)
	}
	return p, nil
}

// SignAPP returns the signed parameters for an APP payment: the message
// "appid\ntimestamp\nnoncestr\nprepayid\n" signed RSA-SHA256 with the merchant key;
// partnerid is mchID and package is "Sign=WXPay".
func SignAPP(ctx context.Context, s Signer, appID, mchID, prepayID string, opts ...PayOption) (*APPParams, error) {
	if err := checkPrepayID("SignAPP", prepayID); err != nil {
		return nil, err
	}
	ts, nonce, err := payPrepare("SignAPP", opts, s, [2]string{"appID", appID}, [2]string{"mchID", mchID}, [2]string{"prepayID", prepayID})
	if err != nil {
		return nil, err
	}
	p := &APPParams{AppID: appID, PartnerID: mchID, PrepayID: prepayID, Package: "Sign=WXPay", NonceStr: nonce, TimeStamp: ts}
	p.Sign, err = s.Sign(ctx, []byte(p.AppID+"\n"+p.TimeStamp+"\n"+p.NonceStr+"\n"+p.PrepayID+"\n"))
	if err != nil {
		return nil, fmt.Errorf("signer: SignAPP: %w", err)
	}
	return p, nil
}
