package catalog_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestImportCostsNothing runs this test binary with GODEBUG=inittrace=1:
// the runtime reports every package whose initialization does work, and
// catalog must not be one of them (its data loads on first use).
func TestImportCostsNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "init ") {
		t.Skip("this runtime prints no init trace")
	}
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "init github.com/chainpay-go/wechatpay/catalog ") {
			t.Errorf("importing catalog does work at start-up: %s", line)
		}
	}
}
