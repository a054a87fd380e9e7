package wechatpaytest_test

import "github.com/tidwall/gjson"

func getResult(b []byte, path string) gjson.Result { return gjson.GetBytes(b, path) }
