package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// result is one run of the command.
type result struct {
	Code           int
	Stdout, Stderr string
}

// harness runs wxpay in-process with a controlled environment.
type harness struct {
	t   *testing.T
	env map[string]string
	dir string // a temporary folder, also HOME
}

// setup makes a harness whose environment holds only HOME and XDG_* pointing
// at a fresh temporary folder, so no real configuration leaks in.
func setup(t *testing.T) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, env: map[string]string{
		"HOME":            dir,
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_CACHE_HOME":  filepath.Join(dir, "cache"),
	}}
	return h
}

func (h *harness) getenv(k string) string { return h.env[k] }

// run runs wxpay with args and stdin.
func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(stdin), &out, &errb, h.getenv)
	return result{Code: code, Stdout: out.String(), Stderr: errb.String()}
}

// format renders a result for golden files.
func (r result) format() string {
	return fmt.Sprintf("exit: %d\n-- stdout --\n%s-- stderr --\n%s", r.Code, r.Stdout, r.Stderr)
}

// golden compares got with testdata/name.golden (rewritten under -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// writeFile writes content to name under dir and returns the path.
func writeFile(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

var _ = io.Discard

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
