package wechatpaytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/notify"
)

// V2PaymentCallback returns the body of the APIv2 payment result callback
// WeChat Pay would POST for a paid micropay order of this server, signed
// with APIv2Key (MD5, or the order's sign_type).
func (s *Server) V2PaymentCallback(outTradeNo string) ([]byte, error) {
	v := s.v2
	v.mu.Lock()
	t := v.trades[outTradeNo]
	var fields v2Fields
	if t != nil && (t.state == "SUCCESS" || t.state == "REFUND") {
		fields = t.paid(v2Fields{"result_code": "SUCCESS", "return_code": "SUCCESS"})
		fields["fee_type"] = "CNY"
		if st := t.fields["sign_type"]; st != "" {
			fields["sign_type"] = st
		}
	}
	v.mu.Unlock()
	if fields == nil {
		return nil, fmt.Errorf("wechatpaytest: V2PaymentCallback: no paid order %q", outTradeNo)
	}
	return notify.GenerateV2Payment(fields, s.APIv2Key)
}

// V2RefundCallback returns the body of the APIv2 refund result callback
// for a refund of this server: its result in req_info, encrypted under
// APIv2Key as WeChat Pay does.
func (s *Server) V2RefundCallback(outRefundNo string) ([]byte, error) {
	v := s.v2
	v.mu.Lock()
	rf := v.refunds[outRefundNo]
	var fields, info v2Fields
	if rf != nil {
		t := rf.trade
		fields = v2Echo(v2Fields{}, t.fields)
		info = v2Fields{"transaction_id": t.txn, "out_trade_no": t.fields["out_trade_no"], "refund_id": rf.refundID,
			"out_refund_no": rf.outRefundNo, "total_fee": strconv.FormatInt(t.total, 10), "refund_fee": strconv.FormatInt(rf.fee, 10),
			"settlement_refund_fee": strconv.FormatInt(rf.fee, 10), "refund_status": "SUCCESS",
			"success_time": s.now().Format("2006-01-02 15:04:05"), "refund_recv_accout": "支付用户的零钱",
			"refund_account": "REFUND_SOURCE_RECHARGE_FUNDS", "refund_request_source": "API"}
	}
	v.mu.Unlock()
	if rf == nil {
		return nil, fmt.Errorf("wechatpaytest: V2RefundCallback: no refund %q", outRefundNo)
	}
	return notify.GenerateV2Refund(fields, info, s.APIv2Key)
}

// ErrV2CallbackRefused is wrapped by SendV2Callback's error when the
// merchant's server did not acknowledge the callback.
var ErrV2CallbackRefused = errors.New("wechatpaytest: the APIv2 callback was not acknowledged")

// SendV2Callback POSTs an APIv2 callback body to url, as WeChat Pay does,
// and checks the acknowledgement: status 200 and return_code SUCCESS. It
// returns the status code; a refusal wraps ErrV2CallbackRefused and names
// the status and return_msg.
func (s *Server) SendV2Callback(ctx context.Context, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("wechatpaytest: SendV2Callback: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("wechatpaytest: SendV2Callback: %w", err)
	}
	defer resp.Body.Close()
	ack, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("wechatpaytest: SendV2Callback: reading the answer: %w", err)
	}
	f, derr := v2xml.Decode(ack)
	if resp.StatusCode != http.StatusOK || derr != nil || f["return_code"] != "SUCCESS" {
		return resp.StatusCode, fmt.Errorf("%w: status %d, return_msg %q", ErrV2CallbackRefused, resp.StatusCode, f["return_msg"])
	}
	return resp.StatusCode, nil
}
