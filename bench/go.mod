module github.com/chainpay-go/wechatpay/bench

go 1.26.8

require (
	github.com/chainpay-go/wechatpay v0.0.0-00010101000000-000000000000
	github.com/std-uritemplate/std-uritemplate/go/v2 v2.0.3
)

replace github.com/chainpay-go/wechatpay => ../
