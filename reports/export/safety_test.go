package export

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeCell(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\n=1", "'\n=1"},
		{"＝1+1", "'＝1+1"}, // full-width, as a Chinese IME types it
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠SUM(A1)", "'＠SUM(A1)"},
		{"", ""},
		{"张伟", "张伟"},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"'=1", "'=1"},
		{"138****5678", "138****5678"},
	}
	for _, tc := range tests {
		if got := SafeCell(tc.in); got != tc.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=1", "+1", "-1", "@a", "\t", "\r", "＝", "a", "", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeCell(s)
		if got != s && got != "'"+s {
			t.Fatalf("SafeCell(%q) = %q: neither unchanged nor prefixed", s, got)
		}
		r, _ := utf8.DecodeRuneInString(got)
		if strings.ContainsRune("=+-@\t\r\n＝＋－＠", r) && got != "" {
			t.Fatalf("SafeCell(%q) = %q still starts a formula", s, got)
		}
	})
}
