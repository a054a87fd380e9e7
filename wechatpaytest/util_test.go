package wechatpaytest_test

import (
	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/tidwall/gjson"
)

func getResult(b []byte, path string) gjson.Result { return gjson.GetBytes(b, path) }

func newClient(cfg wechatpay.Config) (*chain.Client, error) { return wechatpay.New(cfg) }
