package main

import (
	"errors"
	"fmt"

	"github.com/chainpay-go/wechatpay/signer"
)

// Exit statuses of wxpay.
const (
	exitOK          = 0 // 2xx
	exitError       = 1 // anything else: network, key files, I/O
	exitUsage       = 2 // bad arguments, flags, items or configuration
	exitVerify      = 3 // the answer failed signature verification
	exitClientError = 4 // 4xx
	exitServerError = 5 // 5xx
)

// exitError carries an exit status with an error. A nil Err means the
// message was already printed.
type exitErr struct {
	Code int
	Err  error
}

func (e *exitErr) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *exitErr) Unwrap() error { return e.Err }

// usageError marks an error in what the user typed (exit status 2). err,
// when set, is the cause it wraps (errors.Is/As see through it).
type usageError struct {
	msg string
	err error
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf formats like fmt.Errorf: a %w verb wraps its error.
func usageErrorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &usageError{msg: err.Error(), err: errors.Unwrap(err)}
}

// configError is a configuration the library refuses (bad serial, key
// file, …): like a usage error, exit status 2.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// isUsage reports whether err is a usage error.
func isUsage(err error) bool {
	var (
		u *usageError
		c *configError
	)
	return errors.As(err, &u) || errors.As(err, &c)
}

// exitCode maps an error to wxpay's exit status.
func exitCode(err error) int {
	var ee *exitErr
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.Code
	case isVerifyFailure(err):
		return exitVerify
	case isUsage(err):
		return exitUsage
	}
	return exitError
}

// verifySentinels are the signer errors that mean "the signature of what
// WeChat Pay sent does not check out".
var verifySentinels = []error{signer.ErrMissingHeader, signer.ErrTimestampSkew, signer.ErrUnknownSerial, signer.ErrProbeSignature, signer.ErrBadSignature}

// isVerifyFailure reports whether err is a verification failure.
func isVerifyFailure(err error) bool {
	var ve *signer.SignatureError
	if errors.As(err, &ve) {
		return true
	}
	for _, s := range verifySentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
