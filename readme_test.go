package wechatpay_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Example_quickstart is the README's first program: its main is this body,
// word for word (TestREADMEQuickstart checks it).
func Example_quickstart() {
	srv := wechatpaytest.NewServer() // a loopback WeChat Pay gateway with demo orders
	defer srv.Close()
	c := srv.Client() // in production: wechatpay.New(cfg)

	resp, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), chain.O{
		"out_order_no": "1234323JKHDFE1243252",
		"json": chain.O{"appid": "wxd678efh567hg6787", "service_id": "500001", "type": "Order_Paid",
			"detail": chain.O{"paid_time": "20091225091010"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Get("state"), resp.Verified) // verified against the gateway's signature
	// Output: DONE true
}

// TestREADMEQuickstart checks that the README's complete program (the first
// go block, a package main) parses, imports what Example_quickstart's file
// uses for it, and that its main is Example_quickstart's body.
func TestREADMEQuickstart(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```go\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no go block")
	}
	fset := token.NewFileSet()
	prog, err := parser.ParseFile(fset, "README.md", m[1], parser.ParseComments)
	if err != nil {
		t.Fatalf("README's first go block does not parse: %v", err)
	}
	if prog.Name.Name != "main" {
		t.Fatalf("README's first go block is package %s, want a complete program (package main)", prog.Name.Name)
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	test, err := parser.ParseFile(fset, "readme_test.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	body := func(f *ast.File, text []byte, name string) string {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
				b := text[fset.Position(fd.Body.Lbrace).Offset+1 : fset.Position(fd.Body.Rbrace).Offset]
				s := regexp.MustCompile(`(?m)^\s*// Output:.*$`).ReplaceAllString(string(b), "")
				return strings.TrimSpace(regexp.MustCompile(`\s+`).ReplaceAllString(s, " "))
			}
		}
		t.Fatalf("no func %s", name)
		return ""
	}
	if diff := cmp.Diff(body(test, src, "Example_quickstart"), body(prog, m[1], "main")); diff != "" {
		t.Errorf("README's main differs from Example_quickstart (-want +got):\n%s", diff)
	}
	var imports []string
	for _, s := range prog.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		imports = append(imports, p)
	}
	slices.Sort(imports)
	want := []string{"context", "fmt", "github.com/chainpay-go/wechatpay/chain", "github.com/chainpay-go/wechatpay/wechatpaytest", "log"}
	if diff := cmp.Diff(want, imports); diff != "" {
		t.Errorf("README program's imports (-want +got):\n%s", diff)
	}
}

// TestREADMEDependencies checks that the README's Install section names
// every direct requirement of go.mod, and no module that go.mod lacks.
func TestREADMEDependencies(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	install := string(readme)
	if i := strings.Index(install, "## Install"); i >= 0 {
		install = install[i:]
	}
	if i := strings.Index(install[1:], "\n## "); i >= 0 {
		install = install[:i+1]
	}
	var want, got []string
	for _, m := range regexp.MustCompile(`(?m)^\s+(\S+) v\S+$`).FindAllStringSubmatch(string(mod), -1) {
		want = append(want, m[1])
	}
	for _, m := range regexp.MustCompile(`\((?:https://)?(?:github\.com/|pkg\.go\.dev/)(\S+?)\)`).FindAllStringSubmatch(install, -1) {
		got = append(got, strings.TrimPrefix(m[1], "github.com/"))
	}
	if strings.Contains(install, "and pflag") {
		got = append(got, "spf13/pflag")
	}
	for i, w := range want {
		want[i] = strings.TrimPrefix(strings.TrimSuffix(w, "/v2"), "github.com/")
	}
	for i, g := range got {
		got[i] = strings.TrimSuffix(g, "/v2")
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README's Install section vs go.mod's direct requirements (-go.mod +README):\n%s", diff)
	}
}
