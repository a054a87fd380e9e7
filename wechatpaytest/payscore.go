package wechatpaytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/tidwall/gjson"
)

// ServiceOrder is a payscore service order fixture.
//
// The state machine follows the gateway: create → CREATED (or DOING /
// USER_CONFIRM when need_user_confirm is false); the user's confirmation
// (ConfirmServiceOrder) → DOING / USER_CONFIRM; complete → DOING /
// MCH_COMPLETE with collection USER_PAYING; modify only in MCH_COMPLETE;
// sync Order_Paid → DONE with collection USER_PAID; cancel from CREATED or
// USER_CONFIRM → REVOKED; a CREATED order older than 30 days → EXPIRED.
// Impossible moves answer 400 INVALID_ORDER_STATE, ORDER_DONE or
// ORDER_CANCELED.
type ServiceOrder struct {
	OutOrderNo          string
	AppID               string
	ServiceID           string
	OrderID             string // "" → generated
	ServiceIntroduction string
	State               string // CREATED, DOING, DONE, REVOKED, EXPIRED ("" → CREATED)
	StateDescription    string // USER_CONFIRM or MCH_COMPLETE while DOING
	TotalAmount         int64  // fen, set by complete / modify
	NotifyURL           string
	PaidTime            string    // yyyyMMddHHmmss, set by sync
	CreatedAt           time.Time // zero → BusinessTime
}

// serviceOrder is a stored order: the fixture plus the request's JSON members.
type serviceOrder struct {
	ServiceOrder
	fields map[string]json.RawMessage // post_payments, risk_fund, time_range, …
	last   *idem                      // the last successful operation, replayed for an identical repeat
}

// payscoreScenario is the payscore service order flow.
type payscoreScenario struct {
	srv    *Server
	mu     sync.Mutex
	orders map[string]*serviceOrder // by out_order_no
}

func newPayscoreScenario(s *Server) *payscoreScenario {
	p := &payscoreScenario{srv: s}
	p.reset()
	return p
}

func (p *payscoreScenario) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.orders = map[string]*serviceOrder{}
}

// PutServiceOrder adds or replaces a payscore service order.
func (s *Server) PutServiceOrder(o ServiceOrder) {
	p := s.payscore
	if o.OrderID == "" {
		o.OrderID = newID("1000000000201909", 32)
	}
	if o.State == "" {
		o.State = "CREATED"
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = s.BusinessTime()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.orders[o.OutOrderNo] = &serviceOrder{ServiceOrder: o, fields: map[string]json.RawMessage{}}
}

// ServiceOrder returns the payscore order out_order_no as it is now.
func (s *Server) ServiceOrder(outOrderNo string) (ServiceOrder, bool) {
	p := s.payscore
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.orders[outOrderNo]
	if !ok {
		return ServiceOrder{}, false
	}
	p.expire(o)
	return o.ServiceOrder, true
}

// ConfirmServiceOrder simulates the user confirming a CREATED order in WeChat:
// it moves to DOING / USER_CONFIRM.
func (s *Server) ConfirmServiceOrder(outOrderNo string) error {
	p := s.payscore
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.orders[outOrderNo]
	if !ok {
		return fmt.Errorf("wechatpaytest: no service order %q", outOrderNo)
	}
	p.expire(o)
	if o.State != "CREATED" {
		return fmt.Errorf("wechatpaytest: service order %q is %s, not CREATED", outOrderNo, o.State)
	}
	o.State, o.StateDescription, o.last = "DOING", "USER_CONFIRM", nil
	return nil
}

// expire applies the 30-day expiry of CREATED orders. Called with p.mu held.
func (p *payscoreScenario) expire(o *serviceOrder) {
	if o.State == "CREATED" && p.srv.BusinessTime().Sub(o.CreatedAt) > 30*24*time.Hour {
		o.State, o.StateDescription = "EXPIRED", ""
	}
}

var outNoPattern = regexp.MustCompile(`^[0-9A-Za-z_\-|*@]{1,32}$`)

// document is the order as the gateway returns it.
func (p *payscoreScenario) document(o *serviceOrder) map[string]any {
	d := map[string]any{
		"appid":                o.AppID,
		"mchid":                p.srv.MchID,
		"service_id":           o.ServiceID,
		"out_order_no":         o.OutOrderNo,
		"service_introduction": o.ServiceIntroduction,
		"state":                o.State,
		"order_id":             o.OrderID,
		"need_collection":      true,
	}
	if o.NotifyURL != "" {
		d["notify_url"] = o.NotifyURL
	}
	if o.State == "DOING" && o.StateDescription != "" {
		d["state_description"] = o.StateDescription
	}
	for k, v := range o.fields {
		d[k] = v
	}
	if o.TotalAmount > 0 {
		d["total_amount"] = o.TotalAmount
	}
	switch {
	case o.State == "DONE":
		d["collection"] = map[string]any{
			"state": "USER_PAID", "total_amount": o.TotalAmount, "paying_amount": 0, "paid_amount": o.TotalAmount,
			"details": []any{map[string]any{"seq": 1, "amount": o.TotalAmount, "paid_type": "MCH", "paid_time": o.PaidTime}},
		}
	case o.State == "DOING" && o.StateDescription == "MCH_COMPLETE":
		d["collection"] = map[string]any{
			"state": "USER_PAYING", "total_amount": o.TotalAmount, "paying_amount": o.TotalAmount, "paid_amount": 0,
		}
	}
	return d
}

func (p *payscoreScenario) register(s *Server) {
	s.Handle("POST", "/v3/payscore/serviceorder", p.payscoreCreate)
	s.Handle("GET", "/v3/payscore/serviceorder", p.payscoreQuery)
	s.Handle("POST", "/v3/payscore/serviceorder/{out_order_no}/modify", p.payscoreModify)
	s.Handle("POST", "/v3/payscore/serviceorder/{out_order_no}/complete", p.payscoreComplete)
	s.Handle("POST", "/v3/payscore/serviceorder/{out_order_no}/cancel", p.payscoreCancel)
	s.Handle("POST", "/v3/payscore/serviceorder/{out_order_no}/sync", p.payscoreSync)
	s.Handle("POST", "/v3/payscore/payafter-orders/{out_order_no}/sync", p.payscoreSync)
}

func (p *payscoreScenario) payscoreCreate(r *Request) (int, any) {
	f := newFields(r.Body)
	no := f.str("out_order_no")
	appid := f.str("appid")
	serviceID := f.str("service_id")
	intro := f.str("service_introduction")
	f.object("risk_fund")
	f.oneOf("risk_fund.name", "DEPOSIT", "ADVANCE", "CASH_DEPOSIT", "ESTIMATE_ORDER_COST")
	f.integer("risk_fund.amount", 1)
	f.object("time_range")
	f.str("time_range.start_time")
	notify := f.str("notify_url")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if !outNoPattern.MatchString(no) {
		return http.StatusBadRequest, ParamError("body", "/out_order_no", "只能是数字、大小写字母_-|*@ 且不超过32个字符")
	}
	confirm := true
	if v := gjson.GetBytes(r.Body, "need_user_confirm"); v.Exists() {
		confirm = v.Bool()
	}
	key := idemKey("create", r.Body)

	p.mu.Lock()
	defer p.mu.Unlock()
	if o, ok := p.orders[no]; ok {
		if d := o.last; d != nil && d.key == key {
			return d.status, d.body
		}
		return http.StatusBadRequest, Error("INVALID_REQUEST", "相同商户服务订单号已使用不同参数创建 (out_order_no was already used with other parameters)")
	}
	o := &serviceOrder{
		ServiceOrder: ServiceOrder{
			OutOrderNo: no, AppID: appid, ServiceID: serviceID, ServiceIntroduction: intro,
			OrderID: newID("1000000000201909", 32), State: "CREATED", NotifyURL: notify, CreatedAt: p.srv.BusinessTime(),
		},
		fields: map[string]json.RawMessage{},
	}
	if !confirm {
		o.State, o.StateDescription = "DOING", "USER_CONFIRM"
	}
	o.keep(r.Body, "post_payments", "post_discounts", "risk_fund", "time_range", "location", "attach")
	p.orders[no] = o
	d := p.document(o)
	if confirm {
		d["package"] = "DJIOSQPYWDxsjdldeskfajkdlsfjalDHKSDJFLKSDHFLKDSFH" + o.OrderID
	}
	return p.remember(o, key, http.StatusOK, d)
}

// remember stores a successful answer so that a repeat of the same request,
// with nothing done to the order in between (a client retry), gets it
// again. Called with p.mu held.
func (p *payscoreScenario) remember(o *serviceOrder, key string, status int, body any) (int, any) {
	b, err := encodeBody(body)
	if err != nil {
		return http.StatusInternalServerError, Error("SYSTEM_ERROR", err.Error())
	}
	o.last = &idem{key: key, status: status, body: b}
	return status, b
}

func (p *payscoreScenario) payscoreQuery(r *Request) (int, any) {
	no := r.Query.Get("out_order_no")
	if no == "" && r.Query.Get("query_id") == "" {
		return http.StatusBadRequest, ParamError("query", "out_order_no", "out_order_no 与 query_id 必填其一 (one of out_order_no and query_id is required)")
	}
	serviceID, eb := queryParam(r, "service_id")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	appid, eb := queryParam(r, "appid")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var o *serviceOrder
	if no != "" {
		o = p.orders[no]
	} else {
		for _, c := range p.orders {
			if c.OrderID == r.Query.Get("query_id") {
				o = c
			}
		}
	}
	if o == nil || o.ServiceID != serviceID || o.AppID != appid {
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	p.expire(o)
	return http.StatusOK, p.document(o)
}

// findOrder loads the path's order and checks appid and service_id of the
// body against it. Called with p.mu held.
func (p *payscoreScenario) findOrder(r *Request, f *fields) (*serviceOrder, int, *ErrorBody) {
	appid := f.str("appid")
	serviceID := f.str("service_id")
	if f.err != nil {
		return nil, http.StatusBadRequest, f.err
	}
	o, ok := p.orders[r.Param("out_order_no")]
	if !ok {
		return nil, http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	if o.AppID != appid {
		return nil, http.StatusBadRequest, Error("INVALID_REQUEST", "appid与创单时不一致 (appid differs from the order's)")
	}
	if o.ServiceID != serviceID {
		return nil, http.StatusBadRequest, Error("INVALID_REQUEST", "service_id与创单时不一致 (service_id differs from the order's)")
	}
	p.expire(o)
	return o, 0, nil
}

// stateError refuses a move from the order's state.
func stateError(o *serviceOrder, action string) (int, any) {
	switch o.State {
	case "DONE":
		return http.StatusBadRequest, Error("ORDER_DONE", "订单已完成 (the order is DONE)")
	case "REVOKED":
		return http.StatusBadRequest, Error("ORDER_CANCELED", "订单已取消 (the order is REVOKED)")
	}
	desc := o.State
	if o.StateDescription != "" {
		desc += "/" + o.StateDescription
	}
	return http.StatusBadRequest, Error("INVALID_ORDER_STATE", "单据状态错误: 订单状态为 "+desc+", 不能"+action)
}

// sumAmounts sums the amount members of a post_payments / post_discounts array.
func sumAmounts(items []gjson.Result) int64 {
	var t int64
	for _, it := range items {
		t += it.Get("amount").Int()
	}
	return t
}

// checkAmounts validates post_payments and total_amount: total =
// Σ post_payments.amount − Σ post_discounts.amount.
func checkAmounts(f *fields) int64 {
	payments := f.array("post_payments")
	for i := range payments {
		f.str(fmt.Sprintf("post_payments.%d.name", i))
		f.integer(fmt.Sprintf("post_payments.%d.amount", i), 0)
	}
	total := f.integer("total_amount", 0)
	if f.err != nil {
		return 0
	}
	discounts := gjson.GetBytes(f.body, "post_discounts").Array()
	if want := sumAmounts(payments) - sumAmounts(discounts); total != want {
		f.fail("total_amount", fmt.Sprintf("应等于后付费项目金额之和减去优惠金额之和 %d (must equal Σpost_payments − Σpost_discounts)", want), total)
	}
	return total
}

// changeOrder is the common part of the order changes (complete, modify,
// cancel, sync): with p.mu held it loads the path's order (findOrder),
// answers an identical repeat of the order's last successful change as
// before (a client retry), and otherwise runs change, remembering a 200
// answer for such a repeat.
func (p *payscoreScenario) changeOrder(r *Request, op string, change func(f *fields, o *serviceOrder) (int, any)) (int, any) {
	f := newFields(r.Body)
	p.mu.Lock()
	defer p.mu.Unlock()
	o, status, eb := p.findOrder(r, f)
	if eb != nil {
		return status, eb
	}
	key := idemKey(op, r.Body)
	if d := o.last; d != nil && d.key == key {
		return d.status, d.body
	}
	status, body := change(f, o)
	if status != http.StatusOK {
		return status, body
	}
	return p.remember(o, key, status, body)
}

// keep stores those of the members keys that the JSON body has.
func (o *serviceOrder) keep(body []byte, keys ...string) {
	for _, k := range keys {
		if v := gjson.GetBytes(body, k); v.Exists() {
			o.fields[k] = json.RawMessage(v.Raw)
		}
	}
}

func (p *payscoreScenario) payscoreComplete(r *Request) (int, any) {
	return p.changeOrder(r, "complete", func(f *fields, o *serviceOrder) (int, any) {
		total := checkAmounts(f)
		if f.err != nil {
			return http.StatusBadRequest, f.err
		}
		if o.State != "DOING" || o.StateDescription != "USER_CONFIRM" {
			return stateError(o, "完结")
		}
		o.StateDescription, o.TotalAmount = "MCH_COMPLETE", total
		o.keep(r.Body, "post_payments", "post_discounts", "time_range", "location")
		return http.StatusOK, p.document(o)
	})
}

func (p *payscoreScenario) payscoreModify(r *Request) (int, any) {
	return p.changeOrder(r, "modify", func(f *fields, o *serviceOrder) (int, any) {
		total := checkAmounts(f)
		f.str("reason")
		if f.err != nil {
			return http.StatusBadRequest, f.err
		}
		if o.State != "DOING" || o.StateDescription != "MCH_COMPLETE" {
			return stateError(o, "修改金额")
		}
		o.TotalAmount = total
		o.keep(r.Body, "post_payments", "post_discounts")
		return http.StatusOK, p.document(o)
	})
}

func (p *payscoreScenario) payscoreCancel(r *Request) (int, any) {
	return p.changeOrder(r, "cancel", func(f *fields, o *serviceOrder) (int, any) {
		f.str("reason")
		if f.err != nil {
			return http.StatusBadRequest, f.err
		}
		if !(o.State == "CREATED" || (o.State == "DOING" && o.StateDescription == "USER_CONFIRM")) {
			return stateError(o, "取消")
		}
		o.State, o.StateDescription = "REVOKED", ""
		return http.StatusOK, map[string]any{
			"appid": o.AppID, "mchid": p.srv.MchID, "out_order_no": o.OutOrderNo, "service_id": o.ServiceID, "order_id": o.OrderID,
		}
	})
}

var paidTimePattern = regexp.MustCompile(`^\d{8}(\d{6})?$`)

func (p *payscoreScenario) payscoreSync(r *Request) (int, any) {
	return p.changeOrder(r, "sync", func(f *fields, o *serviceOrder) (int, any) {
		f.oneOf("type", "Order_Paid")
		f.object("detail")
		paid := f.str("detail.paid_time")
		if f.err == nil && !paidTimePattern.MatchString(paid) {
			f.fail("detail.paid_time", "格式应为yyyyMMddHHmmss或yyyyMMdd (format yyyyMMddHHmmss or yyyyMMdd)", paid)
		}
		if f.err == nil {
			layout := "20060102150405"[:len(paid)]
			if _, err := time.ParseInLocation(layout, paid, cst); err != nil {
				f.fail("detail.paid_time", "不是合法的时间 (not a valid time)", paid)
			}
		}
		if f.err != nil {
			return http.StatusBadRequest, f.err
		}
		if o.State != "DOING" || o.StateDescription != "MCH_COMPLETE" {
			return stateError(o, "同步收款")
		}
		if len(paid) == 8 {
			paid += "000000"
		}
		o.State, o.StateDescription, o.PaidTime = "DONE", "", paid
		return http.StatusOK, p.document(o)
	})
}

func (p *payscoreScenario) event(eventType, id string) (any, string, error) {
	switch eventType {
	case "PAYSCORE.USER_OPEN_SERVICE", "PAYSCORE.USER_CLOSE_SERVICE":
		// About a user's authorization (id: the openid); no order.
		res := maps.Clone(events[eventType].examples[""])
		res["mchid"], res["openid"] = p.srv.MchID, id
		res["openorclose_time"] = p.srv.BusinessTime().In(cst).Format("20060102150405")
		return res, "", nil
	case "PAYSCORE.USER_CONFIRM", "PAYSCORE.USER_PAID":
	default:
		return nil, "", errNoEvent
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.orders[id]
	if !ok {
		return nil, "", errNoEvent
	}
	p.expire(o)
	confirmed := o.State == "DOING" || o.State == "DONE"
	if eventType == "PAYSCORE.USER_CONFIRM" && !confirmed {
		return nil, "", fmt.Errorf("the order is %s: the user has not confirmed it (ConfirmServiceOrder)", o.State)
	}
	if eventType == "PAYSCORE.USER_PAID" && o.State != "DONE" {
		return nil, "", fmt.Errorf("the order is %s, not DONE", o.State)
	}
	d := p.document(o)
	if eventType == "PAYSCORE.USER_CONFIRM" {
		d["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
	}
	return d, o.NotifyURL, nil
}
