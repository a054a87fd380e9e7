package pathtpl

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type (
	fmtOrderNo string
	fmtCount   uint16
	fmtFlag    bool
	fmtStruct  struct{ id int }
)

func (s fmtStruct) String() string { return "S" + string(rune('0'+s.id)) }

func TestFormatScalar(t *testing.T) {
	t.Parallel()
	ord := fmtOrderNo("A1")
	cases := []struct {
		name   string
		v      any
		want   string
		ok     bool
		hasErr bool
	}{
		{"string", "Ab", "Ab", true, false},
		{"named string", fmtOrderNo("Ord_1"), "Ord_1", true, false},
		{"named uint", fmtCount(7), "7", true, false},
		{"named bool", fmtFlag(false), "false", true, false},
		{"pointer to named string", &ord, "A1", true, false},
		{"nil pointer", (*fmtOrderNo)(nil), "", false, false},
		{"nil", nil, "", false, false},
		{"float", 37.76, "37.76", true, false},
		{"json.Number", json.Number("1e3"), "1e3", true, false},
		{"Stringer struct", fmtStruct{3}, "S3", true, false},
		{"list", []string{"a"}, "", false, true},
		{"map", map[string]string{}, "", false, true},
		{"NaN", math.NaN(), "", false, true},
		{"struct", struct{}{}, "", false, true},
	}
	for _, tc := range cases {
		s, ok, err := FormatScalar(tc.v)
		if diff := cmp.Diff([]any{tc.want, tc.ok, tc.hasErr}, []any{s, ok, err != nil}); diff != "" {
			t.Errorf("%s: FormatScalar(%#v) (-want +got):\n%s (err %v)", tc.name, tc.v, diff, err)
		}
	}
}
