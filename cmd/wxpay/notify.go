package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

// runNotify verifies (and with decrypt, decrypts) a captured callback.
func (a *app) runNotify(c *cobra.Command, args []string, decrypt bool) error {
	mode, err := parsePrettyMode(a.pretty)
	if err != nil {
		return err
	}
	s, err := a.g.resolve(c.Flags(), a.env)
	if err != nil {
		return err
	}
	if err := s.needVerification(); err != nil {
		return err
	}
	if decrypt {
		if err := s.need(setAPIv3Key); err != nil {
			return err
		}
	}
	captured, name, err := a.readCapture(args)
	if err != nil {
		return err
	}
	keys, err := s.verificationKeys()
	if err != nil {
		return err
	}
	// A capture is verified later than it arrived: check the signature at the
	// moment the callback was signed, not now.
	at := signedAt(captured.Header)
	if !decrypt {
		v := &signer.Verifier{Keys: signer.NewKeyStore(keys), Now: at}
		if err := v.Verify(captured.Header, captured.Body); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(a.stderr, "Signature OK  Wechatpay-Serial: %s  Wechatpay-Timestamp: %s\n",
			captured.Header.Get(signer.HeaderSerial), captured.Header.Get(signer.HeaderTimestamp))
		return writeBody(a.stdout, captured.Body, mode)
	}
	p, err := notify.NewParser(keys, s.APIv3Key, notify.WithNow(at), notify.WithMaxBodySize(maxCapturedSize))
	if err != nil {
		return err
	}
	n, err := p.ParseRaw(captured.Header, captured.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(a.stderr, "Signature OK  Wechatpay-Serial: %s  id: %s  event_type: %s\n", n.Serial, n.ID, n.EventType)
	return writeBody(a.stdout, n.Plaintext, mode)
}

// readCapture reads the captured callback from FILE or stdin.
func (a *app) readCapture(args []string) (*capturedCallback, string, error) {
	var (
		r    io.Reader = a.stdin
		name           = "stdin"
	)
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", usageErrorf("captured callback %s: file does not exist", args[0])
		}
		if err != nil {
			return nil, "", fmt.Errorf("captured callback: %w", err)
		}
		defer f.Close()
		r, name = f, args[0]
	}
	c, err := readCaptured(r)
	if errors.Is(err, notify.ErrMalformed) || errors.Is(err, notify.ErrBodyTooLarge) {
		// Like --json with invalid JSON: what the user gave is not a capture.
		return nil, "", usageErrorf("%s: %w", name, err)
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	return c, name, nil
}

// signedAt is a clock frozen at the capture's Wechatpay-Timestamp (time.Now
// when the header is unusable, so that the verifier reports it).
func signedAt(h http.Header) func() time.Time {
	vals := h.Values(signer.HeaderTimestamp)
	if len(vals) == 1 {
		if sec, err := strconv.ParseInt(vals[0], 10, 64); err == nil && sec > 0 {
			t := time.Unix(sec, 0)
			return func() time.Time { return t }
		}
	}
	return time.Now
}
