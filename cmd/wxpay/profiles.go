package main

import (
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

const profilesLong = `profiles lists the profiles of the config file (--config, default
$XDG_CONFIG_HOME/wxpay/config.json or ~/.config/wxpay/config.json): name,
merchant ID, certificate serial and base URL, and for each key whether the
profile sets it. Key material, the APIv3 and APIv2 keys and file paths are
never shown; a merchant ID, serial or URL that is not one (a secret in the
wrong key, say) is shown by its length only, and a URL without its user
and query. * marks the profile used when neither --profile nor --mchid is
given. Flags and WECHATPAY_* variables are not applied: this is what the file
holds.

--mchid MCHID picks the profile of that merchant for any command.`

// profilesCommand is wxpay profiles.
func (a *app) profilesCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "profiles",
		Short:   "List the profiles of the config file, without secrets",
		Long:    profilesLong,
		Example: "  wxpay profiles\n  wxpay --mchid 1900000001 get v3/certificates",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, args []string) error { return a.runProfiles() },
	}
}

// runProfiles prints the table of profiles on stdout.
func (a *app) runProfiles() error {
	path := a.g.configPath
	if path == "" {
		if path = defaultConfigPath(a.env); path == "" {
			return usageErrorf("no config file: set --config or HOME")
		}
	}
	cf, err := readConfigFile(path)
	if err != nil {
		return err
	}
	if len(cf.Profiles) == 0 {
		fmt.Fprintf(a.stderr, "%s holds no profile\n", path)
		return nil
	}
	def := cf.DefaultProfile
	if def == "" {
		def = "default"
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tNAME\tMCHID\tSERIAL\tBASE_URL\tPRIVATE_KEY\tPUBLIC_KEY\tPLATFORM_CERTS\tAPIV3_KEY\tAPIV2_KEY\tCLIENT_CERT")
	for _, name := range cf.names() {
		p, err := cf.decode(name, path)
		if err != nil {
			return err
		}
		mark := ""
		if name == def {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, name, shownMchID(p.MchID), shownSerial(p.Serial), shownBaseURL(p.BaseURL),
			isSet(p.PrivateKey != ""), isSet(p.PublicKeyID != "" && p.PublicKey != ""), isSet(len(p.PlatformCerts) > 0),
			isSet(p.APIv3Key != ""), isSet(p.APIv2Key != ""), isSet(p.ClientCert != ""))
	}
	return tw.Flush()
}

// isSet is how the listing shows whether a key is configured.
func isSet(ok bool) string {
	if ok {
		return "set"
	}
	return "missing"
}

// shownSerial is a certificate serial as the listing shows it: a serial in
// hex as it is, anything else by its length only.
func shownSerial(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "(no serial)"
	}
	if _, err := signer.NormalizeSerial(v); err != nil || strings.HasPrefix(strings.ToUpper(v), signer.PublicKeyIDPrefix) {
		return fmt.Sprintf("(not a serial: %d characters, not shown)", len(v))
	}
	return v
}

// shownBaseURL is a base URL as the listing shows it: scheme, host and path
// only (user information and query may hold credentials); the default when
// unset; anything that is not an http(s) URL by its length only.
func shownBaseURL(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return chain.DefaultBaseURL + " (default)"
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("(not a URL: %d characters, not shown)", len(v))
	}
	shown := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return shown.String()
}
