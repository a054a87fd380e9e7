package chain_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/chain"
	gw "github.com/chainpay-go/wechatpay/internal/gateway"
)

const benchAnswer = `{"appid":"wxd678efh567hg6787","mchid":"1900000001","out_order_no":"1234323JKHDFE1243252","order_id":"10000000002019091450687490728211","state":"DONE"}`

// benchServer checks each request's signature and signs its answer, like
// the gateway; both benchmarks below pay the same server-side cost.
func benchServer(b *testing.B) *httptest.Server {
	testKeys(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := checkAuth(r.Method, r.RequestURI, r.Header.Get("Authorization"), body); err != nil {
			w.WriteHeader(401)
			io.WriteString(w, `{"code":"SIGN_ERROR","message":"bad signature"}`)
			return
		}
		h, err := gw.SignHeaders(r.Context(), platformSigner, testPlatformSerial, []byte(benchAnswer), time.Now())
		if err != nil {
			w.WriteHeader(500)
			return
		}
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Request-ID", "RID")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchAnswer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkChainPost is the seed call through the library: options map,
// template expansion, JSON encoding, resty, signing, verification.
func BenchmarkChainPost(b *testing.B) {
	srv := benchServer(b)
	c := seedClient(b, srv, "")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		seedCall(b, ctx, c)
	}
}

// BenchmarkChainPostWithBackup is BenchmarkChainPost with a backup host
// configured, as a client of the default BaseURL has one: the failover's
// per-attempt connection trace is what it adds (the backup is never used).
func BenchmarkChainPostWithBackup(b *testing.B) {
	srv := benchServer(b)
	c := seedClient(b, srv, "http://127.0.0.2:9/")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		seedCall(b, ctx, c)
	}
}

// seedClient is the benchmarks' client of srv (backup: Config.BackupBaseURL).
func seedClient(b *testing.B, srv *httptest.Server, backup string) *chain.Client {
	c, err := chain.NewClient(chain.Config{
		MchID: testMchID, Serial: testMerchantSerial, Signer: mustSigner(b),
		PlatformKeys:  map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey},
		BaseURL:       srv.URL,
		BackupBaseURL: backup,
		HTTPClient:    srv.Client(),
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// seedCall makes the seed call as users write it: a new Chain per call
// (the template comes from pathtpl's cache).
func seedCall(b *testing.B, ctx context.Context, c *chain.Client) {
	resp, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, seedOpts())
	if err != nil {
		b.Fatal(err)
	}
	if resp.Get("state").String() != "DONE" {
		b.Fatal(resp.String())
	}
}

// seedOrderNo and seedBody are the seed call's values, typed, for the floor.
const seedOrderNo = "1234323JKHDFE1243252"

// Fields in the order json.Marshal gives the map's keys: the same bytes.
var seedBody = struct {
	AppID  string `json:"appid"`
	Detail struct {
		PaidTime string `json:"paid_time"`
	} `json:"detail"`
	ServiceID string `json:"service_id"`
	Type      string `json:"type"`
}{AppID: "wxd678efh567hg6787", ServiceID: "500001", Type: "Order_Paid", Detail: struct {
	PaidTime string `json:"paid_time"`
}{"20091225091010"}}

// BenchmarkBaselineNetHTTP does the same sign / send / verify by hand with
// net/http and crypto/rsa: the floor the library is measured against.
func BenchmarkBaselineNetHTTP(b *testing.B) {
	srv := benchServer(b)
	hc := srv.Client()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		floorCall(b, ctx, hc, srv.URL)
	}
}

// floorCall is one seed call by hand: net/http, crypto/rsa, a typed body.
func floorCall(b *testing.B, ctx context.Context, hc *http.Client, base string) {
	// A true floor: the body from a typed struct, not json.Marshal of
	// the options map (which alone costs about 35 allocations).
	body, err := json.Marshal(&seedBody)
	if err != nil {
		b.Fatal(err)
	}
	target := "/v3/payscore/payafter-orders/" + seedOrderNo + "/sync"
	var nb [24]byte
	rand.Read(nb[:])
	nonce := base64.RawURLEncoding.EncodeToString(nb[:])
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	msg := "POST\n" + target + "\n" + ts + "\n" + nonce + "\n" + string(body) + "\n"
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(nil, merchantKey, crypto.SHA256, sum[:])
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+target, bytes.NewReader(body))
	req.Header.Set("Authorization", fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",signature="%s",timestamp="%s",serial_no="%s"`,
		testMchID, nonce, base64.StdEncoding.EncodeToString(sig), ts, testMerchantSerial))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "baseline/1.0")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("%d %s %v", resp.StatusCode, answer, err)
	}
	h := resp.Header
	if h.Get("Wechatpay-Serial") != testPlatformSerial {
		b.Fatal("serial")
	}
	rts, _ := strconv.ParseInt(h.Get("Wechatpay-Timestamp"), 10, 64)
	if d := time.Since(time.Unix(rts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		b.Fatal("skew")
	}
	vsum := sha256.Sum256([]byte(h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(answer) + "\n"))
	rawSig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		b.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(&platformKey.PublicKey, crypto.SHA256, vsum[:], rawSig); err != nil {
		b.Fatal(err)
	}
	if gjson.GetBytes(answer, "state").String() != "DONE" { // read as the library's Response.Get reads
		b.Fatal(string(answer))
	}
}

// BenchmarkChainPostVsFloor makes one call through the chain and one by
// hand (floorCall) per iteration, in alternating order, so that both meet
// the same load on a shared machine; it reports each side's median time
// per call and the ratio of the medians (issue 16 point 9: at most 1.05).
// Medians, because a call that the machine stalls for milliseconds would
// weigh on a sum. Its B/op and allocs/op are both calls together.
//
// Figures (2026-12-03, 2 shared cores, load average 3.5 to 7, six runs):
// chain/floor 1.001 1.010 1.011 1.012 1.013 1.182 (the last in a burst
// of load); BenchmarkChainPost 183 allocs/op, 22.9 KB against
// BenchmarkBaselineNetHTTP's 161, 18.6 KB (+22). Before this session's
// cuts (main at 0af2dab): 213 against 161 (+52), 1.016 ns/op.
func BenchmarkChainPostVsFloor(b *testing.B) {
	srv := benchServer(b)
	c := seedClient(b, srv, "")
	hc := srv.Client()
	ctx := context.Background()
	var pt pairTimes
	viaChain := func() {
		start := time.Now()
		seedCall(b, ctx, c)
		pt.a = append(pt.a, time.Since(start))
	}
	byHand := func() {
		start := time.Now()
		floorCall(b, ctx, hc, srv.URL)
		pt.b = append(pt.b, time.Since(start))
	}
	pt.run(b, viaChain, byHand)
	pt.report(b, "chain", "floor")
}

// pairTimes are the call times of the two sides of an interleaved
// benchmark (a and b).
type pairTimes struct{ a, b []time.Duration }

// run calls a and b once per iteration, alternating which goes first.
func (pt *pairTimes) run(b *testing.B, a, other func()) {
	n := 0
	for b.Loop() {
		if n%2 == 0 {
			a()
			other()
		} else {
			other()
			a()
		}
		n++
	}
}

// report gives each side's median call time and the ratio of the medians.
func (pt *pairTimes) report(b *testing.B, aName, bName string) {
	ma, mb := median(pt.a), median(pt.b)
	b.ReportMetric(float64(ma.Nanoseconds()), aName+"-ns/call")
	b.ReportMetric(float64(mb.Nanoseconds()), bName+"-ns/call")
	b.ReportMetric(float64(ma)/float64(mb), aName+"/"+bName)
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
