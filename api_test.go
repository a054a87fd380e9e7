package wechatpay_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// This file is a program written only from issue 4's API block: it must
// keep compiling. Every name and signature of the block is used with its
// declared type.
var (
	_ = wechatpay.Config{
		MchID:        "",
		Serial:       "",
		PrivateKey:   (*rsa.PrivateKey)(nil),
		Signer:       signer.Signer(nil),
		PlatformKeys: map[string]*rsa.PublicKey{},
		APIv3Key:     "",
		BaseURL:      "",
		HTTPClient:   (*http.Client)(nil),
	}
	_ func(wechatpay.Config) (*chain.Client, error) = wechatpay.New

	_ chain.O = map[string]any{}

	_ func(*chain.Client, ...string) *chain.Chain = (*chain.Client).Chain
	_ func(*chain.Chain, ...string) *chain.Chain  = (*chain.Chain).Chain

	_ func(*chain.Chain, context.Context, chain.O) (*chain.Response, error) = (*chain.Chain).Get
	_ func(*chain.Chain, context.Context, chain.O) (*chain.Response, error) = (*chain.Chain).Post
	_ func(*chain.Chain, context.Context, chain.O) (*chain.Response, error) = (*chain.Chain).Put
	_ func(*chain.Chain, context.Context, chain.O) (*chain.Response, error) = (*chain.Chain).Patch
	_ func(*chain.Chain, context.Context, chain.O) (*chain.Response, error) = (*chain.Chain).Delete

	_ func(*chain.Chain, context.Context, chain.O) *chain.Future = (*chain.Chain).GetAsync
	_ func(*chain.Chain, context.Context, chain.O) *chain.Future = (*chain.Chain).PostAsync
	_ func(*chain.Chain, context.Context, chain.O) *chain.Future = (*chain.Chain).PutAsync
	_ func(*chain.Chain, context.Context, chain.O) *chain.Future = (*chain.Chain).PatchAsync
	_ func(*chain.Chain, context.Context, chain.O) *chain.Future = (*chain.Chain).DeleteAsync

	_ func(*chain.Future, func(*chain.Response) (*chain.Response, error)) *chain.Future = (*chain.Future).Then
	_ func(*chain.Future, func(error) (*chain.Response, error)) *chain.Future           = (*chain.Future).Otherwise
	_ func(*chain.Future) (*chain.Response, error)                                      = (*chain.Future).Wait

	_                                            = chain.Response{StatusCode: 0, Header: http.Header{}, Body: []byte{}, RequestID: "", Verified: false}
	_ func(*chain.Response, string) gjson.Result = (*chain.Response).Get

	_ = chain.APIError{StatusCode: 0, Code: "", Message: "", Detail: json.RawMessage{}, RequestID: "", Header: http.Header{}, Body: []byte{},
		Verified: false, Method: "", Template: ""}
	_ error = (*chain.APIError)(nil)
	_ error = (*chain.VerifyError)(nil)
	_       = chain.VerifyError{Response: (*chain.Response)(nil), Err: error(nil)}
	_ error = chain.ErrInvalidOptions

	_ func(*chain.Client) *signer.KeyStore = (*chain.Client).KeyStore
	_ func(*chain.Client) string           = (*chain.Client).MchID

	_ func(string) *chain.Upload            = chain.File
	_ func(string, io.Reader) *chain.Upload = chain.Media
)
