package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// gatewayKey is the "WeChat Pay" key of the tests that do not run the
// simulator (one per test binary, not merchantKey's) and its SPKI public key PEM.
func gatewayKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k := testkeys.RSA(1)
	return k, testkeys.PublicPEM(t, &k.PublicKey)
}

const (
	testPubKeyID = "PUB_KEY_ID_0114232134912410000000000000"
	testAPIv3Key = "0123456789abcdefABCDEF0123456789"
)

// callback makes a signed, encrypted TRANSACTION.SUCCESS notification,
// signed an hour ago (captures are verified later).
func callback(t *testing.T, plaintext string) (http.Header, []byte) {
	t.Helper()
	key, _ := gatewayKey(t)
	ct, err := gateway.EncryptAESGCM(testAPIv3Key, "fdasflkja484", "transaction", []byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(fmt.Sprintf(`{"id":"EV-2018022511223320873","create_time":"2015-05-20T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":%q,"associated_data":"transaction","nonce":"fdasflkja484"}}`, ct))
	sg, err := signer.NewRSASigner(key)
	if err != nil {
		t.Fatal(err)
	}
	h, err := gateway.SignHeaders(context.Background(), sg, testPubKeyID, body, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return h, body
}

func TestNotify(t *testing.T) {
	t.Parallel()
	_, pubPEM := gatewayKey(t)
	const plaintext = `{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}`
	hdr, body := callback(t, plaintext)
	var jsonCapture bytes.Buffer
	if err := writeCaptured(&jsonCapture, hdr, body); err != nil {
		t.Fatal(err)
	}
	var httpCapture strings.Builder
	fmt.Fprintf(&httpCapture, "POST /notify HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	for _, k := range []string{signer.HeaderTimestamp, signer.HeaderNonce, signer.HeaderSignature, signer.HeaderSerial, signer.HeaderSignatureType} {
		fmt.Fprintf(&httpCapture, "%s: %s\r\n", k, hdr.Get(k))
	}
	httpCapture.WriteString("\r\n")
	httpCapture.Write(body)

	tamperedHdr := hdr.Clone()
	tamperedBody := bytes.Replace(body, []byte("支付成功"), []byte("支付失败"), 1)
	var tampered bytes.Buffer
	_ = writeCaptured(&tampered, tamperedHdr, tamperedBody)
	otherSerial := hdr.Clone()
	otherSerial.Set(signer.HeaderSerial, "PUB_KEY_ID_9999")
	var unknown bytes.Buffer
	_ = writeCaptured(&unknown, otherSerial, body)

	h := setup(t)
	jsonFile := writeFile(t, h.dir, "cb.json", jsonCapture.String(), 0o600)
	h.env["WECHATPAY_PUBLIC_KEY_ID"] = testPubKeyID
	h.env["WECHATPAY_PUBLIC_KEY"] = writeFile(t, h.dir, "pub.pem", pubPEM, 0o600)
	h.env["WECHATPAY_APIV3_KEY"] = testAPIv3Key

	tests := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		stdout     string
		stderrPart string
	}{
		{"verify json file", "", []string{"notify", "verify", jsonFile}, exitOK, string(body), "Signature OK  Wechatpay-Serial: " + testPubKeyID},
		{"verify http stdin", httpCapture.String(), []string{"notify", "verify"}, exitOK, string(body), "Signature OK"},
		{"verify dash stdin", jsonCapture.String(), []string{"notify", "verify", "-"}, exitOK, string(body), "Signature OK"},
		{"decrypt", "", []string{"notify", "decrypt", jsonFile}, exitOK, plaintext, "event_type: TRANSACTION.SUCCESS"},
		{"decrypt pretty", "", []string{"notify", "decrypt", jsonFile, "--pretty", "format"}, exitOK, "{\n  \"out_trade_no\": \"1217752501201407033233368018\",\n  \"trade_state\": \"SUCCESS\",\n  \"payer\": { \"openid\": \"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\" }\n}\n", "Signature OK"},
		{"tampered body", tampered.String(), []string{"notify", "verify"}, exitVerify, "", "bad signature"},
		{"tampered decrypt", tampered.String(), []string{"notify", "decrypt"}, exitVerify, "", "bad signature"},
		{"unknown serial", unknown.String(), []string{"notify", "verify"}, exitVerify, "", "unknown serial"},
		{"wrong apiv3 key", "", []string{"notify", "decrypt", jsonFile, "--apiv3-key", "ffffffffffffffffffffffffffffffff"}, exitError, "", "APIv3 key"},
		{"malformed", "hello", []string{"notify", "verify"}, exitUsage, "", "stdin: notify: malformed notification"},
		{"missing file", "", []string{"notify", "verify", h.dir + "/none.json"}, exitUsage, "", "none.json: file does not exist"},
	}
	for _, tt := range tests {
		r := h.run(tt.stdin, tt.args...)
		if r.Code != tt.code || r.Stdout != tt.stdout || !strings.Contains(r.Stderr, tt.stderrPart) {
			t.Errorf("%s: got exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q",
				tt.name, r.Code, r.Stdout, r.Stderr, tt.code, tt.stdout, tt.stderrPart)
		}
		if strings.Contains(r.Stderr, testAPIv3Key) || strings.Contains(r.Stderr, "ffffffffffffffffffffffffffffffff") {
			t.Errorf("%s: the APIv3 key is printed", tt.name)
		}
	}
}

func TestNotifyConfigErrors(t *testing.T) {
	t.Parallel()
	_, pubPEM := gatewayKey(t)
	h := setup(t)
	r := h.run("{}", "notify", "verify")
	if r.Code != exitUsage || !strings.Contains(r.Stderr, "missing WeChat Pay verification key: set --public-key-id and --public-key") {
		t.Errorf("no keys: exit %d, stderr %q", r.Code, r.Stderr)
	}
	h.env["WECHATPAY_PUBLIC_KEY_ID"] = testPubKeyID
	h.env["WECHATPAY_PUBLIC_KEY"] = pubPEM
	r = h.run("{}", "notify", "decrypt")
	if r.Code != exitUsage || !strings.Contains(r.Stderr, "missing APIv3 key (32 bytes): set --apiv3-key or WECHATPAY_APIV3_KEY") {
		t.Errorf("no apiv3 key: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestNotifyFromSimulator checks captures of the simulator's notifications,
// good and broken, in both capture forms.
func TestNotifyFromSimulator(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	const plaintext = `{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS"}`
	capture := func(opts ...wechatpaytest.NotificationOption) (httpText, jsonText string) {
		req, err := h.srv.NewNotification("https://shop.example/notify", "TRANSACTION.SUCCESS", []byte(plaintext), opts...)
		if err != nil {
			t.Fatal(err)
		}
		dump, err := httputil.DumpRequest(req, true)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := req.GetBody()
		raw, _ := io.ReadAll(body)
		var j bytes.Buffer
		if err := writeCaptured(&j, req.Header, raw); err != nil {
			t.Fatal(err)
		}
		return string(dump), j.String()
	}
	goodHTTP, goodJSON := capture()
	for name, in := range map[string]string{"http": goodHTTP, "json": goodJSON} {
		r := h.run(in, "notify", "decrypt")
		if r.Code != exitOK || r.Stdout != plaintext {
			t.Errorf("%s capture: exit %d, stdout %q, stderr %q", name, r.Code, r.Stdout, r.Stderr)
		}
	}
	broken := []struct {
		name string
		opt  wechatpaytest.NotificationOption
		code int
	}{
		{"tampered", wechatpaytest.NotifyTampered(), exitVerify},
		{"probe", wechatpaytest.NotifyProbe(), exitVerify},
		{"unknown serial", wechatpaytest.NotifyUnknownSerial(), exitVerify},
		{"unsigned", wechatpaytest.NotifyUnsigned(), exitVerify},
		{"wrong APIv3 key", wechatpaytest.NotifyWrongAPIv3Key(), exitError},
	}
	for _, b := range broken {
		_, j := capture(b.opt)
		r := h.run(j, "notify", "decrypt")
		if r.Code != b.code || r.Stdout != "" {
			t.Errorf("%s: exit %d (want %d), stdout %q, stderr %q", b.name, r.Code, b.code, r.Stdout, r.Stderr)
		}
	}
}
