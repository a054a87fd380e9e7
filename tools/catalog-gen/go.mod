module github.com/chainpay-go/wechatpay/tools/catalog-gen

go 1.26.0

replace github.com/chainpay-go/wechatpay => ../..

require (
	github.com/chainpay-go/wechatpay v0.0.0-00010101000000-000000000000
	go.yaml.in/yaml/v3 v3.0.6
)

require github.com/google/go-cmp v0.7.0
