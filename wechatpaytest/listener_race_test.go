package wechatpaytest_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestListenerRequestBeforeNewServerReturns sends a request on a listener
// that the caller owns before NewServer has returned: the server must answer
// it with its final URL (a bill's download_url names it) and without a data
// race on Server.URL (run under -race).
func TestListenerRequestBeforeNewServerReturns(t *testing.T) {
	t.Parallel()
	ref := wechatpaytest.NewServer() // the keys are shared per process
	t.Cleanup(ref.Close)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := signer.NewRSASigner(ref.MerchantKey)
	if err != nil {
		t.Fatal(err)
	}
	a := &signer.Authorizer{MchID: ref.MchID, Serial: ref.MerchantSerial, Signer: rs}
	target := "/v3/bill/tradebill?bill_date=" + wechatpaytest.DemoBillDate
	auth, err := a.Authorize(context.Background(), "GET", target, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nAuthorization: %s\r\nConnection: close\r\n\r\n", target, l.Addr(), auth)

	srv := wechatpaytest.NewServer(wechatpaytest.WithListener(l))
	t.Cleanup(srv.Close)

	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	if _, err := bufio.NewReader(resp.Body).WriteTo(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body.String())
	}
	want := "http://" + l.Addr().String() + "/v3/billdownload/file?"
	if got := gjson.Get(body.String(), "download_url").String(); !strings.HasPrefix(got, want) {
		t.Errorf("download_url = %q, want prefix %q", got, want)
	}
}
