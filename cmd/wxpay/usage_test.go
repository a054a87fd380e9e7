package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHelpGolden pins the --help text of every command.
func TestHelpGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"help_root", []string{"--help"}},
		{"help_sandbox", []string{"sandbox", "--help"}},
		{"help_certificates", []string{"certificates", "--help"}},
		{"help_certificates_download", []string{"certificates", "download", "--help"}},
		{"help_notify", []string{"notify", "--help"}},
		{"help_notify_verify", []string{"notify", "verify", "--help"}},
		{"help_notify_decrypt", []string{"notify", "decrypt", "--help"}},
		{"help_sign", []string{"sign", "--help"}},
		{"help_sign_jsapi", []string{"sign", "jsapi", "--help"}},
		{"help_sign_app", []string{"sign", "app", "--help"}},
		{"help_download", []string{"download", "--help"}},
		{"help_download_bill", []string{"download", "bill", "--help"}},
		{"help_completion", []string{"completion", "--help"}},
		{"help_profiles", []string{"profiles", "--help"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setup(t)
			r := h.run("", tt.args...)
			if r.Code != exitOK {
				t.Errorf("exit %d, want 0; stderr:\n%s", r.Code, r.Stderr)
			}
			golden(t, tt.name, r.format())
		})
	}
}

// TestUsageErrorsGolden pins the message and exit status 2 of usage errors
// found before any configuration or network is needed.
func TestUsageErrorsGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"usage_no_args", "", nil},
		{"usage_unknown_method", "", []string{"fetch", "v3/certificates"}},
		{"usage_missing_template", "", []string{"GET"}},
		{"usage_unknown_flag", "", []string{"get", "v3/certificates", "--bogus"}},
		{"usage_group_alone", "", []string{"notify"}},
		{"usage_group_unknown", "", []string{"certificates", "upload"}},
		{"usage_extra_arg", "", []string{"sign", "jsapi", "extra"}},
		{"usage_bad_item", "", []string{"post", "v3/pay/transactions/native", "appid=wx1", "broken"}},
		{"usage_bad_raw_json", "", []string{"post", "v3/pay/transactions/native", "amount.total:=1OO"}},
		{"usage_bad_header", "", []string{"post", "v3/pay/transactions/native", "Bad Header:x"}},
		{"usage_json_conflict", `{"appid":"wx1"}`, []string{"post", "v3/pay/transactions/native", "--json", "-", "mchid=1"}},
		{"usage_bad_pretty", "", []string{"get", "v3/certificates", "--pretty", "rainbow"}},
		{"usage_completion_shell", "", []string{"completion", "tcsh"}},
		{"usage_missing_config", "", []string{"post", "v3/pay/transactions/native", "appid=wx1"}},
		{"usage_bad_template", "", []string{"get", "v3/pay/{broken"}},
		{"usage_sandbox_call_flag", "", []string{"sandbox", "--addr", "127.0.0.1:0", "--mchid", "1230000109"}},
		{"usage_get_with_body", "", []string{"get", "v3/pay/transactions/id/{transaction_id}", "transaction_id=4200000001", "mchid=1230000109"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setup(t)
			r := h.run(tt.stdin, tt.args...)
			if r.Code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.Code, exitUsage, r.Stderr)
			}
			if r.Stdout != "" {
				t.Errorf("stdout = %q, want nothing on a usage error", r.Stdout)
			}
			golden(t, tt.name, r.format())
		})
	}
}

// TestCompletion checks that every shell's completion script is produced.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, sh := range []struct{ shell, marker string }{
		{"bash", "__start_wxpay"},
		{"zsh", "#compdef wxpay"},
		{"fish", "complete -c wxpay"},
		{"powershell", "Register-ArgumentCompleter"},
	} {
		h := setup(t)
		r := h.run("", "completion", sh.shell)
		if r.Code != exitOK || !strings.Contains(r.Stdout, sh.marker) {
			t.Errorf("completion %s: exit %d, stdout lacks %q; stderr: %s", sh.shell, r.Code, sh.marker, r.Stderr)
		}
	}
}

// TestCompleteMethods: the shell completion offers the METHODs next to the
// commands.
func TestCompleteMethods(t *testing.T) {
	t.Parallel()
	h := setup(t)
	r := h.run("", "__complete", "p")
	want := "profiles\tList the profiles of the config file, without secrets\npost\tHTTP method\nput\tHTTP method\npatch\tHTTP method\n:4\n"
	if diff := cmp.Diff(want, r.Stdout); r.Code != exitOK || diff != "" {
		t.Errorf("exit %d; completions (-want +got):\n%s", r.Code, diff)
	}
	if r := h.run("", "__complete", ""); !strings.Contains(r.Stdout, "delete\tHTTP method") || !strings.Contains(r.Stdout, "sandbox\t") {
		t.Errorf("completing the first word: %q", r.Stdout)
	}
}
