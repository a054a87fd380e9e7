package catalog

import (
	"fmt"
	"strconv"
)

// The embedded data is one JSON array of operations written by
// tools/catalog-gen with short member names (decodeOp and decodeField list
// them); a field's example "v" is the example value itself, kept as JSON
// text. It is read by this hand-written decoder: strings without escapes
// become substrings of the one decompressed text, so a full load is a few
// milliseconds where encoding/json's reflection took about 100.

// decodeOps reads the operations array.
func decodeOps(s string) ([]Operation, error) {
	sc := &scanner{s: s}
	ops := make([]Operation, 0, 1200)
	err := sc.each('[', ']', func() error {
		var op Operation
		if err := decodeOp(sc, &op); err != nil {
			return err
		}
		ops = append(ops, op)
		return nil
	})
	if err == nil && !sc.end() {
		err = errSyntax
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: embedded data at byte %d: %w", sc.i, err)
	}
	return ops, nil
}

func decodeOp(sc *scanner, op *Operation) error {
	return sc.each('{', '}', func() error {
		key, err := member(sc)
		if err != nil {
			return err
		}
		switch key {
		case "m":
			op.Method, err = sc.str()
		case "t":
			op.Template, err = sc.str()
		case "ti":
			op.Title, err = sc.str()
		case "pv":
			op.PathVars, err = strList(sc)
		case "w":
			op.WirePath, err = sc.str()
		case "h":
			op.Host, err = sc.str()
		case "g":
			op.Tags, err = strList(sc)
		case "r":
			op.Roles, err = strList(sc)
		case "k":
			op.Encoding, err = sc.str()
		case "s":
			op.NeedsSerial, err = boolean(sc)
		case "c":
			op.CertRequired, err = boolean(sc)
		case "d":
			op.Deprecated, err = boolean(sc)
		case "p":
			err = sc.each('[', ']', func() error {
				var p Param
				if err := decodeField(sc, &p.Field, &p.In); err != nil {
					return err
				}
				op.Params = append(op.Params, p)
				return nil
			})
		case "b":
			op.Body = new(Field)
			err = decodeField(sc, op.Body, nil)
		case "o":
			op.Response = new(Field)
			err = decodeField(sc, op.Response, nil)
		default:
			_, err = sc.skip()
		}
		return err
	})
}

func decodeField(sc *scanner, f *Field, in *Location) error {
	return sc.each('{', '}', func() error {
		key, err := member(sc)
		if err != nil {
			return err
		}
		switch key {
		case "n":
			f.Name, err = sc.str()
		case "t":
			f.Type, err = sc.str()
		case "f":
			f.Format, err = sc.str()
		case "q":
			f.Required, err = boolean(sc)
		case "e":
			f.Enum, err = strList(sc)
		case "l":
			var n string
			if n, err = sc.number(); err == nil {
				f.MaxLength, err = strconv.Atoi(n)
			}
		case "x":
			f.Sensitive, err = strList(sc)
		case "v":
			f.Example, err = sc.skip()
		case "c":
			err = sc.each('[', ']', func() error {
				f.Fields = append(f.Fields, Field{})
				return decodeField(sc, &f.Fields[len(f.Fields)-1], nil)
			})
		case "i":
			f.Items = new(Field)
			err = decodeField(sc, f.Items, nil)
		case "j":
			f.JSON = new(Field)
			err = decodeField(sc, f.JSON, nil)
		case "cd":
			f.CDATA, err = boolean(sc)
		case "xk":
			f.Key, err = sc.str()
		case "in":
			var s string
			if s, err = sc.str(); err == nil && in != nil {
				*in = Location(s)
			}
		default:
			_, err = sc.skip()
		}
		return err
	})
}

// member reads an object key and its colon.
func member(sc *scanner) (string, error) {
	key, err := sc.str()
	if err != nil {
		return "", err
	}
	return key, sc.expect(':')
}

func strList(sc *scanner) ([]string, error) {
	var out []string
	err := sc.each('[', ']', func() error {
		s, err := sc.str()
		out = append(out, s)
		return err
	})
	return out, err
}

func boolean(sc *scanner) (bool, error) {
	switch sc.peek() {
	case 't':
		return true, sc.literal("true")
	case 'f':
		return false, sc.literal("false")
	}
	return false, errSyntax
}
