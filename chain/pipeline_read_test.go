package chain

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// TestReadAnswer: readAnswer reads what io.ReadAll reads, whatever length
// is announced, and refuses past its limit.
func TestReadAnswer(t *testing.T) {
	t.Parallel()
	broken := errors.New("connection reset")
	long := strings.Repeat("x", 5000)
	cases := []struct {
		name  string
		r     io.Reader
		size  int64
		limit int
		want  string
		ok    bool
		err   error
	}{
		{"announced", strings.NewReader("<xml/>"), 6, 100, "<xml/>", true, nil},
		{"unknown", strings.NewReader(long), -1, 10000, long, true, nil},
		{"announced short", strings.NewReader(long), 3, 10000, long, true, nil},
		{"announced long", strings.NewReader("abc"), 50, 100, "abc", true, nil},
		{"empty", strings.NewReader(""), 0, 100, "", true, nil},
		{"one byte at a time", iotest.OneByteReader(strings.NewReader(long)), 5000, 10000, long, true, nil},
		{"data with EOF", iotest.DataErrReader(strings.NewReader(long)), 5000, 10000, long, true, nil},
		{"at the limit", strings.NewReader(long), 5000, 5000, long, true, nil},
		{"over the limit", strings.NewReader(long), 5000, 4999, "", false, nil},
		{"over the limit, unknown size", strings.NewReader(long), -1, 4999, "", false, nil},
		{"over the limit, announced short", strings.NewReader(long), 10, 4999, "", false, nil},
		{"broken", io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(broken)), 10, 100, "", true, broken},
	}
	for _, tc := range cases {
		got, ok, err := readAnswer(tc.r, tc.size, tc.limit)
		if !errors.Is(err, tc.err) || ok != tc.ok {
			t.Errorf("%s: ok %v, error %v; want %v, %v", tc.name, ok, err, tc.ok, tc.err)
			continue
		}
		if diff := cmp.Diff(tc.want, string(got)); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tc.name, diff)
		}
		if tc.ok && tc.err == nil && got == nil {
			t.Errorf("%s: nil body, want an empty one", tc.name)
		}
	}
	// The announced size is the one allocation: no growth.
	got, _, _ := readAnswer(bytes.NewReader([]byte(long)), 5000, 1<<20)
	if cap(got) != 5001 {
		t.Errorf("cap %d, want 5001", cap(got))
	}
}
