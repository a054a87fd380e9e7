package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/chainpay-go/wechatpay/signer"
)

// checkIdentifiers checks --serial and --public-key-id before they reach
// the library, whose errors quote the value: a secret pasted into the wrong
// flag (an APIv3 key, say) must not be printed back. The error names the
// setting and where it came from, and the value's length only.
func (s *settings) checkIdentifiers() error {
	if s.Serial != "" {
		if _, err := signer.NormalizeSerial(s.Serial); err != nil && !errors.Is(err, signer.ErrDecimalSerial) {
			return &configError{fmt.Errorf("the merchant certificate Serial (from %s) is not a serial number in hex (%d characters; the value is not shown)",
				s.from[setSerial.Key], len(s.Serial))}
		}
	}
	if id := strings.TrimSpace(s.PublicKeyID); id != "" && !strings.HasPrefix(id, signer.PublicKeyIDPrefix) {
		if _, err := signer.NormalizeSerial(id); err != nil {
			return &configError{fmt.Errorf("%s (from %s) does not start with %s (%d characters; the value is not shown)",
				setPublicKeyID.What, s.from[setPublicKeyID.Key], signer.PublicKeyIDPrefix, len(id))}
		}
	}
	return nil
}

// statCertEntry is os.Stat for one --platform-certs entry; for an entry
// that does not exist, the error shows it only if it looks like a path (a
// separator or a dot), else its position: it may be a misplaced secret.
func statCertEntry(e string, i int) (fs.FileInfo, error) {
	fi, err := os.Stat(e)
	if err == nil {
		return fi, nil
	}
	if strings.ContainsAny(e, `/\.`) {
		return nil, err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return nil, fmt.Errorf("entry %d (%d characters, not a path; the value is not shown): %w", i+1, len(e), err)
}
