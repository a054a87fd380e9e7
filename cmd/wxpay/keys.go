package main

import (
	"cmp"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/chainpay-go/wechatpay"
)

// A use is what a command reads of the configuration: the settings it
// needs (setPlatformCerts standing for "a WeChat Pay key": the public key
// pair or platform certificates) and those it takes when they are set. The
// settings a command does not take are not read at all, so a broken one
// does not stop it.
type use struct {
	needs, takes []setting
}

var verificationSettings = []setting{setPublicKeyID, setPublicKey, setPlatformCerts}

var (
	// useCall: a call whose answers are verified.
	useCall = use{needs: []setting{setMchID, setSerial, setPrivateKey, setPlatformCerts}, takes: allSettings}
	// useBootstrap: the certificate download, with the APIv3 key instead
	// of verification keys (those given are taken).
	useBootstrap = use{needs: []setting{setMchID, setSerial, setPrivateKey, setAPIv3Key}, takes: allSettings}
	// usePrivateKey: signing for the front end.
	usePrivateKey = use{needs: []setting{setPrivateKey}, takes: []setting{setPrivateKey}}
	// useVerification: checking a captured callback.
	useVerification = use{needs: []setting{setPlatformCerts}, takes: verificationSettings}
)

// settingOf is the setting read as the variable name.
func settingOf(name string) (setting, bool) {
	for _, st := range allSettings {
		if st.Env == name {
			return st, true
		}
	}
	return setting{}, false
}

// value is the layered value of st as wechatpay.ConfigFromLookup reads
// it: the platform-certificate entries go one a line (a line break
// separates entries there, and no path or PEM block is cut by one).
func (s *settings) value(st setting) string {
	switch st {
	case setMchID:
		return s.MchID
	case setSerial:
		return s.Serial
	case setPrivateKey:
		return s.PrivateKey
	case setPublicKeyID:
		return s.PublicKeyID
	case setPublicKey:
		return s.PublicKey
	case setPlatformCerts:
		return strings.Join(s.PlatformCerts, "\n")
	case setAPIv3Key:
		return s.APIv3Key
	case setBaseURL:
		return s.BaseURL
	case setBackupBaseURL:
		return s.BackupBaseURL
	case setAPIv2Key:
		return s.APIv2Key
	case setClientCert:
		return s.ClientCert
	case setClientKey:
		return s.ClientKey
	}
	return ""
}

// lookup is the layered settings as a getenv function for
// wechatpay.ConfigFromLookup: the flag's value, else the variable's, else
// the profile's (resolve picked it); "" for what u does not take.
func (s *settings) lookup(u use) func(string) string {
	return func(name string) string {
		st, ok := settingOf(name)
		if !ok || !slices.Contains(u.takes, st) && !slices.Contains(u.needs, st) {
			return ""
		}
		return s.value(st)
	}
}

// source is where the value of st came from: a flag, a variable or a
// profile key.
func (s *settings) source(st setting) string {
	if f := s.from[st.Key]; f != "" {
		return f
	}
	return st.Env
}

// config reads the settings u uses with wechatpay.ConfigFromLookup, the one
// loader of keys, certificate folders and lists. Its problems are named
// after where each value came from (--private-key, WECHATPAY_PRIVATE_KEY or
// profiles.NAME.private_key); none holds a value. A needed setting that is
// missing is a usage error naming the flag, the variable and the profile
// key; problems about settings u does not need are dropped.
func (s *settings) config(u use) (wechatpay.Config, error) {
	cfg, err := wechatpay.ConfigFromLookup(s.lookup(u))
	var (
		ee          *wechatpay.EnvError
		pair, plain error // the first missing half of a pair, the first other missing setting
		problems    []error
		msgs        []string
	)
	if err != nil && !errors.As(err, &ee) {
		return wechatpay.Config{}, &configError{err: err}
	}
	if ee != nil {
		for _, p := range ee.Problems {
			var ep *wechatpay.EnvProblem
			st, known := setting{}, false
			if errors.As(p, &ep) {
				st, known = settingOf(ep.Var)
			}
			switch {
			case !known:
				problems, msgs = append(problems, p), append(msgs, p.Error())
			case errors.Is(p, wechatpay.ErrMissingEnv):
				switch e := s.absent(u, st); {
				case e == nil:
				case isPairHalf(st):
					pair = cmp.Or(pair, e)
				default:
					plain = cmp.Or(plain, e)
				}
			default:
				problems, msgs = append(problems, p), append(msgs, s.describe(st, ep.Err))
			}
		}
	}
	if slices.Contains(u.needs, setAPIv3Key) && cfg.APIv3Key == "" {
		plain = cmp.Or(plain, missing(setAPIv3Key, ""))
	}
	// Half a pair comes first: it is about what was given.
	if absent := cmp.Or(pair, plain); absent != nil {
		return wechatpay.Config{}, absent
	}
	if len(problems) > 0 {
		return wechatpay.Config{}, &configError{err: &sourcedError{msg: strings.Join(msgs, "; "), err: &wechatpay.EnvError{Problems: problems}}}
	}
	return cfg, nil
}

// absent is the usage error for a setting ConfigFromLookup found missing,
// or nil when u does not need it. Half a pair (a public key ID without its
// key, a client key without its certificate) is always an error: the half
// given was taken.
func (s *settings) absent(u use, st setting) error {
	switch st {
	case setPublicKey:
		return missing(st, "it goes with "+s.source(setPublicKeyID))
	case setPublicKeyID:
		return missing(st, "it goes with "+s.source(setPublicKey))
	case setClientCert:
		return missing(st, "it goes with "+s.source(setClientKey))
	}
	if !slices.Contains(u.needs, st) {
		return nil
	}
	if st == setPlatformCerts {
		return errNoVerificationKey()
	}
	return missing(st, "")
}

// isPairHalf reports whether a missing st is half a pair: ConfigFromLookup
// names these only when the other half is set.
func isPairHalf(st setting) bool {
	return st == setPublicKey || st == setPublicKeyID || st == setClientCert
}

// describe names a malformed setting by where it came from. A cause that
// is a rule ("must be 32 bytes, got 15") follows the noun.
func (s *settings) describe(st setting, cause error) string {
	if msg := cause.Error(); strings.HasPrefix(msg, "must ") {
		return fmt.Sprintf("%s %s (from %s)", st.Noun, msg, s.source(st))
	}
	return fmt.Sprintf("%s (from %s): %v", st.Noun, s.source(st), cause)
}

// sourcedError is configuration problems named after their sources; it
// unwraps to the library's *wechatpay.EnvError.
type sourcedError struct {
	msg string
	err error
}

func (e *sourcedError) Error() string { return e.msg }
func (e *sourcedError) Unwrap() error { return e.err }

// loadPrivateKey loads the merchant private key named by the settings.
func (s *settings) loadPrivateKey() (*rsa.PrivateKey, error) {
	cfg, err := s.config(usePrivateKey)
	if err != nil {
		return nil, err
	}
	return cfg.PrivateKey, nil
}

// verificationKeys loads the WeChat Pay public key and/or the platform
// certificates: serial (or PUB_KEY_ID_…) → key.
func (s *settings) verificationKeys() (map[string]*rsa.PublicKey, error) {
	cfg, err := s.config(useVerification)
	if err != nil {
		return nil, err
	}
	return cfg.PlatformKeys, nil
}
