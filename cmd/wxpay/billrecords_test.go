package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestDownloadBillRecords(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	h.srv.SetBillSourceFor(wechatpaytest.BillTradeAll, "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillTradeAll, 12))
	h.srv.SetBillSourceFor(wechatpaytest.BillFund, "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 6))
	// A bill whose summary does not match its rows.
	h.srv.SetBill("2026-11-28", []byte("\xef\xbb\xbf交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注\n"+
		"`2019-06-11 10:07:32,`wx1,`1900000001,`0,`,`42001,`O1,`oU,`JSAPI,`SUCCESS,`OTHERS,`CNY,`1.00,`0.00,`QQ公仔,`,`0.00600,`0.60%,`1.00,`\n"+
		"总交易单数,应结订单总金额,手续费总金额,订单总金额\n`1,`9.00,`0.00600,`1.00\n"))

	t.Run("csv", func(t *testing.T) {
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--bill-type", "ALL", "--format", "csv")
		if r.Code != exitOK {
			t.Fatalf("exit %d; stderr %s", r.Code, r.Stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
		if len(lines) != 13 || strings.Contains(r.Stdout, "`") || strings.HasPrefix(lines[0], "\xef\xbb\xbf") {
			t.Errorf("stdout %q", r.Stdout)
		}
		if !strings.HasPrefix(lines[1], "2019-06-11 00:00:01,wxd678efh567hg6787,") {
			t.Errorf("first record %q", lines[1])
		}
		if !strings.Contains(r.Stderr, "12 records, summary checked (7 columns, 0 unchecked), SHA1") {
			t.Errorf("stderr %q", r.Stderr)
		}
	})
	t.Run("json fund", func(t *testing.T) {
		r := h.run("", "download", "bill", "--type", "fund", "--date", "2026-11-27", "--format", "json", "--tar-type", "GZIP")
		if r.Code != exitOK {
			t.Fatalf("exit %d; stderr %s", r.Code, r.Stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
		if len(lines) != 6 {
			t.Fatalf("stdout %q", r.Stdout)
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(lines[2]), &m); err != nil {
			t.Fatal(err)
		}
		if m["备注"] != "第一行第二行" || m["收支类型"] != "收入" || m["收支金额(元)"] != "1.12" {
			t.Errorf("record %v", m)
		}
	})
	t.Run("table and summary to a file", func(t *testing.T) {
		out := filepath.Join(h.dir, "bill.txt")
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--format", "table", "--summary", "-o", out)
		if r.Code != exitOK {
			t.Fatalf("exit %d; stderr %s", r.Code, r.Stderr)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
		// Aligned: the column after 交易时间 starts at the same cell in every line.
		col := displayWidth(strings.SplitN(lines[0], "公众账号ID", 2)[0])
		for _, l := range lines[1:] {
			if w := displayWidth(strings.SplitN(l, "wxd678efh567hg6787", 2)[0]); w != col {
				t.Fatalf("misaligned: %d vs %d in %q", w, col, l)
			}
		}
		if !strings.Contains(r.Stderr, "手续费总金额") || !strings.Contains(r.Stderr, "ok") {
			t.Errorf("summary missing from stderr %q", r.Stderr)
		}
	})
	t.Run("summary only", func(t *testing.T) {
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--summary")
		if r.Code != exitOK || !strings.Contains(r.Stdout, "总交易单数") || !strings.Contains(r.Stdout, "12") {
			t.Errorf("exit %d, stdout %q; stderr %s", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("summary mismatch", func(t *testing.T) {
		r := h.run("", "download", "bill", "--date", "2026-11-28", "--format", "csv", "--summary")
		if r.Code != exitVerify || r.Stdout != "" {
			t.Errorf("exit %d, stdout %q", r.Code, r.Stdout)
		}
		if !strings.Contains(r.Stderr, "应结订单总金额: summary says 9.00, the rows of 应结订单金额 add up to 1.00") || !strings.Contains(r.Stderr, "MISMATCH") {
			t.Errorf("stderr %q", r.Stderr)
		}
	})
	t.Run("hash mismatch", func(t *testing.T) {
		h.srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true})
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--format", "json")
		if r.Code != exitVerify || r.Stdout != "" || !strings.Contains(r.Stderr, "SHA1 of the content is") {
			t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("bad format", func(t *testing.T) {
		if r := h.run("", "download", "bill", "--date", "2026-11-27", "--format", "xml"); r.Code != exitUsage {
			t.Errorf("exit %d", r.Code)
		}
	})
}
