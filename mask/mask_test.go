package mask

import (
	"strings"
	"testing"
)

func TestMobile(t *testing.T) {
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
		if got := Mobile(tc.in); got != tc.want {
			t.Errorf("Mobile(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzMobile(f *testing.F) {
	for _, s := range []string{"13812345678", "+8613812345678", "010-62345678", "1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Mobile(s)
		digits := 0
		for _, r := range got {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		// At most seven digits survive, and never a whole number of five or more.
		if digits > 7 {
			t.Fatalf("Mobile(%q) = %q keeps %d digits", s, got, digits)
		}
		if (s == "") != (got == "") || (s != "" && !strings.Contains(got, "****")) {
			t.Fatalf("Mobile(%q) = %q", s, got)
		}
	})
}
