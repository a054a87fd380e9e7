package wechatpaytest

import (
	"fmt"
	"net/http"
	"sync"
)

// TransferBill is a merchant transfer of the 2025 version
// (/v3/fund-app/mch-transfer/transfer-bills).
//
// The state machine follows the gateway: create → WAIT_USER_CONFIRM with a
// package_info the merchant's app hands to WeChat; the user's confirmation
// (ConfirmTransferBill) → SUCCESS, after which MCHTRANSFER.BILL.FINISHED
// can be sent (SendEvent); cancel while the bill waits → CANCELING, which
// is CANCELLED from its next query on; a finished bill (SUCCESS, FAIL,
// CANCELLED) cannot be cancelled.
type TransferBill struct {
	OutBillNo      string
	TransferBillNo string // "" → generated
	AppID          string
	OpenID         string
	State          string // "" → WAIT_USER_CONFIRM
	TransferAmount int64  // fen
	TransferRemark string
	TransferScene  string // transfer_scene_id
	NotifyURL      string
	FailReason     string // set when FAIL
	CreateTime     string // RFC 3339; "" → now
	UpdateTime     string // RFC 3339; "" → CreateTime
}

type transferBill struct {
	TransferBill
	packageInfo string
	createKey   string
	createOut   []byte
}

// transferScenario is the merchant transfer flow.
type transferScenario struct {
	srv   *Server
	mu    sync.Mutex
	bills map[string]*transferBill // by out_bill_no
	byNo  map[string]string        // transfer_bill_no → out_bill_no
}

func newTransferScenario(s *Server) *transferScenario {
	t := &transferScenario{srv: s}
	t.reset()
	return t
}

func (t *transferScenario) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.bills, t.byNo = map[string]*transferBill{}, map[string]string{}
}

const transferBase = "/v3/fund-app/mch-transfer/transfer-bills"

func (t *transferScenario) register(s *Server) {
	s.Handle("POST", transferBase, t.create)
	s.Handle("GET", transferBase+"/out-bill-no/{out_bill_no}", func(r *Request) (int, any) {
		return t.query(r.Param("out_bill_no"))
	})
	s.Handle("GET", transferBase+"/transfer-bill-no/{transfer_bill_no}", func(r *Request) (int, any) {
		t.mu.Lock()
		no := t.byNo[r.Param("transfer_bill_no")]
		t.mu.Unlock()
		return t.query(no)
	})
	s.Handle("POST", transferBase+"/out-bill-no/{out_bill_no}/cancel", t.cancel)
}

// transferScenes are the transfer_scene_id values the gateway knows.
var transferScenes = []string{"1000", "1002", "1004", "1005", "1009", "1010", "1011", "1013"}

func (t *transferScenario) create(r *Request) (int, any) {
	f := newFields(r.Body)
	appid := f.str("appid")
	no := f.str("out_bill_no")
	scene := f.oneOf("transfer_scene_id", transferScenes...)
	openid := f.str("openid")
	amount := f.integer("transfer_amount", 1)
	remark := f.str("transfer_remark")
	infos := f.array("transfer_scene_report_infos")
	for i := range infos {
		f.str(fmt.Sprintf("transfer_scene_report_infos.%d.info_type", i))
		f.str(fmt.Sprintf("transfer_scene_report_infos.%d.info_content", i))
	}
	notify := f.optStr("notify_url")
	f.optStr("user_name")
	f.optStr("user_recv_perception")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if !outNoPattern.MatchString(no) {
		return http.StatusBadRequest, ParamError("body", "/out_bill_no", "只能是数字、大小写字母_-|*@ 且不超过32个字符")
	}
	if len([]rune(remark)) > 32 {
		return http.StatusBadRequest, ParamError("body", "/transfer_remark", "不能超过32个字符 (at most 32 characters)")
	}
	if r.Header.Get("Wechatpay-Serial") == "" && fieldPresent(r.Body, "user_name") {
		return http.StatusBadRequest, ParamError("header", "Wechatpay-Serial", "user_name 已加密, 请求头应带平台证书序列号或公钥ID (user_name is encrypted: name its key)")
	}
	key := idemKey("transfer", r.Body)
	now := rfc3339CN(t.srv.BusinessTime())

	t.mu.Lock()
	defer t.mu.Unlock()
	if b, ok := t.bills[no]; ok {
		if b.createKey == key {
			return http.StatusOK, b.createOut
		}
		return http.StatusBadRequest, Error("INVALID_REQUEST", "商户单号已使用不同参数 (out_bill_no was already used with other parameters)")
	}
	b := &transferBill{
		TransferBill: TransferBill{
			OutBillNo: no, TransferBillNo: newID("1330000071100", 40), AppID: appid, OpenID: openid,
			State: "WAIT_USER_CONFIRM", TransferAmount: amount, TransferRemark: remark, TransferScene: scene,
			NotifyURL: notify, CreateTime: now, UpdateTime: now,
		},
		packageInfo: randomString(64, alnum) + "==",
		createKey:   key,
	}
	out, err := encodeBody(map[string]any{
		"out_bill_no": b.OutBillNo, "transfer_bill_no": b.TransferBillNo, "create_time": b.CreateTime,
		"state": b.State, "package_info": b.packageInfo,
	})
	if err != nil {
		return http.StatusInternalServerError, Error("SYSTEM_ERROR", err.Error())
	}
	b.createOut = out
	t.bills[no] = b
	t.byNo[b.TransferBillNo] = no
	return http.StatusOK, out
}

// document is the bill as the queries answer it (and the finished-bill
// notification carries it). Called with t.mu held.
func (t *transferScenario) document(b *transferBill) map[string]any {
	d := map[string]any{
		"mch_id":           t.srv.MchID,
		"out_bill_no":      b.OutBillNo,
		"transfer_bill_no": b.TransferBillNo,
		"appid":            b.AppID,
		"state":            b.State,
		"transfer_amount":  b.TransferAmount,
		"transfer_remark":  b.TransferRemark,
		"openid":           b.OpenID,
		"create_time":      b.CreateTime,
		"update_time":      b.UpdateTime,
	}
	if b.State == "FAIL" && b.FailReason != "" {
		d["fail_reason"] = b.FailReason
	}
	return d
}

func (t *transferScenario) query(no string) (int, any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.bills[no]
	if !ok {
		return http.StatusNotFound, Error("NOT_FOUND", "转账单不存在 (no such transfer bill)")
	}
	if b.State == "CANCELING" {
		b.State, b.UpdateTime = "CANCELLED", rfc3339CN(t.srv.BusinessTime())
	}
	return http.StatusOK, t.document(b)
}

func (t *transferScenario) cancel(r *Request) (int, any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.bills[r.Param("out_bill_no")]
	if !ok {
		return http.StatusNotFound, Error("NOT_FOUND", "转账单不存在 (no such transfer bill)")
	}
	switch b.State {
	case "ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING":
		b.State, b.UpdateTime = "CANCELING", rfc3339CN(t.srv.BusinessTime())
	case "CANCELING", "CANCELLED": // a repeat answers the bill as it is
	default:
		return http.StatusBadRequest, Error("INVALID_REQUEST", "转账单已"+b.State+", 不能撤销 (a finished bill cannot be cancelled)")
	}
	return http.StatusOK, map[string]any{
		"out_bill_no": b.OutBillNo, "transfer_bill_no": b.TransferBillNo, "state": b.State, "update_time": b.UpdateTime,
	}
}

func (t *transferScenario) event(eventType, id string) (any, string, error) {
	if eventType != "MCHTRANSFER.BILL.FINISHED" {
		return nil, "", errNoEvent
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.bills[id]
	if !ok {
		return nil, "", errNoEvent
	}
	switch b.State {
	case "SUCCESS", "FAIL", "CANCELLED":
	default:
		return nil, "", fmt.Errorf("the bill is %s: the notification is sent when it is finished (SUCCESS, FAIL or CANCELLED)", b.State)
	}
	d := t.document(b)
	delete(d, "appid")
	delete(d, "transfer_remark")
	return d, b.NotifyURL, nil
}

// PutTransferBill adds or replaces a merchant transfer bill.
func (s *Server) PutTransferBill(b TransferBill) {
	t := s.transfers
	if b.TransferBillNo == "" {
		b.TransferBillNo = newID("1330000071100", 40)
	}
	if b.State == "" {
		b.State = "WAIT_USER_CONFIRM"
	}
	if b.CreateTime == "" {
		b.CreateTime = rfc3339CN(s.BusinessTime())
	}
	if b.UpdateTime == "" {
		b.UpdateTime = b.CreateTime
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.bills[b.OutBillNo]; ok {
		delete(t.byNo, old.TransferBillNo)
	}
	t.bills[b.OutBillNo] = &transferBill{TransferBill: b, packageInfo: randomString(64, alnum) + "=="}
	t.byNo[b.TransferBillNo] = b.OutBillNo
}

// TransferBill returns the transfer bill out_bill_no as it is now.
func (s *Server) TransferBill(outBillNo string) (TransferBill, bool) {
	t := s.transfers
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.bills[outBillNo]
	if !ok {
		return TransferBill{}, false
	}
	return b.TransferBill, true
}

// ConfirmTransferBill simulates the user accepting a WAIT_USER_CONFIRM
// transfer in WeChat: the bill becomes SUCCESS. Send its
// MCHTRANSFER.BILL.FINISHED notification with SendEvent.
func (s *Server) ConfirmTransferBill(outBillNo string) error {
	t := s.transfers
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.bills[outBillNo]
	if !ok {
		return fmt.Errorf("wechatpaytest: no transfer bill %q", outBillNo)
	}
	if b.State != "WAIT_USER_CONFIRM" {
		return fmt.Errorf("wechatpaytest: transfer bill %q is %s, not WAIT_USER_CONFIRM", outBillNo, b.State)
	}
	b.State, b.UpdateTime = "SUCCESS", rfc3339CN(s.BusinessTime())
	return nil
}
