package signer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
)

func ExampleBuildMessage() {
	msg := signer.BuildMessage("GET", "/v3/certificates", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", nil)
	fmt.Printf("%q\n", msg)
	// Output:
	// "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
}

func ExampleVerificationFor() {
	for _, r := range [][2]string{
		{"POST", "/v3/pay/transactions/jsapi"},
		{"GET", "/v3/billdownload/file?token=abc"},
		{"GET", "/v3/billdownload/file-evil"},
		{"GET", "/v3/merchant-service/images/ChsyMWE1Mzg4"},
		{"POST", "/v3/merchant-service/images/upload"},
		{"GET", "/hk/v3/statements?date=2024-01-01"},
	} {
		fmt.Println(r[0], r[1], signer.VerificationFor(r[0], r[1]))
	}
	// Output:
	// POST /v3/pay/transactions/jsapi VerifyBody
	// GET /v3/billdownload/file?token=abc VerifyNone
	// GET /v3/billdownload/file-evil VerifyBody
	// GET /v3/merchant-service/images/ChsyMWE1Mzg4 VerifyNone
	// POST /v3/merchant-service/images/upload VerifyBody
	// GET /hk/v3/statements?date=2024-01-01 VerifyStatementSHA1
}

func ExampleNormalizeSerial() {
	s, _ := signer.NormalizeSerial(" 5157f09efdc096de15ebe81a47057a7232f1b8e1 ")
	fmt.Println(s)
	_, err := signer.NormalizeSerial("463503411316297389371048587431917787163208448225")
	fmt.Println(errors.Is(err, signer.ErrDecimalSerial))
	fmt.Println(err)
	// Output:
	// 5157F09EFDC096DE15EBE81A47057A7232F1B8E1
	// true
	// signer: serial number looks decimal; WeChat Pay expects hex: "463503411316297389371048587431917787163208448225" has 48 digits; its hex form is 51303637F91112D93F0C63FE073AAB5BE4AFF8E1
}

func ExampleAuthorizer() {
	key, _ := rsa.GenerateKey(rand.Reader, 2048) // in real code: signer.LoadPrivateKey("apiclient_key.pem")
	s, _ := signer.NewRSASigner(key)
	a := &signer.Authorizer{
		MchID:  "1900009191",
		Serial: "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",
		Signer: s,
		// For a reproducible example only; leave both nil in real code.
		Now:  func() time.Time { return time.Unix(1554208460, 0) },
		Rand: bytes.NewReader(make([]byte, 64)),
	}
	h, _ := a.Authorize(context.Background(), "GET", "/v3/certificates", nil)
	scheme, params, _ := strings.Cut(h, " ")
	fmt.Println(scheme)
	var sig string
	for _, p := range strings.Split(params, ",") {
		if v, ok := strings.CutPrefix(p, `signature="`); ok {
			sig = strings.TrimSuffix(v, `"`)
			continue
		}
		fmt.Println(p)
	}
	msg := signer.BuildMessage("GET", "/v3/certificates", 1554208460, "00000000000000000000000000000000", nil)
	fmt.Println(signer.VerifySignature(&key.PublicKey, msg, sig))
	// Output:
	// WECHATPAY2-SHA256-RSA2048
	// mchid="1900009191"
	// nonce_str="00000000000000000000000000000000"
	// timestamp="1554208460"
	// serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"
	// <nil>
}

func ExampleVerifier_Verify() {
	platform, _ := rsa.GenerateKey(rand.Reader, 2048) // WeChat Pay's key, in tests
	ps, _ := signer.NewRSASigner(platform)
	body := []byte(`{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}`)
	// The answer's headers, as WeChat Pay signs them.
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "593BEC0C930BF1AFEB40B4A08C8FB242"
	sig, _ := ps.Sign(context.Background(), signer.BuildVerifyMessage(ts, nonce, body))
	h := http.Header{}
	h.Set(signer.HeaderTimestamp, ts)
	h.Set(signer.HeaderNonce, nonce)
	h.Set(signer.HeaderSignature, sig)
	h.Set(signer.HeaderSerial, "PUB_KEY_ID_0114232134912410000000000000")

	v := &signer.Verifier{Keys: signer.NewKeyStore(map[string]*rsa.PublicKey{
		"PUB_KEY_ID_0114232134912410000000000000": &platform.PublicKey,
	})}
	fmt.Println(v.Verify(h, body))
	fmt.Println(errors.Is(v.Verify(h, []byte(`{"code_url":"weixin://evil"}`)), signer.ErrBadSignature))
	fmt.Println(errors.Is(v.Verify(http.Header{}, body), signer.ErrMissingHeader))
	// Output:
	// <nil>
	// true
	// true
}
