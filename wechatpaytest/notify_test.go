package wechatpaytest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

const txPlain = `{"mchid":"1900000001","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"4200000000000000000000000001","trade_state":"SUCCESS"}`

func TestNotification(t *testing.T) {
	t.Parallel()
	e := setup(t)
	req, err := e.srv.NewNotification("https://example.com/notify", "TRANSACTION.SUCCESS", []byte(txPlain))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.URL.String() != "https://example.com/notify" {
		t.Errorf("request %s %s", req.Method, req.URL)
	}
	if err := e.ver.Verify(req.Header, body); err != nil {
		t.Fatalf("notification does not verify: %v", err)
	}
	got := map[string]string{}
	for _, k := range []string{"event_type", "resource_type", "summary", "resource.original_type", "resource.algorithm", "resource.associated_data"} {
		got[k] = gjson.GetBytes(body, k).String()
	}
	want := map[string]string{"event_type": "TRANSACTION.SUCCESS", "resource_type": "encrypt-resource", "summary": "支付成功",
		"resource.original_type": "transaction", "resource.algorithm": "AEAD_AES_256_GCM", "resource.associated_data": "transaction"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notification (-want +got):\n%s", diff)
	}
	var order []string
	gjson.ParseBytes(body).ForEach(func(k, _ gjson.Result) bool { order = append(order, k.String()); return true })
	if diff := cmp.Diff([]string{"id", "create_time", "resource_type", "event_type", "summary", "resource"}, order); diff != "" {
		t.Errorf("member order (-want +got):\n%s", diff)
	}
	if len(gjson.GetBytes(body, "id").String()) != 36 {
		t.Errorf("id %q", gjson.GetBytes(body, "id"))
	}
	if _, err := time.Parse(time.RFC3339, gjson.GetBytes(body, "create_time").String()); err != nil {
		t.Errorf("create_time: %v", err)
	}
	r := gjson.GetBytes(body, "resource")
	plain, err := signer.DecryptAESGCM(e.srv.APIv3Key, r.Get("nonce").String(), r.Get("associated_data").String(), r.Get("ciphertext").String())
	if err != nil || string(plain) != txPlain {
		t.Errorf("decrypt: %q, %v", plain, err)
	}
	if len(r.Get("nonce").String()) != 12 {
		t.Errorf("nonce %q", r.Get("nonce"))
	}
}

func TestBrokenNotifications(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct {
		name string
		opt  wechatpaytest.NotificationOption
		want error // from Verify; nil: verifies but does not decrypt
	}{
		{"tampered", wechatpaytest.NotifyTampered(), signer.ErrBadSignature},
		{"stale", wechatpaytest.NotifyStale(), signer.ErrTimestampSkew},
		{"probe", wechatpaytest.NotifyProbe(), signer.ErrProbeSignature},
		{"unknown serial", wechatpaytest.NotifyUnknownSerial(), signer.ErrUnknownSerial},
		{"unsigned", wechatpaytest.NotifyUnsigned(), signer.ErrMissingHeader},
		{"wrong APIv3 key", wechatpaytest.NotifyWrongAPIv3Key(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := e.srv.NewNotification("http://127.0.0.1/n", "REFUND.SUCCESS", []byte(`{"refund_status":"SUCCESS"}`), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(req.Body)
			err = e.ver.Verify(req.Header, body)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if tt.want == nil {
				r := gjson.GetBytes(body, "resource")
				if _, err := signer.DecryptAESGCM(e.srv.APIv3Key, r.Get("nonce").String(), r.Get("associated_data").String(), r.Get("ciphertext").String()); err == nil {
					t.Errorf("decrypt with the right key succeeded")
				}
			}
		})
	}
}

func TestSendNotification(t *testing.T) {
	t.Parallel()
	e := setup(t)
	got := make(chan []byte, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := e.ver.Verify(r.Header, b); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"code":"FAIL","message":"`+err.Error()+`"}`)
			return
		}
		got <- b
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	resp, err := e.srv.SendNotification(context.Background(), hook.URL, "PAYSCORE.USER_PAID", []byte(`{"state":"DONE"}`),
		wechatpaytest.NotifyID("EV-1"), wechatpaytest.NotifyAssociatedData(""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("handler answered %d", resp.StatusCode)
	}
	b := <-got
	if gjson.GetBytes(b, "id").String() != "EV-1" || gjson.GetBytes(b, "resource.associated_data").String() != "" ||
		gjson.GetBytes(b, "resource.original_type").String() != "payscore" {
		t.Errorf("notification %s", b)
	}
}
