package chain

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Which backup a Config gives: on by default for the default BaseURL only,
// another with BackupBaseURL, none with NoBackupBaseURL.
func TestBackupBaseURLConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, backup string
		want               string // "" for no failover
		wantErr            string // substring of the error
	}{
		{name: "default", want: DefaultBackupBaseURL},
		{name: "default spelled out", base: DefaultBaseURL, want: DefaultBackupBaseURL},
		{name: "default without slash", base: strings.TrimSuffix(DefaultBaseURL, "/"), want: DefaultBackupBaseURL},
		{name: "default off", backup: NoBackupBaseURL},
		{name: "default, another backup", backup: "https://backup.example.com", want: "https://backup.example.com/"},
		{name: "custom base: none", base: "https://gw.example.com/"},
		{name: "custom base off", base: "https://gw.example.com/", backup: NoBackupBaseURL},
		{name: "custom base, custom backup", base: "http://127.0.0.1:9/", backup: "http://127.0.0.1:10/", want: "http://127.0.0.1:10/"},
		{name: "backup is the base", base: "https://gw.example.com", backup: "https://gw.example.com/", wantErr: "Config.BackupBaseURL \"https://gw.example.com/\" is BaseURL itself"},
		{name: "backup with /v3", backup: "https://backup.example.com/v3/", wantErr: "Config.BackupBaseURL: \"https://backup.example.com/v3/\" ends in /v3"},
		{name: "backup with a query", backup: "https://backup.example.com/?x=1", wantErr: "Config.BackupBaseURL: \"https://backup.example.com/?x=1\": must not carry"},
		{name: "backup not http", backup: "ftp://backup.example.com/", wantErr: "Config.BackupBaseURL: \"ftp://backup.example.com/\": want an absolute http(s) URL"},
		{name: "backup with spaces only", backup: " ", wantErr: "Config.BackupBaseURL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(Config{MchID: "1900000001", Serial: "ABC", Signer: fakeSigner{}, APIv3Key: strings.Repeat("k", 32),
				BaseURL: tc.base, BackupBaseURL: tc.backup})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "chain: ") {
					t.Fatalf("NewClient: %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if c.fo != nil {
				got = c.fo.backup
				if _, ok := c.rc.GetClient().Transport.(*failoverTransport); !ok {
					t.Errorf("transport %T, want the failover's", c.rc.GetClient().Transport)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("backup (-want +got):\n%s", diff)
			}
		})
	}
}

// toBackup keeps the path and query exactly (the signature is made over
// them after the move) and sets Host.
func TestFailoverToBackupKeepsTarget(t *testing.T) {
	t.Parallel()
	f := &failover{primary: "https://api.mch.weixin.qq.com/", backup: "http://127.0.0.1:8080/gw/"}
	const target = "/v3/merchant-service/images/ChsyMDIzMDEwMTEyMzQ1Njc4OTAxMjM%2FNTY3ODkwMTI%2BMzQ1Njc4OTAxMjM0NTY3OA%3D%3D?a=%2B1&b=x%20y"
	hr, err := http.NewRequest(http.MethodGet, "https://api.mch.weixin.qq.com"+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.toBackup(hr) {
		t.Fatal("toBackup refused a URL on the primary")
	}
	got := []string{hr.URL.Scheme, hr.URL.Host, hr.Host, hr.URL.RequestURI()}
	want := []string{"http", "127.0.0.1:8080", "127.0.0.1:8080", "/gw" + target}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("moved request (-want +got):\n%s", diff)
	}
	other, _ := http.NewRequest(http.MethodGet, "https://elsewhere.example.com/v3/x", nil)
	if f.toBackup(other) {
		t.Errorf("toBackup moved a URL that is not on the primary: %s", other.URL)
	}
}

// What an attempt says about its host, from the trace and the error.
func TestConnTraceVerdict(t *testing.T) {
	t.Parallel()
	refused := errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	tests := []struct {
		name     string
		get, got bool
		resp     bool
		err      error
		cancel   bool
		want     reach
	}{
		{name: "dial failed", get: true, err: refused, want: reachNone},
		{name: "answered", get: true, got: true, resp: true, want: reachSome},
		{name: "written, then broken", get: true, got: true, err: errors.New("EOF"), want: reachSome},
		{name: "no trace (a transport of the caller's)", err: refused, want: reachUnknown},
		{name: "refused before sending", get: true, err: ErrNotSent, want: reachUnknown},
		{name: "the caller's context ended", get: true, err: context.Canceled, cancel: true, want: reachUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ct connTrace
			ct.get.Store(tc.get)
			ct.got.Store(tc.got)
			var resp *http.Response
			if tc.resp {
				resp = &http.Response{}
			}
			ctx, cancel := context.WithCancel(t.Context())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			if got := ct.verdict(ctx, resp, tc.err); got != tc.want {
				t.Errorf("verdict = %v, want %v", got, tc.want)
			}
		})
	}
}

// The client's choice, step by step on a fake clock: the switch after
// failoverAfter failures, the cool-down, one probe at a time, a probe that
// never reports (its claim lapses after a cool-down), a connection had on
// the primary ending the preference.
func TestFailoverChoice(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &failover{primary: "https://p.example/", backup: "https://b.example/"}
		type pick struct{ Backup, Probe bool }
		start := func() pick { b, p := f.start(); return pick{b, p} }
		steps := []struct {
			name string
			do   func()
			want pick
		}{
			{"fresh", func() {}, pick{}},
			{"two failures", func() { f.record(false, false, reachNone); f.record(false, false, reachNone) }, pick{}},
			{"a connection resets the count", func() { f.record(false, false, reachSome) }, pick{}},
			{"failures on the backup do not count", func() {
				for range failoverAfter {
					f.record(true, false, reachNone)
				}
			}, pick{}},
			{"unknown verdicts do not count", func() {
				for range failoverAfter {
					f.record(false, false, reachUnknown)
				}
			}, pick{}},
			{"three failures", func() {
				for range failoverAfter {
					f.record(false, false, reachNone)
				}
			}, pick{Backup: true}},
			{"in the cool-down", func() { time.Sleep(failoverCoolDown - time.Nanosecond) }, pick{Backup: true}},
			{"after it: the probe", func() { time.Sleep(time.Nanosecond) }, pick{Probe: true}},
			{"others stay on the backup meanwhile", func() {}, pick{Backup: true}},
			{"a probe that never reports lapses", func() { time.Sleep(failoverCoolDown) }, pick{Probe: true}},
			{"a probe with no verdict frees the claim", func() { f.record(false, true, reachUnknown) }, pick{Probe: true}},
			{"a refused probe: another cool-down", func() { f.record(false, true, reachNone) }, pick{Backup: true}},
			{"still", func() { time.Sleep(failoverCoolDown - time.Nanosecond) }, pick{Backup: true}},
			{"a connection to the primary ends it", func() { f.record(false, false, reachSome) }, pick{}},
		}
		for _, s := range steps {
			s.do()
			if diff := cmp.Diff(s.want, start()); diff != "" {
				t.Fatalf("%s (-want +got):\n%s", s.name, diff)
			}
		}
	})
}
