package chain_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// nativeOrder is a JSAPI-style native order with a misspelt amount member:
// two findings (amount.totl unknown, amount.total missing).
func nativeOrder(mchid string) chain.O {
	return chain.O{"json": map[string]any{
		"appid": "wxd678efh567hg6787", "mchid": mchid, "description": "QQ公仔",
		"out_trade_no": "T20261202001", "notify_url": "https://example.com/notify",
		"amount": map[string]any{"totl": 1},
	}}
}

func TestValidationModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mode    catalog.Mode
		perCall any // the "validation" option; nil for none
		refused bool
	}{
		{"Warn sends", catalog.Warn, nil, false},
		{"Strict refuses", catalog.Strict, nil, true},
		{"Off sends", catalog.Off, nil, false},
		{"Strict, Off for one call", catalog.Strict, catalog.Off, false},
		{"Warn, Strict for one call", catalog.Warn, catalog.Strict, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := wechatpaytest.NewServer()
			t.Cleanup(srv.Close)
			cfg := srv.Config()
			cfg.Validation = tt.mode
			c, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			opts := nativeOrder(srv.MchID)
			if tt.perCall != nil {
				opts["validation"] = tt.perCall
			}
			_, err = c.Chain("v3/pay/transactions/native").Post(context.Background(), opts)
			sent := len(srv.Requests()) == 1
			if tt.refused {
				if !errors.Is(err, chain.ErrInvalidOptions) || sent {
					t.Fatalf("err = %v, sent %v; want a refusal before sending", err, sent)
				}
				var f catalog.Finding
				if !errors.As(err, &f) || f.Field != "amount.totl" {
					t.Errorf("errors.As finding = %+v", f)
				}
				want := `chain: POST ` + srv.URL + `/v3/pay/transactions/native: invalid options: ` +
					`catalogue: body amount.totl: not a field of this operation; did you mean "total"?; ` +
					`catalogue: body amount.total: required`
				if err.Error() != want {
					t.Errorf("error\n%s\nwant\n%s", err, want)
				}
				return
			}
			// Sent: the simulator itself refuses the missing total.
			var apiErr *chain.APIError
			if !sent || !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
				t.Errorf("err = %v, sent %v; want the call sent and the gateway's 400", err, sent)
			}
		})
	}
}

func TestValidationWarnLogsOncePerTemplate(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	var out syncBuffer
	cfg := srv.Config()
	cfg.Validation = catalog.Warn
	cfg.Logger = slog.New(slog.NewJSONHandler(&out, nil))
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrder(srv.MchID))
	}
	var warnings []string
	for line := range strings.Lines(out.String()) {
		if strings.Contains(line, "does not match the API catalogue") {
			warnings = append(warnings, line)
		}
	}
	if len(warnings) != 2 {
		t.Fatalf("%d catalogue warnings for 3 calls with 2 findings, want 2:\n%s", len(warnings), out.String())
	}
	for _, want := range []string{`"level":"WARN"`, `"method":"POST"`, `"template":"v3/pay/transactions/native"`,
		`"location":"body"`, `"field":"amount.totl"`, `"issue":"not a field of this operation; did you mean \"total\"?"`,
		`"catalogue":"` + catalog.SourceVersion + `"`} {
		if !strings.Contains(warnings[0], want) {
			t.Errorf("warning lacks %s: %s", want, warnings[0])
		}
	}
	if !strings.Contains(warnings[1], `"field":"amount.total","issue":"required"`) {
		t.Errorf("second warning: %s", warnings[1])
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d calls sent, want 3 (Warn sends)", n)
	}
}

func TestValidationChecksTheRequestAsSent(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer() // its client is Strict
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	// Path values under the caller's own name, the query from the option.
	if _, err := c.Chain("v3/pay/transactions/id/<id>").Get(ctx, chain.O{"id": "4200000001", "query": map[string]string{"mchid": srv.MchID}}); errors.Is(err, chain.ErrInvalidOptions) {
		t.Errorf("complete query refused: %v", err)
	}
	// The query written into the template counts too.
	if _, err := c.Chain("v3/pay/transactions/id/{transaction_id}?mchid="+srv.MchID).Get(ctx, chain.O{"transaction_id": "4200000001"}); errors.Is(err, chain.ErrInvalidOptions) {
		t.Errorf("query in the template refused: %v", err)
	}
	_, err := c.Chain("v3/pay/transactions/id/{transaction_id}").Get(ctx, chain.O{"transaction_id": "4200000001"})
	if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), "catalogue: query mchid: required") {
		t.Errorf("missing mchid: %v", err)
	}
	// An encrypted field: with an encryptor the call goes, without it is refused.
	enc, err := c.Encryptor()
	if err != nil {
		t.Fatal(err)
	}
	order := func() chain.O {
		o := nativeOrder(srv.MchID)
		body := o["json"].(map[string]any)
		body["amount"] = map[string]any{"total": 1}
		body["payer"] = map[string]any{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "identity": map[string]any{"type": "IDCARD", "number": "x", "name": "y"}}
		return o
	}
	_, err = c.Chain("v3/pay/transactions/jsapi").Post(ctx, order())
	if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), "catalogue: header Wechatpay-Serial: the body sets the encrypted field payer.identity.name") { // encoding/json sorts the keys
		t.Errorf("encrypted field without an encryptor: %v", err)
	}
	withEnc := order()
	withEnc["encryptor"] = enc
	if _, err := c.Chain("v3/pay/transactions/jsapi").Post(ctx, withEnc); errors.Is(err, chain.ErrInvalidOptions) {
		t.Errorf("encrypted field with an encryptor refused: %v", err)
	}
	// An unknown operation names the nearest.
	_, err = c.Chain("v3/pay/transaction/native").Post(ctx, nativeOrder(srv.MchID))
	if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), "did you mean POST v3/pay/transactions/native?") {
		t.Errorf("unknown operation: %v", err)
	}
}

func TestValidationBadSettings(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.Validation = catalog.Mode(7)
	if _, err := wechatpay.New(cfg); err == nil || !strings.Contains(err.Error(), "Config.Validation") {
		t.Errorf("Mode(7): err = %v", err)
	}
	opts := nativeOrder(srv.MchID)
	opts["validation"] = "off"
	_, err := srv.Client().Chain("v3/pay/transactions/native").Post(context.Background(), opts)
	want := `"validation" must be a catalog.Mode (catalog.Warn, catalog.Strict or catalog.Off), got string`
	if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), want) {
		t.Errorf("validation option of the wrong type: %v", err)
	}
	if diff := cmp.Diff(0, len(srv.Requests())); diff != "" {
		t.Errorf("requests sent (-want +got):\n%s", diff)
	}
}
