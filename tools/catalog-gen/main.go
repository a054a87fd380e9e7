// Command catalog-gen writes the WeChat Pay API catalogue of package catalog
// from the Swagger 2.0 description of TheNorthMemory/wechatpay-openapi (MIT):
//
//	go -C tools/catalog-gen run . -src ../../../shared/wechatpay-openapi/docs.tar.gz -out ../../catalog
//
// (go generate ./catalog runs exactly that.) It reads the gzip tarball with
// archive/tar, parses every YAML file of docs/, resolves $ref (relative
// files, JSON-pointer fragments with or without a leading slash), allOf and
// nested arrays, and writes into -out:
//
//	catalog.json.gz   every operation: method, template, wire path, host,
//	                  title, tags, roles, parameters, body and response field
//	                  trees, flags (no description sentences)
//	templates.go      one exported constant per path template
//	LICENSE.openapi   the source's MIT licence, copied from beside the tarball
//
// The output depends only on the input: run twice, it writes the same bytes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	src := flag.String("src", "../../../shared/wechatpay-openapi/docs.tar.gz", "the wechatpay-openapi docs tarball")
	out := flag.String("out", "../../catalog", "the catalog package folder to write into")
	flag.Parse()
	files, st, err := generate(*src)
	if err != nil {
		fmt.Fprintln(os.Stderr, "catalog-gen:", err)
		os.Exit(1)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(*out, name), files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "catalog-gen:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("catalog-gen: %d operations (v3 %d, v2 %d, hk %d, global %d); %d with path variables; %d need Wechatpay-Serial\n",
		st.Operations, st.ByFamily["v3"], st.ByFamily["v2"], st.ByFamily["hk"], st.ByFamily["global"], st.WithPathVars, st.NeedsSerial)
	if len(st.Unreferenced) > 0 {
		fmt.Printf("catalog-gen: path files not listed in swagger.yaml (included): %s\n", strings.Join(st.Unreferenced, ", "))
	}
}

// generate reads the tarball and returns the files to write, by name.
func generate(tarball string) (map[string][]byte, stats, error) {
	src, err := readSource(tarball)
	if err != nil {
		return nil, stats{}, err
	}
	ops, st, err := build(src)
	if err != nil {
		return nil, st, err
	}
	data, err := encodeData(ops)
	if err != nil {
		return nil, st, err
	}
	version := str(get(get(src.files["docs/swagger.yaml"], "info"), "version"))
	gofile, err := writeTemplates(ops, version)
	if err != nil {
		return nil, st, err
	}
	license, err := os.ReadFile(filepath.Join(filepath.Dir(tarball), "LICENSE"))
	if err != nil {
		return nil, st, err
	}
	var lic bytes.Buffer
	lic.WriteString("The catalogue (catalog.json.gz, templates.go) is generated from the Swagger 2.0\n" +
		"description of the WeChat Pay API by TheNorthMemory/wechatpay-openapi\n" +
		"(https://github.com/TheNorthMemory/wechatpay-openapi), under this licence:\n\n")
	lic.Write(license)
	return map[string][]byte{dataFile: data, templatesFile: gofile, licenseFile: lic.Bytes()}, st, nil
}
