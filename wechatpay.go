package wechatpay

import "github.com/chainpay-go/wechatpay/chain"

// Version is the library version (also sent in the User-Agent header).
const Version = chain.Version

// DefaultBaseURL is WeChat Pay's primary API host, used when Config.BaseURL is empty.
const DefaultBaseURL = chain.DefaultBaseURL

// BackupBaseURL is WeChat Pay's backup API host.
const BackupBaseURL = "https://api2.mch.weixin.qq.com/"
