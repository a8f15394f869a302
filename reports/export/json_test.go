package export

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWriteJSONValues(t *testing.T) {
	out := write(t, WriteJSON, guestTable(), goldenRows())
	if !json.Valid(out) {
		t.Fatalf("invalid JSON:\n%s", out)
	}
	got := readBack(t, "json", out)
	if len(got) != 4 {
		t.Fatalf("%d objects, want 4", len(got))
	}
	tests := []struct {
		row  int
		key  string
		want any
	}{
		{0, "guest_id", "G0000001"},
		{0, "stays", json.Number("2")},
		{0, "total_spend", json.Number("1.5")},
		{0, "return_rate", json.Number("0.01")},
		{0, "last_stay", "2025-02-02"},
		{0, "contacted_at", "2025-06-02T14:30:00+08:00"},
		{2, "name", "李\"小龙\", 先生\r\n第二行"},
		{2, "segment", `=HYPERLINK("http://x","y")`}, // raw: programs do not evaluate formulas
		{3, "nights", nil},
	}
	for _, tc := range tests {
		if v := got[tc.row][tc.key]; v != tc.want {
			t.Errorf("object %d %s = %#v, want %#v", tc.row, tc.key, v, tc.want)
		}
	}
	// Keys come in column order, as a person reading the file expects.
	first := strings.SplitN(string(out), "\n", 3)[1]
	if !strings.HasPrefix(first, `{"guest_id":`) || !strings.Contains(first, `"segment":"at_risk","nights":1}`) {
		t.Errorf("first object %s", first)
	}
}

func TestWriteJSONEmpty(t *testing.T) {
	out := write(t, WriteJSON, guestTable(), sliceRows())
	if string(out) != "[]\n" {
		t.Errorf("empty export %q, want []", out)
	}
}

// countingWriter records how many bytes arrived, to show that output flows
// while rows are still being produced.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

func TestStreaming(t *testing.T) {
	for _, w := range writers[1:] { // XLSX cannot stream: a zip is written whole
		t.Run(w.name, func(t *testing.T) {
			sink := &countingWriter{}
			const rows = 20_000
			var seenBeforeEnd int
			src := func(yield func([]any) error) error {
				for i := range rows {
					if i == rows-1 {
						seenBeforeEnd = sink.n
					}
					if err := yield(guestRow(i)); err != nil {
						return err
					}
				}
				return nil
			}
			if _, err := w.write(context.Background(), sink, guestTable(), src); err != nil {
				t.Fatal(err)
			}
			// All but the last buffer's worth has gone out before the last row.
			if seenBeforeEnd < sink.n-128<<10 {
				t.Errorf("%d of %d bytes written before the last row", seenBeforeEnd, sink.n)
			}
		})
	}
}

func TestAppendJSONFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -2.5, 0.1, 1e-7, 123456789012, 1e21, -1e22, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONFloat(nil, f); string(got) != string(want) {
			t.Errorf("appendJSONFloat(%g) = %s, encoding/json says %s", f, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "张伟", "a\"b\\c", "\x00\x1f\t\r\n", "\u2028\u2029", "\xff\xfe", "<&>", "🏨"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, got, err)
		}
		ref, _ := json.Marshal(s)
		var want string
		_ = json.Unmarshal(ref, &want)
		if back != want {
			t.Fatalf("%q decodes to %q, encoding/json gives %q", s, back, want)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("valid %q does not round-trip: %q", s, back)
		}
		if bytes.ContainsAny(got, "\u2028\u2029") {
			t.Fatalf("%s holds a raw line separator", got)
		}
	})
}
