package wechatpaytest_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
)

func TestRequestsAreBounded(t *testing.T) {
	t.Parallel()
	e := setup(t, wechatpaytest.WithRecordLimit(3))
	for i := 0; i < 5; i++ {
		e.send("GET", fmt.Sprintf("/v3/anything/%d?x=a%%2Fb", i), "", "", nil) // refused requests are recorded too
	}
	var got []string
	for _, r := range e.srv.Requests() {
		got = append(got, r.Method+" "+r.URI)
		if r.RequestID == "" || r.Time.IsZero() {
			t.Errorf("record %+v lacks RequestID or Time", r)
		}
	}
	want := []string{"GET /v3/anything/2?x=a%2Fb", "GET /v3/anything/3?x=a%2Fb", "GET /v3/anything/4?x=a%2Fb"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Requests (-want +got):\n%s", diff)
	}
	e.srv.ResetRequests()
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("after reset: %d records", n)
	}
}

func TestRequestsRecordBodyAndHeaders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.do("POST", seedTarget, seedBody)
	recs := e.srv.Requests()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if string(r.Body) != seedBody || r.URI != seedTarget || !strings.HasPrefix(r.Header.Get("Authorization"), "WECHATPAY2-SHA256-RSA2048 ") {
		t.Errorf("record %+v", r)
	}
	if r.RequestID != a.Header.Get("Request-ID") {
		t.Errorf("record RequestID %q, answer %q", r.RequestID, a.Header.Get("Request-ID"))
	}
	// Records are copies.
	r.Body[0] = 'X'
	if e.srv.Requests()[0].Body[0] != '{' {
		t.Errorf("Requests shares its body buffer")
	}
}

func TestHandleUserRoute(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.Handle("GET", "/v3/marketing/favor/stocks/{stock_id}", func(r *wechatpaytest.Request) (int, any) {
		if r.Query.Get("stock_creator_mchid") == "" {
			return http.StatusBadRequest, wechatpaytest.ParamError("query", "stock_creator_mchid", "字段缺失")
		}
		r.ResponseHeader.Set("X-Route", r.Pattern())
		return http.StatusOK, map[string]string{"stock_id": r.Param("stock_id")}
	})
	a := e.do("GET", "/v3/marketing/favor/stocks/98%2F65?stock_creator_mchid=1", "")
	if a.Status != 200 || a.get("stock_id") != "98/65" || a.Header.Get("X-Route") != "/v3/marketing/favor/stocks/{stock_id}" {
		t.Errorf("user route: %d %s %v", a.Status, a.Body, a.Header)
	}
	if err := e.verify(a); err != nil {
		t.Error(err)
	}
	if a := e.do("GET", "/v3/marketing/favor/stocks/1", ""); a.Status != 400 || a.get("detail.location") != "query" {
		t.Errorf("user route error: %d %s", a.Status, a.Body)
	}
	// A user route replaces a built-in one.
	e.srv.Handle("POST", "/v3/payscore/payafter-orders/{out_order_no}/sync", func(r *wechatpaytest.Request) (int, any) {
		return http.StatusAccepted, map[string]string{"code": "USERPAYING"}
	})
	if a := e.do("POST", seedTarget, seedBody); a.Status != 202 {
		t.Errorf("overridden route: %d %s", a.Status, a.Body)
	}
	if a := e.do("GET", "/v3/nothing/here", ""); a.Status != 404 || a.get("code") != "RESOURCE_NOT_EXISTS" {
		t.Errorf("unknown route: %d %s", a.Status, a.Body)
	}
	if a := e.do("DELETE", seedTarget, ""); a.Status != 405 {
		t.Errorf("wrong method: %d %s", a.Status, a.Body)
	}
}

func TestServersShareKeys(t *testing.T) {
	t.Parallel()
	a, b := wechatpaytest.NewServer(), wechatpaytest.NewServer()
	defer a.Close()
	defer b.Close()
	if a.MerchantKey != b.MerchantKey || a.PlatformKey != b.PlatformKey || a.APIv3Key != b.APIv3Key || len(a.APIv3Key) != 32 {
		t.Errorf("servers do not share the process keys")
	}
	if a.URL == b.URL || !strings.HasPrefix(a.URL, "http://127.0.0.1:") {
		t.Errorf("URLs %q %q", a.URL, b.URL)
	}
}

func TestListenOptions(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	for name, opt := range map[string]wechatpaytest.Option{
		"listener": wechatpaytest.WithListener(l),
		"addr":     wechatpaytest.WithAddr("127.0.0.1:0"),
		"tls":      wechatpaytest.WithTLS(),
	} {
		t.Run(name, func(t *testing.T) {
			e := setup(t, opt)
			if name == "tls" && !strings.HasPrefix(e.srv.URL, "https://127.0.0.1:") {
				t.Errorf("URL = %q, want https", e.srv.URL)
			}
			if name == "listener" && e.srv.URL != "http://"+l.Addr().String() {
				t.Errorf("URL = %q, want the listener's address %s", e.srv.URL, l.Addr())
			}
			a := e.do("GET", "/v3/bill/tradebill?bill_date="+wechatpaytest.DemoBillDate, "")
			if a.Status != 200 || !strings.HasPrefix(a.get("download_url"), e.srv.URL+"/") {
				t.Errorf("bill: %d %s", a.Status, a.Body)
			}
		})
	}
}
