package wechatpaytest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
)

// createBody is a valid payscore create body for out_order_no.
func createBody(no string, confirm bool) map[string]any {
	return map[string]any{
		"out_order_no":         no,
		"appid":                wechatpaytest.DemoAppID,
		"service_id":           wechatpaytest.DemoServiceID,
		"service_introduction": "充电宝租借",
		"risk_fund":            map[string]any{"name": "DEPOSIT", "amount": 10000},
		"time_range":           map[string]any{"start_time": "OnAccept"},
		"notify_url":           "https://example.com/notify",
		"need_user_confirm":    confirm,
	}
}

var (
	ids          = map[string]any{"appid": wechatpaytest.DemoAppID, "service_id": wechatpaytest.DemoServiceID}
	completeJSON = merge(ids, map[string]any{
		"post_payments":  []any{map[string]any{"name": "租借费", "amount": 4000, "count": 1}},
		"post_discounts": []any{map[string]any{"name": "新用户", "description": "首单", "amount": 1000}},
		"total_amount":   3000,
	})
	modifyJSON = merge(ids, map[string]any{
		"post_payments": []any{map[string]any{"name": "租借费", "amount": 2000}},
		"total_amount":  2000,
		"reason":        "用户投诉",
	})
	cancelJSON = merge(ids, map[string]any{"reason": "用户取消"})
	syncJSON   = merge(ids, map[string]any{"type": "Order_Paid", "detail": map[string]any{"paid_time": "20091225091010"}})
)

func merge(a, b map[string]any) map[string]any {
	m := map[string]any{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// step is one call in a payscore scenario.
type step struct {
	op        string // create, confirm, complete, modify, cancel, sync, query
	wantCode  string // "" for success
	wantState string // state (and /description) after the step, "" to skip
}

func TestPayscoreStateMachine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		confirm bool
		steps   []step
	}{
		{"full life", true, []step{
			{"create", "", "CREATED"}, {"complete", "INVALID_ORDER_STATE", "CREATED"}, {"confirm", "", "DOING/USER_CONFIRM"},
			{"modify", "INVALID_ORDER_STATE", ""}, {"sync", "INVALID_ORDER_STATE", ""},
			{"complete", "", "DOING/MCH_COMPLETE"}, {"complete", "", "DOING/MCH_COMPLETE"}, // identical repeat
			{"cancel", "INVALID_ORDER_STATE", ""}, {"modify", "", "DOING/MCH_COMPLETE"},
			{"sync", "", "DONE"}, {"sync", "", "DONE"}, {"cancel", "ORDER_DONE", "DONE"}, {"modify", "ORDER_DONE", ""},
		}},
		{"cancel created", true, []step{
			{"create", "", "CREATED"}, {"cancel", "", "REVOKED"}, {"cancel", "", "REVOKED"},
			{"complete", "ORDER_CANCELED", ""}, {"sync", "ORDER_CANCELED", "REVOKED"},
		}},
		{"no confirmation needed", false, []step{
			{"create", "", "DOING/USER_CONFIRM"}, {"cancel", "", "REVOKED"}, {"confirm", "not CREATED", ""},
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := wechatpaytest.NewServer()
			t.Cleanup(srv.Close)
			c := srv.Client()
			ctx := context.Background()
			no := "PS" + string(rune('A'+i)) + time.Now().Format("150405")
			for n, st := range tt.steps {
				var err error
				o := chain.O{"out_order_no": no}
				switch st.op {
				case "create":
					_, err = c.Chain("v3/payscore/serviceorder").Post(ctx, chain.O{"json": createBody(no, tt.confirm)})
				case "confirm":
					err = srv.ConfirmServiceOrder(no)
				case "complete", "modify", "cancel", "sync":
					o["json"] = map[string]map[string]any{"complete": completeJSON, "modify": modifyJSON, "cancel": cancelJSON, "sync": syncJSON}[st.op]
					_, err = c.Chain("v3/payscore/serviceorder/{out_order_no}/"+st.op).Post(ctx, o)
				}
				var apiErr *chain.APIError
				switch {
				case st.wantCode == "" && err != nil:
					t.Fatalf("step %d %s: %v", n, st.op, err)
				case st.wantCode != "" && st.op == "confirm":
					if err == nil || !strings.Contains(err.Error(), st.wantCode) {
						t.Fatalf("step %d confirm: err = %v, want %q", n, err, st.wantCode)
					}
				case st.wantCode != "":
					if !errors.As(err, &apiErr) || apiErr.Code != st.wantCode || apiErr.StatusCode != 400 || !apiErr.Verified {
						t.Fatalf("step %d %s: err = %v, want verified 400 %s", n, st.op, err, st.wantCode)
					}
				}
				if st.wantState == "" {
					continue
				}
				resp, err := c.Chain("v3/payscore/serviceorder").Get(ctx, chain.O{"query": map[string]string{
					"out_order_no": no, "service_id": wechatpaytest.DemoServiceID, "appid": wechatpaytest.DemoAppID}})
				if err != nil {
					t.Fatalf("step %d query: %v", n, err)
				}
				got := resp.Get("state").String()
				if d := resp.Get("state_description").String(); d != "" {
					got += "/" + d
				}
				if diff := cmp.Diff(st.wantState, got); diff != "" {
					t.Fatalf("step %d %s: state (-want +got):\n%s", n, st.op, diff)
				}
			}
		})
	}
}

func TestPayscoreValidation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct {
		name, method, target, body string
		status                     int
		code, field, location      string
	}{
		{"create without appid", "POST", "/v3/payscore/serviceorder",
			`{"out_order_no":"X1","service_id":"500001","service_introduction":"s","risk_fund":{"name":"DEPOSIT","amount":1},"time_range":{"start_time":"OnAccept"},"notify_url":"https://x"}`,
			400, "PARAM_ERROR", "/appid", "body"},
		{"create with bad risk fund", "POST", "/v3/payscore/serviceorder",
			`{"out_order_no":"X1","appid":"wx1","service_id":"500001","service_introduction":"s","risk_fund":{"name":"GOLD","amount":1},"time_range":{"start_time":"OnAccept"},"notify_url":"https://x"}`,
			400, "PARAM_ERROR", "/risk_fund/name", "body"},
		{"sync without paid_time", "POST", seedTarget,
			`{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{}}`,
			400, "PARAM_ERROR", "/detail/paid_time", "body"},
		{"sync with bad paid_time", "POST", seedTarget,
			`{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"2009-12-25"}}`,
			400, "PARAM_ERROR", "/detail/paid_time", "body"},
		{"sync with unknown type", "POST", seedTarget,
			`{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Lost","detail":{"paid_time":"20091225"}}`,
			400, "PARAM_ERROR", "/type", "body"},
		{"sync with other appid", "POST", seedTarget,
			`{"appid":"wx0000000000000000","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225"}}`,
			400, "INVALID_REQUEST", "", ""},
		{"sync of unknown order", "POST", "/v3/payscore/payafter-orders/NOPE/sync", seedBody, 404, "ORDER_NOT_EXIST", "", ""},
		{"query without service_id", "GET", "/v3/payscore/serviceorder?out_order_no=1234323JKHDFE1243252&appid=wxd678efh567hg6787", "",
			400, "PARAM_ERROR", "service_id", "query"},
		{"body not JSON", "POST", seedTarget, `not json`, 400, "PARAM_ERROR", "/", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.forTest(t)
			a := e.do(tt.method, tt.target, tt.body)
			got := []any{a.Status, a.get("code"), a.get("detail.field"), a.get("detail.location")}
			want := []any{tt.status, tt.code, tt.field, tt.location}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nbody %s", diff, a.Body)
			}
			if err := e.verify(a); err != nil {
				t.Errorf("error answer does not verify: %v", err)
			}
		})
	}
	if o, _ := e.srv.ServiceOrder(wechatpaytest.DemoOutOrderNo); o.State != "DOING" {
		t.Errorf("refused requests changed the demo order: %s", o.State)
	}
}

func TestPayscoreCreateIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	c, ctx := srv.Client(), context.Background()
	first, err := c.Chain("v3/payscore/serviceorder").Post(ctx, chain.O{"json": createBody("IDEM1", true)})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Chain("v3/payscore/serviceorder").Post(ctx, chain.O{"json": createBody("IDEM1", true)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(first.Body), string(again.Body)); diff != "" {
		t.Errorf("repeat (-first +again):\n%s", diff)
	}
	other := createBody("IDEM1", true)
	other["service_introduction"] = "另一个"
	_, err = c.Chain("v3/payscore/serviceorder").Post(ctx, chain.O{"json": other})
	var apiErr *chain.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "INVALID_REQUEST" {
		t.Errorf("same number, other parameters: %v, want INVALID_REQUEST", err)
	}
	if first.Get("package").String() == "" || first.Get("state").String() != "CREATED" {
		t.Errorf("create answer: %s", first.Body)
	}
}

func TestPayscoreExpiry(t *testing.T) {
	t.Parallel()
	now := time.Now()
	clock := func() time.Time { return now }
	srv := wechatpaytest.NewServer(wechatpaytest.WithNow(clock))
	t.Cleanup(srv.Close)
	srv.PutServiceOrder(wechatpaytest.ServiceOrder{OutOrderNo: "OLD1", AppID: wechatpaytest.DemoAppID, ServiceID: wechatpaytest.DemoServiceID,
		CreatedAt: now.Add(-31 * 24 * time.Hour)})
	o, ok := srv.ServiceOrder("OLD1")
	if !ok || o.State != "EXPIRED" {
		t.Fatalf("order = %+v, want EXPIRED", o)
	}
	_, err := srv.Client().Chain("v3/payscore/serviceorder/{out_order_no}/cancel").Post(context.Background(), chain.O{"out_order_no": "OLD1", "json": cancelJSON})
	var apiErr *chain.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "INVALID_ORDER_STATE" {
		t.Errorf("cancel of an expired order: %v, want INVALID_ORDER_STATE", err)
	}
}

func TestResetFixtures(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if a := e.do("POST", seedTarget, seedBody); a.Status != 200 {
		t.Fatalf("sync: %d %s", a.Status, a.Body)
	}
	e.srv.ResetFixtures()
	if o, _ := e.srv.ServiceOrder(wechatpaytest.DemoOutOrderNo); o.State != "DOING" || o.StateDescription != "MCH_COMPLETE" {
		t.Errorf("after reset: %s/%s, want DOING/MCH_COMPLETE", o.State, o.StateDescription)
	}
	if a := e.do("POST", seedTarget, seedBody); a.Status != 200 || a.get("state") != "DONE" {
		t.Errorf("sync after reset: %d %s", a.Status, a.Body)
	}
}
