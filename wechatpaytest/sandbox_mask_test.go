package wechatpaytest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// The admin API's records show bodies with personal data masked, as the
// console does (RecordedRequest.MaskedBody); the rest is kept.
func TestAdminRecordsMaskBodies(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithAdmin())
	defer srv.Close()
	const phone, card = "13800138000", "110101199003074477"
	_, _ = srv.Client().Chain("v3/pay/transactions/native").Post(context.Background(), chain.O{
		"validation": catalog.Off,
		"json": chain.O{"appid": "wxd678efh567hg6787", "mchid": srv.MchID, "description": "d", "out_trade_no": "MASK1",
			"notify_url": "https://merchant.example/n", "amount": chain.O{"total": 1},
			"payer": chain.O{"mobile": phone, "id_card_number": card, "name": "张三"}},
	})
	status, body := admin(t, srv.URL, adminCall{method: "GET", path: "records"})
	if status != 200 {
		t.Fatalf("records: %d %s", status, body)
	}
	rec := gjson.Get(body, "records.0.body").String()
	for _, secret := range []string{phone, card, "张三"} {
		if strings.Contains(body, secret) {
			t.Errorf("the admin records show %q: %s", secret, rec)
		}
	}
	if gjson.Get(rec, "payer.mobile").String() != wechatpaytest.Masked || gjson.Get(rec, "out_trade_no").String() != "MASK1" {
		t.Errorf("body %s: want payer.mobile masked and out_trade_no kept", rec)
	}
	if got := srv.Requests()[0].Body; !strings.Contains(string(got), phone) {
		t.Errorf("Requests() keeps the body as received; got %s", got)
	}
}
