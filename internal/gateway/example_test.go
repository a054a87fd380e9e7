package gateway_test

import (
	"errors"
	"fmt"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
)

func ExampleParseAuthorization() {
	a, err := gateway.ParseAuthorization(`WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="dGVzdA==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.MchID, a.Timestamp, a.Serial)
	_, err = gateway.ParseAuthorization(`WECHATPAY2-SHA256-RSA2048 mchid="1900009191"`)
	fmt.Println(err)
	// Output:
	// 1900009191 1554208460 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C
	// gateway: malformed Authorization header: missing nonce_str, signature, timestamp, serial_no
}

func ExampleEncryptAESGCM() {
	const apiv3Key = "0123456789abcdefghijklmnopqrstuv" // 32 bytes
	ct, _ := gateway.EncryptAESGCM(apiv3Key, "fdasflkja484", "transaction", []byte(`{"trade_state":"SUCCESS"}`))
	pt, _ := signer.DecryptAESGCM(apiv3Key, "fdasflkja484", "transaction", ct)
	fmt.Println(string(pt))
	_, err := signer.DecryptAESGCM("vutsrqponmlkjihgfedcba9876543210", "fdasflkja484", "transaction", ct)
	fmt.Println(errors.Is(err, signer.ErrAPIv3Key))
	// Output:
	// {"trade_state":"SUCCESS"}
	// true
}
