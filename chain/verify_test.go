package chain_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

const okBody = `{"order_id":"10000000002019091450687490728211","state":"DONE"}`

func TestVerificationFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		rep  reply
		want error
	}{
		{"tampered body", reply{Body: okBody, Tamper: true}, signer.ErrBadSignature},
		{"stale timestamp", reply{Body: okBody, Timestamp: time.Now().Add(-10 * time.Minute)}, signer.ErrTimestampSkew},
		{"future timestamp", reply{Body: okBody, Timestamp: time.Now().Add(10 * time.Minute)}, signer.ErrTimestampSkew},
		{"unknown serial", reply{Body: okBody, Serial: "PUB_KEY_ID_0000000000000000000000000099"}, signer.ErrUnknownSerial},
		{"probe", reply{Body: okBody, Probe: true}, signer.ErrProbeSignature},
		{"unsigned", reply{Body: okBody, Unsigned: true}, signer.ErrMissingHeader},
		{"unsigned 204", reply{Status: 204, Unsigned: true}, signer.ErrMissingHeader},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, c := setup(t, func(seen, int) reply { return tc.rep })
			resp, err := c.Chain("v3/pay/transactions/id/{id}").Get(context.Background(), chain.O{"id": "4200"})
			if err == nil {
				t.Fatalf("accepted: %d %s", resp.StatusCode, resp.Body)
			}
			if resp != nil {
				t.Errorf("a failed call returned a response too")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("errors.Is(err, %v) = false: %v", tc.want, err)
			}
			var ve *chain.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("want *chain.VerifyError, got %T", err)
			}
			if ve.Response == nil || ve.Response.RequestID != "RID-1" || ve.Response.Verified {
				t.Errorf("VerifyError.Response = %+v", ve.Response)
			}
			if want := "chain: GET " + c.BaseURL() + "v3/pay/transactions/id/{id}: answer failed verification (Request-ID RID-1)"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q, want prefix %q", err, want)
			}
			if sig := ve.Response.Header.Get(signer.HeaderSignature); sig != "" && strings.Contains(err.Error(), sig) {
				t.Errorf("message contains the signature")
			}
			if n := g.hits.Load(); n != 1 {
				t.Errorf("a verification failure was retried: %d hits", n)
			}
		})
	}
}

func TestUnsignedPathsAreNotVerified(t *testing.T) {
	t.Parallel()
	_, c := setup(t, func(s seen, _ int) reply { return reply{Body: "bill,data\n", Unsigned: true} })
	cases := []struct {
		tpl  string
		opts chain.O
	}{
		{"v3/billdownload/file", chain.O{"query": map[string]any{"token": "abc"}}},
		{"v3/merchant-service/images/{media_id}", chain.O{"media_id": "Chs/Mz+U0=="}},
		{"v3/merchant-service/images/{+media_id}", chain.O{"media_id": "ChsMz+U0=="}},
	}
	for _, tc := range cases {
		resp, err := c.Chain(tc.tpl).Get(context.Background(), tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.tpl, err)
		}
		if resp.Verified || string(resp.Body) != "bill,data\n" {
			t.Errorf("%s: Verified=%v body %q", tc.tpl, resp.Verified, resp.Body)
		}
	}
	// The same unsigned answer on a signed path is refused.
	if _, err := c.Chain("v3/merchant-service/images/upload").Get(context.Background(), nil); !errors.Is(err, signer.ErrMissingHeader) {
		t.Errorf("images/upload must be verified: %v", err)
	}
}

func TestSuccessfulAnswer(t *testing.T) {
	t.Parallel()
	_, c := setup(t, func(s seen, _ int) reply { return reply{Status: 200, Body: okBody} })
	resp, err := c.Chain("v3/pay/transactions/id/{id}").Get(context.Background(), chain.O{"id": "4200"})
	if err != nil {
		t.Fatal(err)
	}
	got := struct {
		Status    int
		RequestID string
		Verified  bool
		OrderID   string
		Body      string
	}{resp.StatusCode, resp.RequestID, resp.Verified, resp.Get("order_id").String(), resp.String()}
	want := struct {
		Status    int
		RequestID string
		Verified  bool
		OrderID   string
		Body      string
	}{200, "RID-1", true, "10000000002019091450687490728211", okBody}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var v struct {
		State string `json:"state"`
	}
	if err := resp.Decode(&v); err != nil || v.State != "DONE" {
		t.Errorf("Decode: %v %+v", err, v)
	}
	var wrong struct {
		State int `json:"state"`
	}
	err = resp.Decode(&wrong)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "chain: ") {
		t.Errorf("Decode into the wrong type: %v, want a chain: error wrapping *json.UnmarshalTypeError", err)
	}
}

func TestNoContentAnswer(t *testing.T) {
	t.Parallel()
	_, c := setup(t, func(s seen, _ int) reply { return reply{Status: 204} })
	resp, err := c.Chain("v3/pay/transactions/out-trade-no/{n}/close").Post(context.Background(), chain.O{"n": "1", "json": map[string]string{"mchid": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 204 || !resp.Verified || len(resp.Body) != 0 {
		t.Errorf("got %d verified=%v body %q", resp.StatusCode, resp.Verified, resp.Body)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	const paramErr = `{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/currency","value":"XYZ","issue":"bad","location":"body"}}`
	cases := []struct {
		name string
		rep  reply
		want chain.APIError
		verr error
		msg  string
	}{
		{"signed 400", reply{Status: 400, Body: paramErr},
			chain.APIError{StatusCode: 400, Code: "PARAM_ERROR", Message: "参数错误", RequestID: "RID-1", Verified: true,
				Detail: []byte(`{"field":"/amount/currency","value":"XYZ","issue":"bad","location":"body"}`), Method: "POST", Template: "v3/pay/transactions/jsapi"},
			nil, "chain: POST v3/pay/transactions/jsapi: 400 PARAM_ERROR: 参数错误 (Request-ID RID-1)"},
		{"unsigned 404", reply{Status: 404, Body: `{"code":"ORDER_NOT_EXIST","message":"订单不存在"}`, Unsigned: true},
			chain.APIError{StatusCode: 404, Code: "ORDER_NOT_EXIST", Message: "订单不存在", RequestID: "RID-1", Method: "POST", Template: "v3/pay/transactions/jsapi"},
			nil, "chain: POST v3/pay/transactions/jsapi: 404 ORDER_NOT_EXIST: 订单不存在 (Request-ID RID-1) [unverified]"},
		{"tampered 403", reply{Status: 403, Body: `{"code":"NO_AUTH","message":"1"}`, Tamper: true},
			chain.APIError{StatusCode: 403, Code: "NO_AUTH", Message: "2", RequestID: "RID-1", Method: "POST", Template: "v3/pay/transactions/jsapi"},
			signer.ErrBadSignature, "chain: POST v3/pay/transactions/jsapi: 403 NO_AUTH: 2 (Request-ID RID-1) [unverified]"},
		{"not JSON 400", reply{Status: 400, Body: "<html>bad gateway</html>"},
			chain.APIError{StatusCode: 400, RequestID: "RID-1", Verified: true, Method: "POST", Template: "v3/pay/transactions/jsapi"},
			nil, "chain: POST v3/pay/transactions/jsapi: 400 Bad Request (Request-ID RID-1)"},
		{"redirect not followed", reply{Status: 302, Header: map[string]string{"Location": "/elsewhere"}},
			chain.APIError{StatusCode: 302, RequestID: "RID-1", Verified: true, Method: "POST", Template: "v3/pay/transactions/jsapi"},
			nil, "chain: POST v3/pay/transactions/jsapi: 302 Found (Request-ID RID-1)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, c := setup(t, func(seen, int) reply { return tc.rep })
			_, err := c.Chain("v3/pay/transactions/jsapi").Post(context.Background(), chain.O{"json": `{"a":1}`})
			var ae *chain.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("want *chain.APIError, got %T %v", err, err)
			}
			// Every call error names the host as well.
			tc.want.BaseURL, tc.want.Serial = c.BaseURL(), testMerchantSerial
			tc.msg = strings.Replace(tc.msg, "chain: POST ", "chain: POST "+c.BaseURL(), 1)
			if tc.verr != nil && !errors.Is(ae.VerifyErr, tc.verr) {
				t.Errorf("VerifyErr = %v, want %v", ae.VerifyErr, tc.verr)
			}
			if diff := cmp.Diff(tc.want, *ae, cmpIgnoreHeaderBody); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.msg, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if sig := ae.Header.Get(signer.HeaderSignature); sig != "" && strings.Contains(err.Error(), sig) {
				t.Error("message contains the signature")
			}
			if g.hits.Load() != 1 {
				t.Errorf("%d hits for a non-retryable answer", g.hits.Load())
			}
		})
	}
}

var cmpIgnoreHeaderBody = cmp.FilterPath(func(p cmp.Path) bool {
	s := p.String()
	return s == "Header" || s == "Body" || s == "VerifyErr"
}, cmp.Ignore())

func TestOnUnknownSerial(t *testing.T) {
	t.Parallel()
	var got []string
	var mu sync.Mutex
	_, c := setup(t, func(s seen, n int) reply {
		if n == 1 {
			return reply{Body: okBody, Serial: "PUB_KEY_ID_NEW"}
		}
		return reply{Status: 404, Body: `{"code":"X","message":"y"}`, Serial: "PUB_KEY_ID_NEWER"}
	}, func(o *chain.Config) {
		o.OnUnknownSerial = func(serial string) { mu.Lock(); got = append(got, serial); mu.Unlock() }
	})
	c.Chain("v3/x").Get(context.Background(), nil)
	c.Chain("v3/x").Get(context.Background(), nil)
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{"PUB_KEY_ID_NEW", "PUB_KEY_ID_NEWER"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Overseas statements are signed over {"sha1":"<Wechatpay-Statement-Sha1>"},
// and the body must hash to that value.
func TestStatementVerification(t *testing.T) {
	t.Parallel()
	const statement = "date,amount\n2026-11-27,100\n"
	sum := statementSHA1([]byte(statement))
	signed := `{"sha1":"` + sum + `"}`
	cases := []struct {
		name string
		body string
		want error
	}{
		{"genuine", statement, nil},
		{"other body with a genuine header", statement + "forged,1\n", signer.ErrBadSignature},
	}
	for _, tc := range cases {
		_, c := setup(t, func(seen, int) reply {
			return reply{Body: tc.body, Signed: &signed, Header: map[string]string{"Wechatpay-Statement-Sha1": sum}}
		})
		resp, err := c.Chain("v3/statements").Get(context.Background(), chain.O{"query": map[string]any{"date": "2026-11-27"}})
		if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
		if err == nil && (!resp.Verified || resp.String() != statement) {
			t.Errorf("%s: verified=%v body %q", tc.name, resp.Verified, resp.Body)
		}
	}
}
