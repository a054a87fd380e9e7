package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestAPIList(t *testing.T) {
	t.Parallel()
	h := setup(t)
	r := h.run("", "api", "ls")
	if r.Code != exitOK || strings.Count(r.Stdout, "\n") != 1155 {
		t.Fatalf("api ls: exit %d, %d lines; stderr %s", r.Code, strings.Count(r.Stdout, "\n"), r.Stderr)
	}
	r = h.run("", "api", "ls", "退款", "domestic")
	want := "POST   v3/refund/domestic/refunds  申请退款API\n" +
		"GET    v3/refund/domestic/refunds/{out_refund_no}  查询单笔退款API\n" +
		"POST   v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund  发起异常退款\n"
	if diff := cmp.Diff(want, r.Stdout); diff != "" || r.Code != exitOK {
		t.Errorf("api ls 退款 domestic: exit %d (-want +got):\n%s", r.Code, diff)
	}
	if r := h.run("", "api", "ls", "no-such-word"); r.Code != exitUsage {
		t.Errorf("api ls no-such-word: exit %d, want %d", r.Code, exitUsage)
	}
}

func TestAPIShow(t *testing.T) {
	t.Parallel()
	h := setup(t)
	r := h.run("", "api", "show", "post", "v3/refund/domestic/refunds")
	golden(t, "api_show_refund", r.format())
	// Any variable syntax, and a concrete path.
	for _, tpl := range []string{"v3/refund/domestic/refunds/<no>", "v3/refund/domestic/refunds/R1"} {
		r := h.run("", "api", "show", "get", tpl)
		if r.Code != exitOK || !strings.HasPrefix(r.Stdout, "GET v3/refund/domestic/refunds/{out_refund_no}  查询单笔退款API\n") {
			t.Errorf("api show get %s: exit %d, stdout %.80q", tpl, r.Code, r.Stdout)
		}
	}
	r = h.run("", "api", "show", "post", "v3/pay/transaction/jsapi")
	if r.Code != exitUsage || !strings.Contains(r.Stderr, "did you mean POST v3/pay/transactions/jsapi") {
		t.Errorf("unknown operation: exit %d, stderr %s", r.Code, r.Stderr)
	}
	if r := h.run("", "api", "show", "post"); r.Code != exitUsage {
		t.Errorf("api show post: exit %d, want %d", r.Code, exitUsage)
	}
}

// splitShell splits a line as a POSIX shell would, for the quoting
// shellQuote writes (single quotes, '\” inside).
func splitShell(line string) []string {
	var words []string
	start, quoted := 0, false
	for i := 0; i <= len(line); i++ {
		if i < len(line) && line[i] == '\'' {
			quoted = !quoted
		}
		if i == len(line) || line[i] == ' ' && !quoted {
			if i > start {
				words = append(words, shellUnquote(line[start:i]))
			}
			start = i + 1
		}
	}
	return words
}

// TestAPIExampleRunsAgainstTheSimulator: the printed line is a call the
// simulator accepts as it is, and it matches the catalogue (--strict).
// The catalogue's example out_trade_no is the simulator's demo order
// (already paid), so the order-creating lines run against a simulator
// without fixtures, one each; the query runs against the demo order.
func TestAPIExampleRunsAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	type step struct {
		method, template string
		answer           string // a member of the answer; "" for none
	}
	runs := []struct {
		fixtures bool
		steps    []step
	}{
		{false, []step{
			{"post", "v3/pay/transactions/jsapi", "prepay_id"},
			{"get", "v3/pay/transactions/out-trade-no/{out_trade_no}", "trade_state"},
			{"post", "v3/pay/transactions/out-trade-no/{out_trade_no}/close", ""},
		}},
		{false, []step{{"post", "v3/pay/transactions/native", "code_url"}}},
		{false, []step{{"post", "v3/pay/transactions/app", "prepay_id"}}},
		{true, []step{{"get", "v3/pay/transactions/out-trade-no/{out_trade_no}", "trade_state"}}},
	}
	for _, run := range runs {
		var h *simHarness
		if run.fixtures {
			h = setupSim(t)
		} else {
			h = setupSim(t, wechatpaytest.WithoutFixtures())
		}
		for _, tt := range run.steps {
			r := h.run("", "api", "example", tt.method, tt.template)
			if r.Code != exitOK {
				t.Fatalf("api example %s %s: exit %d, stderr %s", tt.method, tt.template, r.Code, r.Stderr)
			}
			args := splitShell(strings.TrimSpace(r.Stdout))
			if args[0] != "wxpay" {
				t.Fatalf("example line %q", r.Stdout)
			}
			call := h.run("", append([]string{"--strict"}, args[1:]...)...)
			if call.Code != exitOK || tt.answer != "" && !gjson.Get(call.Stdout, tt.answer).Exists() {
				t.Errorf("%s\nexit %d, stdout %s, stderr %s", r.Stdout, call.Code, call.Stdout, call.Stderr)
			}
		}
	}
	h := setupSim(t)
	// mchid is the configured merchant, not the catalogue's example.
	r := h.run("", "api", "example", "post", "v3/pay/transactions/jsapi")
	if !strings.Contains(r.Stdout, " mchid="+h.srv.MchID+" ") {
		t.Errorf("example line %q lacks mchid=%s", r.Stdout, h.srv.MchID)
	}
	for _, op := range [][]string{{"post", "v2/pay/closeorder"}, {"post", "v3/merchant/media/upload"}} {
		if r := h.run("", append([]string{"api", "example"}, op...)...); r.Code != exitUsage {
			t.Errorf("api example %q: exit %d, want %d", op, r.Code, exitUsage)
		}
	}
}

func TestAPIExampleLine(t *testing.T) {
	t.Parallel()
	h := setup(t)
	tests := []struct {
		method, template, want string
	}{
		{"post", "v3/pay/transactions/jsapi", "wxpay post v3/pay/transactions/jsapi appid=wxd678efh567hg6787 mchid=1230000109 " +
			"'description=Image形象店-深圳腾大-QQ公仔' out_trade_no=1217752501201407033233368018 amount.total:=100 " +
			"notify_url=https://www.weixin.qq.com/wxpay/pay.php payer.openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\n"},
		{"get", "v3/pay/transactions/id/{transaction_id}", "wxpay get 'v3/pay/transactions/id/{transaction_id}' " +
			"transaction_id=1217752501201407033233368018 mchid==1230000109\n"},
	}
	for _, tt := range tests {
		r := h.run("", "api", "example", tt.method, tt.template)
		if diff := cmp.Diff(tt.want, r.Stdout); diff != "" {
			t.Errorf("api example %s %s (-want +got):\n%s", tt.method, tt.template, diff)
		}
	}
}

func TestStrictRefusesBeforeSending(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	args := []string{"post", "v3/pay/transactions/native", "appid=wxd678efh567hg6787", "mchid=" + h.srv.MchID,
		"description=x", "out_trade_no=T20261202001", "notify_url=https://example.com/n", "amount.totl:=1"}
	n := len(h.srv.Requests())
	r := h.run("", append([]string{"--strict"}, args...)...)
	want := "wxpay: --strict: POST v3/pay/transactions/native does not match the catalogue (version 1.1.20), nothing sent:\n" +
		"  body amount.totl: not a field of this operation; did you mean \"total\"?\n" +
		"  body amount.total: required\n" +
		"Run 'wxpay --help' for usage.\n"
	if diff := cmp.Diff(want, r.Stderr); diff != "" || r.Code != exitUsage {
		t.Errorf("--strict: exit %d (-want +got):\n%s", r.Code, diff)
	}
	if len(h.srv.Requests()) != n {
		t.Error("--strict sent the call")
	}
	// Warn, the default: the same findings on stderr, and the call goes out
	// (the gateway decides: here it refuses the missing total).
	r = h.run("", args...)
	for _, w := range []string{
		"wxpay: warning: body amount.totl: not a field of this operation; did you mean \"total\"?",
		"wxpay: warning: body amount.total: required",
	} {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("warn mode stderr lacks %q:\n%s", w, r.Stderr)
		}
	}
	if len(h.srv.Requests()) != n+1 || r.Code != exitClientError {
		t.Errorf("warn mode: exit %d, %d requests, want the call sent and refused by the gateway", r.Code, len(h.srv.Requests())-n)
	}
}

func TestCompleteTemplates(t *testing.T) {
	t.Parallel()
	h := setup(t)
	r := h.run("", "__complete", "post", "v3/refund/dom")
	want := "v3/refund/domestic/refunds\t申请退款API\n" +
		"v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund\t发起异常退款\n" +
		":4\nCompletion ended with directive: ShellCompDirectiveNoFileComp\n"
	if diff := cmp.Diff(want, r.Stdout+r.Stderr); diff != "" {
		t.Errorf("completion of post v3/refund/dom (-want +got):\n%s", diff)
	}
	r = h.run("", "__complete", "po")
	if !strings.HasPrefix(r.Stdout, "post\tHTTP method\n") {
		t.Errorf("completion of po: %q", r.Stdout)
	}
	r = h.run("", "__complete", "api", "show", "get", "/v3/refund/domestic/refunds/")
	if !strings.HasPrefix(r.Stdout, "/v3/refund/domestic/refunds/{out_refund_no}\t") {
		t.Errorf("completion of api show get /v3/refund/domestic/refunds/: %q", r.Stdout)
	}
}

func TestAPIShowColour(t *testing.T) {
	t.Parallel()
	op, err := lookupOperation("post", "v3/pay/transactions/jsapi")
	if err != nil {
		t.Fatal(err)
	}
	var plain, colour strings.Builder
	if err := showOperation(&plain, op, false); err != nil {
		t.Fatal(err)
	}
	if err := showOperation(&colour, op, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour without a terminal")
	}
	for _, want := range []string{ansiBold + "appid" + ansiReset, ansiRed + "*" + ansiReset} {
		if !strings.Contains(colour.String(), want) {
			t.Errorf("terminal output lacks %q", want)
		}
	}
	// Colour does not change the layout.
	strip := strings.NewReplacer(ansiBold, "", ansiDim, "", ansiRed, "", ansiCyan, "", ansiReset, "")
	if diff := cmp.Diff(plain.String(), strip.Replace(colour.String())); diff != "" {
		t.Errorf("layout differs with colour (-plain +colour):\n%s", diff)
	}
}
