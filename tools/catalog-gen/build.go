package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/chainpay-go/wechatpay/catalog"
)

// methods are the operation keys of a path file; every other key (the
// shared schemas v3/webhooks.yaml also holds) is not an operation.
var methods = []string{"get", "post", "put", "patch", "delete"}

// families are the folders of docs/ that hold one file per path.
var families = []string{"v3", "v2", "hk", "global"}

// stats are counts the generator reports and the test checks.
type stats struct {
	Operations   int
	ByFamily     map[string]int
	WithPathVars int
	NeedsSerial  int
	Unreferenced []string // path files the root document does not list
	RefsCut      int
}

// build reads every operation of src.
func build(src *source) ([]catalog.Operation, stats, error) {
	st := stats{ByFamily: map[string]int{}}
	wire, err := wirePaths(src)
	if err != nil {
		return nil, st, err
	}
	sc := &schemas{src: src, stack: map[*yaml.Node]bool{}}
	var ops []catalog.Operation
	for _, name := range src.order {
		rel := strings.TrimPrefix(name, "docs/")
		family, _, _ := strings.Cut(rel, "/")
		if !slices.Contains(families, family) || !strings.HasSuffix(rel, ".yaml") {
			continue
		}
		file := strings.TrimSuffix(rel, ".yaml")
		w, listed := wire[file]
		// A path that ends in "/" is kept in a file named {empty}.yaml
		// (v3/applyment4sub/applyment/ is v3/applyment4sub/applyment/{empty}):
		// the template ends in "/", as the root document writes it.
		template := file
		if strings.HasSuffix(file, "/{empty}") {
			template = strings.TrimSuffix(file, "{empty}")
		}
		if !listed {
			st.Unreferenced = append(st.Unreferenced, template)
			w = template
			if family == "v2" {
				w = strings.TrimPrefix(template, "v2/") // the rule of every listed v2 path
			}
		}
		for _, kv := range pairs(src.files[name]) {
			m := kv[0].Value
			if !slices.Contains(methods, m) {
				continue
			}
			op, err := operation(sc, name, template, w, strings.ToUpper(m), kv[1])
			if err != nil {
				return nil, st, err
			}
			ops = append(ops, op)
			st.Operations++
			st.ByFamily[family]++
			if len(op.PathVars) > 0 {
				st.WithPathVars++
			}
			if op.NeedsSerial {
				st.NeedsSerial++
			}
		}
	}
	st.RefsCut = sc.cut
	slices.SortFunc(ops, func(a, b catalog.Operation) int {
		return cmp.Or(cmp.Compare(a.Template, b.Template), cmp.Compare(a.Method, b.Method))
	})
	return ops, st, nil
}

// wirePaths maps each template to its wire path from the root document's
// paths, whose keys are the paths as sent ("/pay/closeorder") and whose
// $refs name the path files ("./v2/pay/closeorder.yaml").
func wirePaths(src *source) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range pairs(get(src.files["docs/swagger.yaml"], "paths")) {
		ref := str(get(kv[1], "$ref"))
		if ref == "" {
			return nil, fmt.Errorf("swagger.yaml: path %s has no $ref", kv[0].Value)
		}
		tpl := strings.TrimSuffix(strings.TrimPrefix(ref, "./"), ".yaml")
		out[tpl] = strings.TrimPrefix(kv[0].Value, "/")
	}
	return out, nil
}

// operation reads one method of a path file.
func operation(sc *schemas, file, template, wire, method string, n *yaml.Node) (catalog.Operation, error) {
	op := catalog.Operation{
		Method:       method,
		Template:     template,
		Title:        strings.TrimSpace(str(get(n, "summary"))),
		PathVars:     pathVars(template),
		Host:         cmp.Or(str(get(n, "x-base-uri")), str(get(n, "x-baseuri"))), // the source spells it both ways
		Tags:         strs(get(n, "tags")),
		Roles:        strs(get(n, "x-role")),
		CertRequired: boolean(get(n, "x-api-cert-required")),
		Deprecated:   boolean(get(n, "deprecated")),
	}
	if op.Tags == nil {
		op.Tags = strs(get(n, "tag")) // the source's misspelling in a few files
	}
	if wire != template {
		op.WirePath = wire
	}
	where := fmt.Sprintf("%s %s", method, template)
	var form []catalog.Field
	for _, p := range deref(get(n, "parameters")).Content {
		pfile, pn := file, deref(p)
		ref := str(get(pn, "$ref"))
		if ref != "" {
			var err error
			if pfile, pn, err = sc.src.resolve(file, ref); err != nil {
				return op, fmt.Errorf("%s: %w", where, err)
			}
		}
		name, in := str(get(pn, "name")), str(get(pn, "in"))
		required := boolean(get(pn, "required"))
		switch in {
		case "body":
			f, err := sc.field(pfile, get(pn, "schema"), 0)
			if err != nil {
				return op, fmt.Errorf("%s: body: %w", where, err)
			}
			f.Required = required
			op.Body = &f
		case "formData":
			f, err := sc.field(pfile, pn, 0)
			if err != nil {
				return op, fmt.Errorf("%s: form part %s: %w", where, name, err)
			}
			f.Name, f.Required = name, required
			form = append(form, f)
		case "path", "query", "header":
			f, err := sc.field(pfile, pn, 0)
			if err != nil {
				return op, fmt.Errorf("%s: parameter %s: %w", where, name, err)
			}
			f.Name = name
			f.Required = required || in == "path"
			op.Params = append(op.Params, catalog.Param{In: catalog.Location(in), Field: f})
			// The shared parameter HTTP_WECHATPAY_SERIAL marks the operations
			// that send encrypted fields; v3/webhooks lists the header of a
			// notification inline, which is no such need.
			if in == "header" && ref != "" && strings.EqualFold(name, "Wechatpay-Serial") {
				op.NeedsSerial = true
			}
		default:
			return op, fmt.Errorf("%s: parameter %s in %q", where, name, in)
		}
	}
	consumes := strs(get(n, "consumes"))
	switch {
	case len(form) > 0 || slices.Contains(consumes, "multipart/form-data"):
		op.Encoding = catalog.EncodingMultipart
		if len(form) > 0 {
			op.Body = &catalog.Field{Type: "object", Required: true, Fields: form}
		}
	case slices.Contains(consumes, "application/xml") ||
		strings.HasPrefix(template, "v2/") && len(consumes) == 0 && op.Body != nil:
		op.Encoding = catalog.EncodingXML
	}
	for _, code := range []string{"200", "201", "202", "204"} {
		r := get(get(n, "responses"), code)
		if s := get(r, "schema"); s != nil {
			f, err := sc.field(file, s, 0)
			if err != nil {
				return op, fmt.Errorf("%s: response %s: %w", where, code, err)
			}
			op.Response = &f
			break
		}
	}
	return op, nil
}

// pathVars lists the {name} segments of a template in order.
func pathVars(template string) []string {
	var out []string
	for seg := range strings.SplitSeq(template, "/") {
		if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}
