package browsertest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
)

// browser starts headless Chromium, or skips the test when there is none.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no chromium on this machine (apt-get install chromium): the browser test skips")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// receiver is a notify_url: each notification it gets comes out of got as
// "SIGNATURE BODY" (its Wechatpay-Signature header, then the raw body).
func receiver(t *testing.T) (url string, got <-chan string) {
	ch := make(chan string, 8)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case ch <- r.Header.Get("Wechatpay-Signature") + " " + string(b):
		default:
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(ts.Close)
	return ts.URL, ch
}

// serveConsole serves srv's console at /console/ of a test server, and
// saves a screenshot of the page should the test fail.
func serveConsole(t *testing.T, ctx context.Context, srv *wechatpaytest.Server) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/console/", console.Handler(srv, "/console/"))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	screenshotOnFailure(t, ctx)
	return ts
}

// screenshotOnFailure saves the page when the test fails, to a path the
// output names (WXPAY_SCREENSHOT_DIR, or the test's temporary folder).
// Then it leaves the page, so that its live-update stream ends before the
// test's servers close (httptest.Server.Close waits for open requests).
func screenshotOnFailure(t *testing.T, ctx context.Context) {
	t.Cleanup(func() {
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		defer func() {
			if err := chromedp.Do(lctx, chromedp.Navigate("about:blank")); err != nil {
				t.Logf("leaving the page: %v", err)
			}
		}()
		if !t.Failed() {
			return
		}
		dir := os.Getenv("WXPAY_SCREENSHOT_DIR")
		if dir == "" {
			dir = t.TempDir()
		}
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)) // 100: PNG; below, JPEG
		if err != nil {
			t.Logf("screenshot failed: %v", err)
			return
		}
		p := filepath.Join(dir, t.Name()+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		t.Logf("screenshot saved to %s", p)
	})
}

func TestConsoleEscapesRequestValues(t *testing.T) {
	ctx := browser(t)
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)

	// The page must not load this: an onerror that ran would hit it.
	hit := make(chan string, 4)
	trap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit <- r.URL.String() }))
	t.Cleanup(trap.Close)
	payload := `<script>window.__pwned=1;fetch("` + trap.URL + `/script")</script><img src=x onerror="window.__pwned=2;fetch('` + trap.URL + `/img')">`
	_, _ = srv.Client().Chain("v3/pay/transactions/native").Post(ctx, chain.O{"json": chain.O{
		"appid": "wxd678efh567hg6787", "mchid": "1230000109", "description": payload,
		"out_trade_no": "XSS1", "notify_url": "https://example.com/notify", "amount": chain.O{"total": 1},
	}})
	if len(srv.Requests()) == 0 || !strings.Contains(string(srv.Requests()[0].Body), "<script>") {
		t.Fatalf("the simulator did not record the payload: %+v", srv.Requests())
	}

	ts := serveConsole(t, ctx, srv)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#log tbody tr`)),
		chromedp.Click(chromedp.CSS(`#log tbody tr`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail-body`)),
		chromedp.Sleep(500*time.Millisecond), // let a broken image's onerror fire, were it in the DOM
	)
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(`#detail-body`)))
	if err != nil {
		t.Fatal(err)
	}
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__pwned !== undefined || document.querySelector("#detail img, #log img") !== null`))
	if err != nil {
		t.Fatal(err)
	}
	if pwned {
		t.Errorf("a script from the request ran or an element from it entered the DOM")
	}
	select {
	case u := <-hit:
		t.Errorf("the page fetched %s: the payload ran", u)
	default:
	}
	if !strings.Contains(body, "<script>window.__pwned=1") || !strings.Contains(body, "<img src=x onerror=") {
		t.Errorf("the payload is not shown as text; detail body %q", body)
	}
}
