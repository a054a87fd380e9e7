package wechatpaytest_test

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestNewV2ParserFromClient(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	p, err := notify.NewV2ParserFromClient(srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	body, err := notify.GenerateV2Payment(map[string]string{"out_trade_no": "P1", "total_fee": "1"}, srv.APIv2Key)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/notify/v2/pay", bytes.NewReader(body))
	if n, err := p.ParsePayment(req); err != nil || n.Get("out_trade_no").String() != "P1" {
		t.Fatalf("ParsePayment: %v", err)
	}
	cfg := srv.Config()
	cfg.APIv2Key = ""
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := notify.NewV2ParserFromClient(c); !errors.Is(err, signer.ErrAPIv2KeyLength) {
		t.Errorf("a client without an APIv2 key: %v", err)
	}
}
