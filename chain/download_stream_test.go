package chain_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestOpenBill(t *testing.T) {
	t.Parallel()
	for _, gz := range []bool{false, true} {
		srv, c, content := setupDownload(t)
		info := requestBill(t, c, gz)
		s, err := c.OpenBill(context.Background(), info)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(s)
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("gzip %v: %d bytes, err %v", gz, len(got), err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if r := s.Result(); r == nil || r.HashType != "SHA1" || r.Written != int64(len(content)) {
			t.Errorf("result %+v", r)
		}

		// Tampered: the content streams, the final read fails.
		info = requestBill(t, c, gz)
		srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true})
		s, err = c.OpenBill(context.Background(), info)
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(s)
		if !errors.Is(err, chain.ErrHashMismatch) || len(got) != len(content) {
			t.Errorf("tampered: %d bytes, err %v", len(got), err)
		}
		if err := s.Close(); !errors.Is(err, chain.ErrHashMismatch) {
			t.Errorf("tampered Close: %v", err)
		}
	}
}

func TestOpenBillFailsBeforeContent(t *testing.T) {
	t.Parallel()
	_, c, _ := setupDownload(t)
	info := requestBill(t, c, false)
	info.HashType = "MD5"
	if s, err := c.OpenBill(context.Background(), info); !errors.Is(err, chain.ErrUnsupportedHash) || s != nil {
		t.Errorf("unsupported hash: %v, stream %v", err, s)
	}
	info = requestBill(t, c, false)
	info.DownloadURL += "x" // unknown token: 400 from the simulator
	var apiErr *chain.APIError
	if _, err := c.OpenBill(context.Background(), info); !errors.As(err, &apiErr) {
		t.Errorf("bad token: %v, want *APIError", err)
	}
}

func TestOpenBillCloseEarly(t *testing.T) {
	t.Parallel()
	_, c, _ := setupDownload(t)
	s, err := c.OpenBill(context.Background(), requestBill(t, c, false))
	if err != nil {
		t.Fatal(err)
	}
	var one [10]byte
	if _, err := io.ReadFull(s, one[:]); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err == nil {
		t.Errorf("Close before the end: nil error, want the stopped download's")
	}
	if _, err := s.Read(one[:]); err == nil {
		t.Errorf("Read after Close: nil error")
	}
}
