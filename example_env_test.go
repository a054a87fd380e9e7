package wechatpay_test

import (
	"errors"
	"fmt"

	"github.com/chainpay-go/wechatpay"
)

// ConfigFromEnv names every variable that is missing or malformed in one
// error; ConfigFromLookup is the same with another source than os.Getenv.
func ExampleConfigFromLookup() {
	env := map[string]string{"WECHATPAY_MCHID": "1900000001", "WECHATPAY_APIV3_KEY": "too-short"}
	_, err := wechatpay.ConfigFromLookup(func(name string) string { return env[name] })
	fmt.Println(err)
	fmt.Println(errors.Is(err, wechatpay.ErrMissingEnv))
	// Output:
	// wechatpay: WECHATPAY_* variables: WECHATPAY_SERIAL is not set; WECHATPAY_PRIVATE_KEY is not set; no WeChat Pay key: set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY, or WECHATPAY_PLATFORM_CERTS; WECHATPAY_APIV3_KEY: must be 32 bytes, got 9
	// true
}
