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

func TestMaskMobile(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"13812345678", "138****5678"},
		{"+8613812345678", "138****5678"},
		{"8613812345678", "138****5678"},
		{"008613812345678", "138****5678"},
		{"+86 138 1234 5678", "138****5678"},
		{"138-1234-5678", "138****5678"},
		{"010-62345678", "****5678"},
		{"+85291234567", "****4567"},
		{"+14155550123", "****0123"},
		{"86-138-1234-5678", "138****5678"},
		{"12345678901", "****8901"}, // no mainland mobile starts 12
		{"12345", "****2345"},
		{"1234", "****"},
		{"n/a", "****"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := MaskMobile(tc.in); got != tc.want {
			t.Errorf("MaskMobile(%q) = %q, want %q", tc.in, got, tc.want)
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

func FuzzMaskMobile(f *testing.F) {
	for _, s := range []string{"13812345678", "+8613812345678", "010-62345678", "1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskMobile(s)
		digits := 0
		for _, r := range got {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		// At most seven digits survive, and never a whole number of five or more.
		if digits > 7 {
			t.Fatalf("MaskMobile(%q) = %q keeps %d digits", s, got, digits)
		}
		if (s == "") != (got == "") || (s != "" && !strings.Contains(got, "****")) {
			t.Fatalf("MaskMobile(%q) = %q", s, got)
		}
	})
}
