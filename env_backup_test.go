package wechatpay_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
)

// WECHATPAY_BACKUP_BASE_URL reaches Config.BackupBaseURL, and the client
// built from it fails over (or not) as that field says.
func TestConfigFromLookupBackupBaseURL(t *testing.T) {
	t.Parallel()
	f := setupEnvFiles(t)
	tests := []struct {
		name, value, want string
		bad               bool
	}{
		{"unset", "", "", false},
		{"off", "-", chain.NoBackupBaseURL, false},
		{"another host", "https://backup.example/", "https://backup.example/", false},
		{"not absolute", "api2.wechatpay.cn", "", true},
		{"not http", "ftp://api2.wechatpay.cn/", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := wechatpay.ConfigFromLookup(lookup(map[string]string{
				wechatpay.EnvMchID: "1900000001", wechatpay.EnvSerial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
				wechatpay.EnvPrivateKey: f.privateKey, wechatpay.EnvPlatformCerts: f.certs[0], wechatpay.EnvBackupBaseURL: tt.value,
			}))
			var ep *wechatpay.EnvProblem
			if tt.bad {
				if !errors.As(err, &ep) || ep.Var != wechatpay.EnvBackupBaseURL {
					t.Fatalf("err = %v, want an *EnvProblem naming %s", err, wechatpay.EnvBackupBaseURL)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, cfg.BackupBaseURL); diff != "" {
				t.Errorf("BackupBaseURL (-want +got):\n%s", diff)
			}
			if _, err := wechatpay.New(cfg); err != nil {
				t.Errorf("New: %v", err)
			}
		})
	}
}
