package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
)

// setting describes one configuration value and where it can come from.
type setting struct {
	Key  string // key in a config-file profile
	Flag string // command-line flag
	Env  string // environment variable
	What string // for messages and help
}

// The settings, in the order help and messages list them. The variable
// names are wechatpay.ConfigFromEnv's, shared with cmd/example; the CLI layers
// flags and a config file over them, so it resolves values itself.
var (
	setMchID         = setting{"mchid", "mchid", wechatpay.EnvMchID, "merchant ID"}
	setSerial        = setting{"serial", "serial", wechatpay.EnvSerial, "merchant API certificate serial number (hex)"}
	setPrivateKey    = setting{"private_key", "private-key", wechatpay.EnvPrivateKey, "merchant API private key (file path or PEM)"}
	setPublicKeyID   = setting{"public_key_id", "public-key-id", wechatpay.EnvPublicKeyID, "WeChat Pay public key ID (PUB_KEY_ID_...)"}
	setPublicKey     = setting{"public_key", "public-key", wechatpay.EnvPublicKey, "WeChat Pay public key (file path or PEM)"}
	setPlatformCerts = setting{"platform_certs", "platform-certs", wechatpay.EnvPlatformCerts, "WeChat Pay platform certificates (a folder, or a list of files)"}
	setAPIv3Key      = setting{"apiv3_key", "apiv3-key", wechatpay.EnvAPIv3Key, "APIv3 key (32 bytes)"}
	setBaseURL       = setting{"base_url", "base-url", wechatpay.EnvBaseURL, "API base URL (default " + chain.DefaultBaseURL + ")"}
)

var allSettings = []setting{setMchID, setSerial, setPrivateKey, setPublicKeyID, setPublicKey, setPlatformCerts, setAPIv3Key, setBaseURL}

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

// settings is the resolved configuration: flags over environment over config file.
type settings struct {
	MchID, Serial, PrivateKey, PublicKeyID, PublicKey string
	PlatformCerts                                     []string
	APIv3Key, BaseURL                                 string
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

// splitList splits a list given as one string on commas and the OS
// path-list separator; PEM text is kept whole.
func splitList(s string) []string {
	if strings.Contains(s, "-----BEGIN") {
		return []string{s}
	}
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == os.PathListSeparator }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
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

// loadProfile reads the profile to use from the config file; a missing
// default file is not an error (nil, "", nil).
func (g *globalOptions) loadProfile(env func(string) string) (*profile, string, error) {
	path, explicit := g.configPath, g.configPath != ""
	if !explicit {
		path = defaultConfigPath(env)
	}
	if path == "" {
		if g.profile != "" {
			return nil, "", usageErrorf("--profile %q: no config file (set --config or HOME)", g.profile)
		}
		return nil, "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit && g.profile == "" {
			return nil, "", nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", usageErrorf("config file %s does not exist", path)
		}
		return nil, "", fmt.Errorf("config file: %w", err)
	}
	var cf configFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return nil, "", usageErrorf("config file %s: %w", path, err)
	}
	name := g.profile
	if name == "" {
		name = cf.DefaultProfile
	}
	if name == "" {
		name = "default"
		if _, ok := cf.Profiles[name]; !ok {
			return nil, "", nil // no profile chosen and none called default
		}
	}
	raw, ok := cf.Profiles[name]
	if !ok {
		names := slices.Sorted(maps.Keys(cf.Profiles))
		return nil, "", usageErrorf("config file %s has no profile %q (profiles: %s)", path, name, strings.Join(names, ", "))
	}
	var p profile
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, "", usageErrorf("config file %s, profile %q: %w", path, name, err)
	}
	// Relative paths in the file are relative to the file, not to where
	// wxpay happens to run.
	base := filepath.Dir(path)
	p.PrivateKey = relativeTo(base, p.PrivateKey)
	p.PublicKey = relativeTo(base, p.PublicKey)
	for i, c := range p.PlatformCerts {
		p.PlatformCerts[i] = relativeTo(base, c)
	}
	return &p, fmt.Sprintf("profile %q of %s", name, path), nil
}

// relativeTo joins a relative file path onto base; PEM text, URLs such as
// file://… and absolute paths are returned unchanged.
func relativeTo(base, v string) string {
	if v == "" || strings.Contains(v, "-----BEGIN") || strings.Contains(v, "://") || filepath.IsAbs(v) {
		return v
	}
	return filepath.Join(base, v)
}

// resolve merges flags, environment and config file (in that priority).
func (g *globalOptions) resolve(flags *pflag.FlagSet, env func(string) string) (*settings, error) {
	p, where, err := g.loadProfile(env)
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = &profile{}
	}
	fileVals := map[string]string{
		setMchID.Key: p.MchID, setSerial.Key: p.Serial, setPrivateKey.Key: p.PrivateKey,
		setPublicKeyID.Key: p.PublicKeyID, setPublicKey.Key: p.PublicKey,
		setAPIv3Key.Key: p.APIv3Key, setBaseURL.Key: p.BaseURL,
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
			s.from[st.Key] = where
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
	switch f := flags.Lookup(setPlatformCerts.Flag); {
	case f != nil && f.Changed:
		s.PlatformCerts = g.certs
		s.from[setPlatformCerts.Key] = "--" + setPlatformCerts.Flag
	case env(setPlatformCerts.Env) != "":
		s.PlatformCerts = splitList(env(setPlatformCerts.Env))
		s.from[setPlatformCerts.Key] = setPlatformCerts.Env
	case len(p.PlatformCerts) > 0:
		s.PlatformCerts = p.PlatformCerts
		s.from[setPlatformCerts.Key] = where
	}
	if s.BaseURL == "" {
		s.BaseURL = chain.DefaultBaseURL
	}
	if (s.PublicKeyID == "") != (s.PublicKey == "") {
		if s.PublicKeyID == "" {
			return nil, missing(setPublicKeyID, "it goes with "+setPublicKey.Env)
		}
		return nil, missing(setPublicKey, "it goes with "+setPublicKeyID.Env)
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
		var empty bool
		switch st {
		case setMchID:
			empty = s.MchID == ""
		case setSerial:
			empty = s.Serial == ""
		case setPrivateKey:
			empty = s.PrivateKey == ""
		case setAPIv3Key:
			empty = s.APIv3Key == ""
		case setPublicKeyID:
			empty = s.PublicKeyID == ""
		case setPublicKey:
			empty = s.PublicKey == ""
		case setPlatformCerts:
			empty = len(s.PlatformCerts) == 0
		}
		if empty {
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
	return usageErrorf("missing WeChat Pay verification key: set --%s and --%s (%s, %s), or --%s (%s)",
		setPublicKeyID.Flag, setPublicKey.Flag, setPublicKeyID.Env, setPublicKey.Env, setPlatformCerts.Flag, setPlatformCerts.Env)
}
