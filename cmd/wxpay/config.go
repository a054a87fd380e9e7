package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/keysrc"
)

// setting describes one configuration value and where it can come from.
type setting struct {
	Key  string // key in a config-file profile
	Flag string // command-line flag
	Env  string // environment variable: the name wechatpay.ConfigFromLookup asks for
	What string // for messages and help
	Noun string // what a problem with the value is about
}

// The settings, in the order help and messages list them. The variable
// names are wechatpay.ConfigFromEnv's, shared with cmd/example; the CLI
// layers flags and a config file over them (settings.lookup) and lets
// wechatpay.ConfigFromLookup read and check the values.
var (
	setMchID         = setting{"mchid", "mchid", wechatpay.EnvMchID, "merchant ID", "merchant ID"}
	setSerial        = setting{"serial", "serial", wechatpay.EnvSerial, "merchant API certificate serial number (hex)", "merchant certificate Serial"}
	setPrivateKey    = setting{"private_key", "private-key", wechatpay.EnvPrivateKey, "merchant API private key (file path or PEM)", "merchant private key"}
	setPublicKeyID   = setting{"public_key_id", "public-key-id", wechatpay.EnvPublicKeyID, "WeChat Pay public key ID (PUB_KEY_ID_...)", "WeChat Pay public key ID"}
	setPublicKey     = setting{"public_key", "public-key", wechatpay.EnvPublicKey, "WeChat Pay public key (file path or PEM)", "WeChat Pay public key"}
	setPlatformCerts = setting{"platform_certs", "platform-certs", wechatpay.EnvPlatformCerts, "WeChat Pay platform certificates (a folder, or a list of files)", "platform certificates"}
	setAPIv3Key      = setting{"apiv3_key", "apiv3-key", wechatpay.EnvAPIv3Key, "APIv3 key (32 bytes)", "APIv3Key"}
	setBaseURL       = setting{"base_url", "base-url", wechatpay.EnvBaseURL, "API base URL (default " + chain.DefaultBaseURL + ")", "base URL"}
	setBackupBaseURL = setting{"backup_base_url", "backup-base-url", wechatpay.EnvBackupBaseURL, "backup host for failover (default " + chain.DefaultBackupBaseURL + " with the default base URL; - for none)", "backup base URL"}
	setAPIv2Key      = setting{"apiv2_key", "apiv2-key", wechatpay.EnvAPIv2Key, "APIv2 key (32 characters; v2/… XML calls)", "APIv2Key"}
	setClientCert    = setting{"client_cert", "client-cert", wechatpay.EnvClientCert, "merchant API certificate for mutual TLS: apiclient_cert.pem (with --client-key) or apiclient_cert.p12", "client certificate"}
	setClientKey     = setting{"client_key", "client-key", wechatpay.EnvClientKey, "apiclient_key.pem, with a PEM --client-cert", "client certificate key"}
)

var allSettings = []setting{setMchID, setSerial, setPrivateKey, setPublicKeyID, setPublicKey, setPlatformCerts, setAPIv3Key, setBaseURL, setBackupBaseURL,
	setAPIv2Key, setClientCert, setClientKey}

// globalOptions are the flags every command shares.
type globalOptions struct {
	values     map[string]*string // by setting key
	certs      []string           // --platform-certs (repeatable, comma-separated)
	configPath string
	profile    string
	verbose    bool
	timeout    time.Duration
}

func newGlobalOptions() *globalOptions {
	return &globalOptions{values: map[string]*string{}}
}

// register adds the shared flags to fs.
func (g *globalOptions) register(fs *pflag.FlagSet) {
	for _, s := range allSettings {
		if s == setPlatformCerts {
			fs.StringSliceVar(&g.certs, s.Flag, nil, s.What+" [$"+s.Env+"]")
			continue
		}
		v := new(string)
		g.values[s.Key] = v
		fs.StringVar(v, s.Flag, "", s.What+" [$"+s.Env+"]")
	}
	fs.StringVar(&g.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/wxpay/config.json or ~/.config/wxpay/config.json)")
	fs.StringVar(&g.profile, "profile", "", "profile of the config file to use (default: the file's default_profile, else \"default\")")
	fs.DurationVar(&g.timeout, "timeout", 30*time.Second, "limit for a whole call, retries included")
	fs.BoolVarP(&g.verbose, "verbose", "v", false, "print request and response headers to stderr (signature redacted)")
}

// flagNames lists the shared flags register adds.
func (g *globalOptions) flagNames() []string {
	names := make([]string, 0, len(allSettings)+4)
	for _, s := range allSettings {
		names = append(names, s.Flag)
	}
	return append(names, "config", "profile", "timeout", "verbose")
}

// settings is the layered configuration: flags over environment over
// config file, as text. config turns it into a wechatpay.Config.
type settings struct {
	MchID, Serial, PrivateKey, PublicKeyID, PublicKey string
	PlatformCerts                                     []string
	APIv3Key, BaseURL, BackupBaseURL                  string
	APIv2Key, ClientCert, ClientKey                   string
	from                                              map[string]string // setting key → where the value came from
}

// configFile is the JSON config file: named profiles of settings.
//
//	{"default_profile": "shop",
//	 "profiles": {"shop": {"mchid": "1900000001", "serial": "…", "private_key": "/path/apiclient_key.pem",
//	                       "public_key_id": "PUB_KEY_ID_…", "public_key": "/path/pub_key.pem",
//	                       "platform_certs": ["/path/certs"], "apiv3_key": "…", "base_url": "…"}}}
type configFile struct {
	DefaultProfile string                     `json:"default_profile"`
	Profiles       map[string]json.RawMessage `json:"profiles"`
}

// profile is one entry of configFile.Profiles.
type profile struct {
	MchID         string     `json:"mchid"`
	Serial        string     `json:"serial"`
	PrivateKey    string     `json:"private_key"`
	PublicKeyID   string     `json:"public_key_id"`
	PublicKey     string     `json:"public_key"`
	PlatformCerts stringList `json:"platform_certs"`
	APIv3Key      string     `json:"apiv3_key"`
	BaseURL       string     `json:"base_url"`
	BackupBaseURL string     `json:"backup_base_url"`
	APIv2Key      string     `json:"apiv2_key"`
	ClientCert    string     `json:"client_cert"`
	ClientKey     string     `json:"client_key"`
}

// stringList accepts a JSON string or an array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = splitList(one)
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("platform_certs must be a string or an array of strings")
	}
	*l = many
	return nil
}

// splitList splits a list given as one string (keysrc.SplitList); PEM text
// is kept whole, for wechatpay.ConfigFromLookup to read.
func splitList(s string) []string {
	if strings.Contains(s, "-----BEGIN") {
		return []string{s}
	}
	return keysrc.SplitList(s)
}

// defaultConfigPath is $XDG_CONFIG_HOME/wxpay/config.json, else ~/.config/wxpay/config.json.
func defaultConfigPath(env func(string) string) string {
	return xdgPath(env, "XDG_CONFIG_HOME", ".config", "config.json")
}

// xdgPath is name in the wxpay folder of an XDG base directory: under
// $xdgVar when that is an absolute path, else under ~/homeDir; "" when
// HOME is not set either.
func xdgPath(env func(string) string, xdgVar, homeDir, name string) string {
	if x := env(xdgVar); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "wxpay", name)
	}
	if h := env("HOME"); h != "" {
		return filepath.Join(h, homeDir, "wxpay", name)
	}
	return ""
}

// maxConfigFile bounds how much of a config file is read: a profile file is
// a few hundred bytes; --config /dev/zero must not read until memory runs out.
const maxConfigFile = 1 << 20

// errTooLarge is readCapped's answer for a file over its limit.
var errTooLarge = errors.New("file too large")

// readCapped reads at most limit bytes of the file at path; a longer file
// (or an endless one such as /dev/zero) gives errTooLarge.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// profileSource names a config-file profile in messages.
type profileSource struct {
	name, path string
}

// key names one key of the profile: profiles.NAME.KEY, and the file.
func (p *profileSource) key(k string) string {
	name := "." + p.name
	if p.name == "" || strings.ContainsAny(p.name, ".[]\" \t\r\n") {
		name = "[" + strconv.Quote(p.name) + "]"
	}
	return fmt.Sprintf("profiles%s.%s, profile %q of %s", name, k, p.name, p.path)
}

// readConfigFile reads and decodes the config file at path.
func readConfigFile(path string) (*configFile, error) {
	data, err := readCapped(path, maxConfigFile)
	if errors.Is(err, errTooLarge) {
		return nil, usageErrorf("config file %s is larger than %d bytes", path, maxConfigFile)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &usageError{msg: fmt.Sprintf("config file %s does not exist", path), err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var cf configFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return nil, usageErrorf("config file %s: %w", path, err)
	}
	return &cf, nil
}

// names lists the profiles in name order.
func (cf *configFile) names() []string { return slices.Sorted(maps.Keys(cf.Profiles)) }

// decode decodes the profile called name, refusing unknown keys. Relative
// paths in it are made relative to the file's folder (path), not to where
// wxpay happens to run.
func (cf *configFile) decode(name, path string) (*profile, error) {
	raw, ok := cf.Profiles[name]
	if !ok {
		return nil, usageErrorf("config file %s has no profile %q (profiles: %s)", path, name, strings.Join(cf.names(), ", "))
	}
	var p profile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, usageErrorf("config file %s, profile %q: %w", path, name, err)
	}
	base := filepath.Dir(path)
	p.PrivateKey = relativeTo(base, p.PrivateKey)
	p.PublicKey = relativeTo(base, p.PublicKey)
	p.ClientCert = relativeTo(base, p.ClientCert)
	p.ClientKey = relativeTo(base, p.ClientKey)
	for i, c := range p.PlatformCerts {
		p.PlatformCerts[i] = relativeTo(base, c)
	}
	return &p, nil
}

// profileFor is the name of the one profile whose mchid is mchID: --mchid
// picks the merchant's profile.
func (cf *configFile) profileFor(mchID, path string) (string, error) {
	var found, all []string
	for _, name := range cf.names() {
		p, err := cf.decode(name, path)
		if err != nil {
			return "", err
		}
		all = append(all, fmt.Sprintf("%s (%s)", name, shownMchID(p.MchID)))
		if strings.TrimSpace(p.MchID) == mchID {
			found = append(found, name)
		}
	}
	switch len(found) {
	case 0:
		return "", usageErrorf("--mchid %s: no profile of %s has this merchant ID (profiles: %s); choose one with --profile to use it with another merchant ID",
			shownMchID(mchID), path, strings.Join(all, ", "))
	case 1:
		return found[0], nil
	}
	return "", usageErrorf("--mchid %s: the profiles %s of %s all have this merchant ID: choose one with --profile", shownMchID(mchID), strings.Join(found, ", "), path)
}

// shownMchID is a merchant ID as messages and listings show it: digits as
// they are, anything else (a secret pasted into the wrong place, say) by its
// length only.
func shownMchID(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "(no mchid)"
	}
	for _, r := range v {
		if r < '0' || r > '9' || len(v) > 32 {
			return fmt.Sprintf("(not a merchant ID: %d characters, not shown)", len(v))
		}
	}
	return v
}

// loadProfile reads the profile to use from the config file: --profile,
// else the one whose mchid is --mchid, else the file's default_profile,
// else "default". A missing default file, or one with no profile chosen and
// none called default, is not an error (nil, nil, nil).
func (g *globalOptions) loadProfile(flags *pflag.FlagSet, env func(string) string) (*profile, *profileSource, error) {
	path, explicit := g.configPath, g.configPath != ""
	if !explicit {
		path = defaultConfigPath(env)
	}
	if path == "" {
		if g.profile != "" {
			return nil, nil, usageErrorf("--profile %q: no config file (set --config or HOME)", g.profile)
		}
		return nil, nil, nil
	}
	cf, err := readConfigFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit && g.profile == "" {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	name := g.profile
	if f := flags.Lookup(setMchID.Flag); name == "" && f != nil && f.Changed && len(cf.Profiles) > 0 {
		if name, err = cf.profileFor(strings.TrimSpace(*g.values[setMchID.Key]), path); err != nil {
			return nil, nil, err
		}
	}
	if name == "" {
		name = cf.DefaultProfile
	}
	if name == "" {
		name = "default"
		if _, ok := cf.Profiles[name]; !ok {
			return nil, nil, nil // no profile chosen and none called default
		}
	}
	p, err := cf.decode(name, path)
	if err != nil {
		return nil, nil, err
	}
	return p, &profileSource{name: name, path: path}, nil
}

// relativeTo joins a relative file path onto base; PEM text, URLs such as
// file://… and absolute paths are returned unchanged. So is a value that
// looks like a secret pasted into the wrong key (32 characters or more, all
// of the base64 alphabet: an APIv3 key, a key without its PEM lines): the
// library's errors do not print such a value, but would print it as part
// of a longer path.
func relativeTo(base, v string) string {
	if v == "" || strings.Contains(v, "-----BEGIN") || strings.Contains(v, "://") || filepath.IsAbs(v) || mayBeSecret(v) {
		return v
	}
	return filepath.Join(base, v)
}

// mayBeSecret is the rule by which signer's Load functions decline to
// print a file name.
func mayBeSecret(v string) bool {
	if len(v) < 32 {
		return false
	}
	return strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == ""
}

// resolve merges flags, environment and config file (in that priority).
func (g *globalOptions) resolve(flags *pflag.FlagSet, env func(string) string) (*settings, error) {
	p, src, err := g.loadProfile(flags, env)
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = &profile{}
	}
	fileVals := map[string]string{
		setMchID.Key: p.MchID, setSerial.Key: p.Serial, setPrivateKey.Key: p.PrivateKey,
		setPublicKeyID.Key: p.PublicKeyID, setPublicKey.Key: p.PublicKey,
		setAPIv3Key.Key: p.APIv3Key, setBaseURL.Key: p.BaseURL, setBackupBaseURL.Key: p.BackupBaseURL,
		setAPIv2Key.Key: p.APIv2Key, setClientCert.Key: p.ClientCert, setClientKey.Key: p.ClientKey,
	}
	s := &settings{from: map[string]string{}}
	pick := func(st setting) string {
		if f := flags.Lookup(st.Flag); f != nil && f.Changed {
			s.from[st.Key] = "--" + st.Flag
			return strings.TrimSpace(*g.values[st.Key])
		}
		if v := env(st.Env); v != "" {
			s.from[st.Key] = st.Env
			return strings.TrimSpace(v)
		}
		if v := fileVals[st.Key]; v != "" {
			s.from[st.Key] = src.key(st.Key)
			return strings.TrimSpace(v)
		}
		return ""
	}
	s.MchID = pick(setMchID)
	s.Serial = pick(setSerial)
	s.PrivateKey = pick(setPrivateKey)
	s.PublicKeyID = pick(setPublicKeyID)
	s.PublicKey = pick(setPublicKey)
	s.APIv3Key = pick(setAPIv3Key)
	s.BaseURL = pick(setBaseURL)
	s.BackupBaseURL = pick(setBackupBaseURL)
	s.APIv2Key = pick(setAPIv2Key)
	s.ClientCert = pick(setClientCert)
	s.ClientKey = pick(setClientKey)
	switch f := flags.Lookup(setPlatformCerts.Flag); {
	case f != nil && f.Changed:
		s.PlatformCerts = g.certs
		s.from[setPlatformCerts.Key] = "--" + setPlatformCerts.Flag
	case env(setPlatformCerts.Env) != "":
		s.PlatformCerts = splitList(env(setPlatformCerts.Env))
		s.from[setPlatformCerts.Key] = setPlatformCerts.Env
	case len(p.PlatformCerts) > 0:
		s.PlatformCerts = p.PlatformCerts
		s.from[setPlatformCerts.Key] = src.key(setPlatformCerts.Key)
	}
	if s.BaseURL == "" {
		s.BaseURL = chain.DefaultBaseURL
		s.from[setBaseURL.Key] = "the default"
	}
	return s, nil
}

// missing is the usage error for a setting that is not set anywhere.
func missing(st setting, why string) error {
	msg := fmt.Sprintf("missing %s: set --%s or %s (or %q in a config-file profile)", st.What, st.Flag, st.Env, st.Key)
	if why != "" {
		msg += "; " + why
	}
	return &usageError{msg: msg}
}

// need checks that the named settings are present.
func (s *settings) need(sts ...setting) error {
	for _, st := range sts {
		if st == setPlatformCerts && len(s.PlatformCerts) == 0 || st != setPlatformCerts && s.value(st) == "" {
			return missing(st, "")
		}
	}
	return nil
}

// needVerification checks that some key for verifying WeChat Pay is configured.
func (s *settings) needVerification() error {
	if s.PublicKeyID != "" || len(s.PlatformCerts) > 0 {
		return nil
	}
	return errNoVerificationKey()
}

// errNoVerificationKey is the usage error for a command that verifies
// WeChat Pay's signatures without a key to do it.
func errNoVerificationKey() error {
	return usageErrorf("missing WeChat Pay verification key: set --%s and --%s (%s, %s), or --%s (%s)",
		setPublicKeyID.Flag, setPublicKey.Flag, setPublicKeyID.Env, setPublicKey.Env, setPlatformCerts.Flag, setPlatformCerts.Env)
}
