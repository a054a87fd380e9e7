package signer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp"
)

func TestSignJSAPI(t *testing.T) {
	t.Parallel()
	f := setup(t)
	p, err := signer.SignJSAPI(f.ctx, f.merchant, "wx8888888888888888", "wx201410272009395522657a690389285100",
		signer.WithNow(fixedClock(1414561699)), signer.WithRand(bytes.NewReader(make([]byte, 64))))
	if err != nil {
		t.Fatal(err)
	}
	nonce := strings.Repeat("0", 32)
	msg := "wx8888888888888888\n1414561699\n" + nonce + "\nprepay_id=wx201410272009395522657a690389285100\n"
	want := &signer.JSAPIParams{AppID: "wx8888888888888888", TimeStamp: "1414561699", NonceStr: nonce,
		Package: "prepay_id=wx201410272009395522657a690389285100", SignType: "RSA", PaySign: signPKCS1(t, merchantKey, []byte(msg))}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("SignJSAPI (-want +got):\n%s", diff)
	}
	j, _ := json.Marshal(p)
	for _, k := range []string{`"appId"`, `"timeStamp"`, `"nonceStr"`, `"package"`, `"signType":"RSA"`, `"paySign"`} {
		if !bytes.Contains(j, []byte(k)) {
			t.Errorf("JSON %s lacks %s", j, k)
		}
	}
}

func TestSignAPP(t *testing.T) {
	t.Parallel()
	f := setup(t)
	p, err := signer.SignAPP(f.ctx, f.merchant, "wxd678efh567hg6787", "1900000109", "WX1217752501201407033233368018",
		signer.WithNow(fixedClock(1554208460)), signer.WithRand(bytes.NewReader(make([]byte, 64))))
	if err != nil {
		t.Fatal(err)
	}
	nonce := strings.Repeat("0", 32)
	msg := "wxd678efh567hg6787\n1554208460\n" + nonce + "\nWX1217752501201407033233368018\n"
	want := &signer.APPParams{AppID: "wxd678efh567hg6787", PartnerID: "1900000109", PrepayID: "WX1217752501201407033233368018",
		Package: "Sign=WXPay", NonceStr: nonce, TimeStamp: "1554208460", Sign: signPKCS1(t, merchantKey, []byte(msg))}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("SignAPP (-want +got):\n%s", diff)
	}
	j, _ := json.Marshal(p)
	for _, k := range []string{`"appid"`, `"partnerid"`, `"prepayid"`, `"package":"Sign=WXPay"`, `"noncestr"`, `"timestamp"`, `"sign"`} {
		if !bytes.Contains(j, []byte(k)) {
			t.Errorf("JSON %s lacks %s", j, k)
		}
	}
}

func TestPaySignRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	boom := errors.New("hsm down")
	failing := signerFunc(func(context.Context, []byte) (string, error) { return "", boom })
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"JSAPI nil signer", func() error { _, err := signer.SignJSAPI(f.ctx, nil, "wx1", "p"); return err }, "Signer is nil"},
		{"JSAPI no appID", func() error { _, err := signer.SignJSAPI(f.ctx, f.merchant, "", "p"); return err }, "appID is empty"},
		{"JSAPI no prepayID", func() error { _, err := signer.SignJSAPI(f.ctx, f.merchant, "wx1", ""); return err }, "prepayID is empty"},
		{"JSAPI package given", func() error { _, err := signer.SignJSAPI(f.ctx, f.merchant, "wx1", "prepay_id=wx2"); return err }, `bare prepay_id ("wx2")`},
		{"JSAPI newline", func() error { _, err := signer.SignJSAPI(f.ctx, f.merchant, "wx1\nx", "p"); return err }, "line break"},
		{"JSAPI signer error", func() error { _, err := signer.SignJSAPI(f.ctx, failing, "wx1", "p"); return err }, "hsm down"},
		{"APP no mchID", func() error { _, err := signer.SignAPP(f.ctx, f.merchant, "wx1", "", "p"); return err }, "mchID is empty"},
		{"APP signer error", func() error { _, err := signer.SignAPP(f.ctx, failing, "wx1", "1", "p"); return err }, "hsm down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.run()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
