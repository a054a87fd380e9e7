package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// envSandboxAdmin names the admin API's URL (ending in /sandbox/admin/)
// for the admin subcommands; envSandboxToken (sandbox.go) its token.
const envSandboxAdmin = "WXPAY_SANDBOX_ADMIN"

// maxAdminAnswer bounds what is read of one admin answer (the notification
// list is bounded by the sandbox; a stranger at the URL is not).
const maxAdminAnswer = 8 << 20

// adminOptions are the flags every admin subcommand shares.
type adminOptions struct {
	admin string // --admin URL
	dir   string // --dir: the sandbox folder whose sandbox.env names the admin API
}

// adminClient calls a running sandbox's admin JSON API.
type adminClient struct {
	base  *url.URL
	token string
	hc    *http.Client
}

// adminClient finds the running sandbox: --admin, else $WXPAY_SANDBOX_ADMIN,
// else WECHATPAY_BASE_URL of DIR/sandbox.env + /sandbox/admin/ (the
// sandbox serves its admin API on the gateway's address). The token is
// $WXPAY_SANDBOX_TOKEN, else sandbox.env's, which is sent only to the
// admin URL of the same file.
func (a *app) adminClient(c *cobra.Command, o *adminOptions) (*adminClient, error) {
	for _, name := range a.g.flagNames() {
		if f := c.Flags().Lookup(name); f != nil && f.Changed {
			return nil, usageErrorf("--%s is for calls, not for %s: it talks to the sandbox's admin API (--admin)", name, c.CommandPath())
		}
	}
	dir := o.dir
	if dir == "" {
		dir = defaultSandboxDir(a.env)
	}
	file := map[string]string{}
	if dir != "" {
		path := filepath.Join(dir, sandboxEnv)
		// sandbox.env is a few lines; a path to /dev/zero must not read forever.
		if data, err := readCapped(path, 1<<20); err == nil {
			file = parseEnvFile(string(data))
		} else if o.dir != "" && !errors.Is(err, os.ErrNotExist) {
			if errors.Is(err, errTooLarge) {
				err = fmt.Errorf("%s is over 1 MiB", path)
			}
			return nil, usageErrorf("--dir: %w", err)
		}
	}
	fileAdmin := ""
	if b := file[wechatpay.EnvBaseURL]; b != "" {
		fileAdmin = strings.TrimSuffix(b, "/") + wechatpaytest.AdminPrefix
	}
	raw, from := o.admin, "--admin"
	if raw == "" {
		raw, from = a.env(envSandboxAdmin), "$"+envSandboxAdmin
	}
	if raw == "" {
		raw, from = fileAdmin, wechatpay.EnvBaseURL+" of "+filepath.Join(dir, sandboxEnv)
	}
	if raw == "" {
		return nil, usageErrorf("no running sandbox found: give --admin URL, set %s, or start 'wxpay sandbox' (it writes %s)",
			envSandboxAdmin, filepath.Join(dir, sandboxEnv))
	}
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, usageErrorf("%s %q: want the admin API's URL, e.g. http://127.0.0.1:8080%s", from, raw, wechatpaytest.AdminPrefix)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	token := a.env(envSandboxToken)
	if token == "" && fileAdmin != "" && strings.TrimSuffix(fileAdmin, "/") == strings.TrimSuffix(base.String(), "/") {
		token = file[envSandboxToken]
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if base.Scheme == "https" && dir != "" {
		// A --tls sandbox serves its own certificate: trust it too.
		if pem, err := os.ReadFile(filepath.Join(dir, sandboxCA)); err == nil {
			pool, err := x509.SystemCertPool()
			if err != nil {
				pool = x509.NewCertPool()
			}
			pool.AppendCertsFromPEM(pem)
			tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
	}
	return &adminClient{base: base, token: token, hc: &http.Client{
		Transport: tr,
		Timeout:   90 * time.Second, // above the longest long poll (changes, 60 s)
		// The token must not follow a redirect to another host.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// adminError is an answer of the admin API other than 2xx.
type adminError struct {
	Status  int
	Message string
}

func (e *adminError) Error() string {
	msg := fmt.Sprintf("wxpay: sandbox admin answered %d: %s", e.Status, e.Message)
	if e.Status == http.StatusUnauthorized {
		msg += " (set " + envSandboxToken + " to the token 'wxpay sandbox' printed at start; it is in its sandbox.env too)"
	}
	return msg
}

// do sends method path with in as its JSON body (nil: none) and decodes the
// answer into out (nil: ignored).
func (c *adminClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("wxpay: %w", err)
		}
		body = bytes.NewReader(b)
	}
	ref, err := url.Parse(path)
	if err != nil {
		return fmt.Errorf("wxpay: %w", err)
	}
	u := c.base.ResolveReference(ref)
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("wxpay: %w", err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("wxpay: no sandbox answers at %s (is 'wxpay sandbox' running?): %w", c.base, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAdminAnswer+1))
	if err != nil {
		return fmt.Errorf("wxpay: reading the sandbox's answer: %w", err)
	}
	if len(data) > maxAdminAnswer {
		return fmt.Errorf("wxpay: the sandbox's answer to %s %s is over %d bytes", method, path, maxAdminAnswer)
	}
	if res.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = http.StatusText(res.StatusCode)
		}
		return &adminError{Status: res.StatusCode, Message: e.Error}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("wxpay: the sandbox's answer to %s %s: %w", method, path, err)
		}
	}
	return nil
}
