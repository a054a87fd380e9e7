package pathtpl

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// suiteDir is the official uritemplate-test suite, next to the repository.
const suiteDir = "../../shared/uritemplate-test"

var suiteFiles = []string{
	"spec-examples.json",
	"spec-examples-by-section.json",
	"extended-tests.json",
	"negative-tests.json",
}

type suiteGroup struct {
	Level     int               `json:"level"`
	Variables map[string]any    `json:"variables"`
	TestCases []json.RawMessage `json:"testcases"`
}

// TestConformanceSuite runs every case of the official RFC 6570 test suite
// (github.com/uri-templates/uritemplate-test) when it is present.
func TestConformanceSuite(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(suiteDir); err != nil {
		t.Skipf("conformance suite not found at %s: %v", suiteDir, err)
	}
	var total, negative, passed int
	for _, file := range suiteFiles {
		data, err := os.ReadFile(filepath.Join(suiteDir, file))
		if err != nil {
			t.Fatalf("read suite: %v", err)
		}
		var groups map[string]suiteGroup
		if err := json.Unmarshal(data, &groups); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for gname, g := range groups {
			for _, raw := range g.TestCases {
				var tc []json.RawMessage
				if err := json.Unmarshal(raw, &tc); err != nil || len(tc) != 2 {
					t.Fatalf("%s/%s: bad case %s", file, gname, raw)
				}
				var tmpl string
				if err := json.Unmarshal(tc[0], &tmpl); err != nil {
					t.Fatalf("%s/%s: bad template %s", file, gname, tc[0])
				}
				total++
				var want []string
				var single string
				var flag bool
				switch {
				case json.Unmarshal(tc[1], &single) == nil:
					want = []string{single}
				case json.Unmarshal(tc[1], &want) == nil:
				case json.Unmarshal(tc[1], &flag) == nil && !flag:
					want = nil
					negative++
				default:
					t.Fatalf("%s/%s: bad expectation %s", file, gname, tc[1])
				}
				got, err := Expand(tmpl, g.Variables)
				if want == nil {
					if err == nil {
						t.Errorf("%s/%s: Expand(%q) = %q, want an error", file, gname, tmpl, got)
						continue
					}
					if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrValue) {
						t.Errorf("%s/%s: Expand(%q) error %v is neither ErrSyntax nor ErrValue", file, gname, tmpl, err)
						continue
					}
					passed++
					continue
				}
				if err != nil {
					t.Errorf("%s/%s: Expand(%q): %v", file, gname, tmpl, err)
					continue
				}
				if !slices.Contains(want, got) {
					t.Errorf("%s/%s: Expand(%q) = %q, want one of %q", file, gname, tmpl, got, want)
					continue
				}
				passed++
			}
		}
	}
	t.Logf("conformance suite: %d/%d cases passed (%d negative)", passed, total, negative)
	if total != 270 || negative != 36 {
		t.Errorf("suite has %d cases, %d negative; want 270 and 36", total, negative)
	}
}
