package notify_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

// exampleNotification plays WeChat Pay: it encrypts plaintext with the
// APIv3 key and signs the envelope with the platform key.
func exampleNotification(platform *rsa.PrivateKey, serial, apiv3Key, plaintext string) (http.Header, []byte) {
	ct, err := gateway.EncryptAESGCM(apiv3Key, "fdasflkja484", "transaction", []byte(plaintext))
	if err != nil {
		panic(err)
	}
	body := []byte(`{"id":"EV-2018022511223320873","create_time":"2026-11-28T20:00:00+08:00","resource_type":"encrypt-resource",` +
		`"event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction",` +
		`"algorithm":"AEAD_AES_256_GCM","ciphertext":"` + ct + `","associated_data":"transaction","nonce":"fdasflkja484"}}`)
	s, err := signer.NewRSASigner(platform)
	if err != nil {
		panic(err)
	}
	h, err := gateway.SignHeaders(context.Background(), s, serial, body, time.Now())
	if err != nil {
		panic(err)
	}
	return h, body
}

func ExampleParser_ParseRaw() {
	platform, _ := rsa.GenerateKey(rand.Reader, 2048) // WeChat Pay's key; you hold its public half
	const serial = "PUB_KEY_ID_0114232134912410000000000000"
	const apiv3Key = "0123456789abcdefghijABCDEFGHIJ01"
	header, body := exampleNotification(platform, serial, apiv3Key,
		`{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS","amount":{"total":100}}`)

	p, err := notify.NewParser(map[string]*rsa.PublicKey{serial: &platform.PublicKey}, apiv3Key)
	if err != nil {
		panic(err)
	}
	n, err := p.ParseRaw(header, body)
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	fmt.Println(n.ID, n.EventType, n.CreateTime.UTC().Format(time.RFC3339))
	fmt.Println(n.Get("out_trade_no"), n.Get("trade_state"), n.Get("amount.total").Int())

	// The same body parsed and re-marshalled by a framework no longer verifies.
	_, err = p.ParseRaw(header, []byte(strings.Replace(string(body), `,"`, `, "`, 1)))
	fmt.Println("refused:", errors.Is(err, signer.ErrBadSignature))
	// Output:
	// EV-2018022511223320873 TRANSACTION.SUCCESS 2026-11-28T12:00:00Z
	// 1217752501201407033233368018 SUCCESS 100
	// refused: true
}

func ExampleParser_Handler() {
	platform, _ := rsa.GenerateKey(rand.Reader, 2048)
	const serial = "PUB_KEY_ID_0114232134912410000000000000"
	const apiv3Key = "0123456789abcdefghijABCDEFGHIJ01"
	p, err := notify.NewParser(map[string]*rsa.PublicKey{serial: &platform.PublicKey}, apiv3Key)
	if err != nil {
		panic(err)
	}
	h := p.Handler(func(ctx context.Context, n *notify.Notification) error {
		fmt.Println("paid:", n.Get("out_trade_no"))
		return nil
	})

	header, body := exampleNotification(platform, serial, apiv3Key, `{"out_trade_no":"T1001","trade_state":"SUCCESS"}`)
	for _, b := range [][]byte{body, []byte(strings.Replace(string(body), "EV-", "EX-", 1))} {
		req := httptest.NewRequest(http.MethodPost, "/notify/pay", strings.NewReader(string(b)))
		for k, v := range header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		answer, _ := io.ReadAll(rec.Result().Body)
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", string(answer))))
	}
	// Output:
	// paid: T1001
	// 200
	// 401 {"code":"FAIL","message":"signature verification failed"}
}
