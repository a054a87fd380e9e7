package wechatpaytest

import "time"

// ResetFixtures forgets every order, transaction, refund, transfer, bill
// and upload and reloads the demo fixtures.
func (s *Server) ResetFixtures() {
	for _, sc := range s.scenarios {
		sc.reset()
	}
	s.loadFixtures()
}

// Demo fixture values.
const (
	// DemoOutOrderNo is the seed's payscore order: DOING / MCH_COMPLETE, waiting for the Order_Paid sync.
	DemoOutOrderNo = "1234323JKHDFE1243252"
	// DemoAppID is the demo fixtures' appid.
	DemoAppID = "wxd678efh567hg6787"
	// DemoServiceID is the demo payscore service id.
	DemoServiceID = "500001"
	// DemoOutTradeNo is a paid demo transaction (100 fen, JSAPI).
	DemoOutTradeNo = "1217752501201407033233368018"
	// DemoBillDate is the date of the demo trade bill.
	DemoBillDate = "2019-06-11"
)

// loadFixtures adds the demo data.
func (s *Server) loadFixtures() {
	s.loadPayscoreFixtures()
	s.loadTradeFixtures()
	s.loadBillFixtures()
}

// loadPayscoreFixtures adds the demo service order.
func (s *Server) loadPayscoreFixtures() {
	now := s.BusinessTime()
	s.PutServiceOrder(ServiceOrder{
		OutOrderNo:          DemoOutOrderNo,
		AppID:               DemoAppID,
		ServiceID:           DemoServiceID,
		ServiceIntroduction: "某某酒店",
		State:               "DOING",
		StateDescription:    "MCH_COMPLETE",
		TotalAmount:         50000,
		NotifyURL:           "https://api.test.com",
		CreatedAt:           now.Add(-time.Hour),
	})
}

// loadTradeFixtures adds the demo transaction.
func (s *Server) loadTradeFixtures() {
	s.PutTransaction(Transaction{
		OutTradeNo:  DemoOutTradeNo,
		AppID:       DemoAppID,
		TradeType:   "JSAPI",
		TradeState:  "SUCCESS",
		Description: "Image形象店-深圳腾大-QQ公仔",
		Total:       100,
		OpenID:      "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
	})
}

// loadBillFixtures adds the demo trade bill.
func (s *Server) loadBillFixtures() { s.SetBill(DemoBillDate, demoBill()) }

// demoBill is a small trade bill shaped like the real CSV.
func demoBill() []byte {
	return []byte("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n" +
		"`2019-06-11 10:07:32,`" + DemoAppID + ",`1900000001,`0,`,`4200000307201906117367384327,`" + DemoOutTradeNo + ",`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`1.00,`0.00,`0,`0,`0.00,`0.00,`,`,`Image形象店-深圳腾大-QQ公仔,`,`0.01000,`0.60%,`1.00,`0.00,`\n" +
		"总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n" +
		"`1,`1.00,`0.00,`0.00,`0.01000,`1.00,`0.00\n")
}
