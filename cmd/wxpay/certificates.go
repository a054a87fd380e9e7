package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/certs"
)

// certSummary is what certificates download prints per certificate.
type certSummary struct {
	SerialNo      string `json:"serial_no"`
	EffectiveTime string `json:"effective_time"`
	ExpireTime    string `json:"expire_time"`
	Expired       bool   `json:"expired"`
	Path          string `json:"path"`
}

// runCertificatesDownload downloads, verifies and writes the platform certificates.
func (a *app) runCertificatesDownload(c *cobra.Command, o *certificatesOptions) error {
	if o.out == "" {
		return usageErrorf("missing -o DIR (the folder to write the certificates into)")
	}
	s, err := a.g.resolve(c.Flags(), a.env)
	if err != nil {
		return err
	}
	client, err := a.newClient(s, needAPIv3Key)
	if err != nil {
		return err
	}
	list, err := certs.Download(c.Context(), client)
	if err != nil {
		if errors.Is(err, certs.ErrNoCertificates) {
			return &exitErr{Code: exitClientError, Err: err}
		}
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	now := time.Now()
	out := make([]certSummary, 0, len(list))
	for _, cert := range list {
		path := filepath.Join(o.out, "wechatpay_"+cert.Serial+".pem")
		if err := writeFileAtomic(path, cert.PEM, 0o644); err != nil {
			return fmt.Errorf("certificates: %w", err)
		}
		out = append(out, certSummary{
			SerialNo: cert.Serial, EffectiveTime: cert.EffectiveTime.Format(time.RFC3339),
			ExpireTime: cert.ExpireTime.Format(time.RFC3339), Expired: cert.Expired(now), Path: path,
		})
		fmt.Fprintf(a.stderr, "wrote %s (expires %s)\n", path, cert.ExpireTime.Format(time.RFC3339))
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Use them with --platform-certs %s (or WECHATPAY_PLATFORM_CERTS=%s)\n", o.out, o.out)
	return writeBody(a.stdout, append(b, '\n'), prettyAuto)
}

// writeFileAtomic writes data to a temporary file in the same folder and
// renames it over path, so that a reader never sees half a file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
