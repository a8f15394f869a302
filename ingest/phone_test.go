package ingest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestNormalizePhoneAccepts(t *testing.T) {
	const mobile = "+8613812345678"
	tests := []struct {
		in   string
		want Phone
	}{
		{"13812345678", Phone{mobile, true}},
		{"+86 138 1234 5678", Phone{mobile, true}},
		{"+8613812345678", Phone{mobile, true}},
		{"138-1234-5678", Phone{mobile, true}},
		{"138 1234 5678", Phone{mobile, true}},
		{"008613812345678", Phone{mobile, true}},
		{"0086 138 1234 5678", Phone{mobile, true}},
		{"86-138-1234-5678", Phone{mobile, true}},
		{"8613812345678", Phone{mobile, true}},
		{"(+86)13812345678", Phone{mobile, true}},
		{"(86)13812345678", Phone{mobile, true}},
		{"+86(0)13812345678", Phone{mobile, true}},
		{"013812345678", Phone{mobile, true}},
		{"１３８１２３４５６７８", Phone{mobile, true}},
		{"＋８６　１３８－１２３４－５６７８", Phone{mobile, true}},
		{"  13812345678\u3000", Phone{mobile, true}},
		{"138.1234.5678", Phone{mobile, true}},
		{"13812345678 转 12", Phone{mobile, true}},
		{"17400012345", Phone{"+8617400012345", true}}, // 1740[0-5]: a mixed prefix
		{"19912345678", Phone{"+8619912345678", true}},
		{"16612345678", Phone{"+8616612345678", true}},
		{"14512345678", Phone{"+8614512345678", true}},

		{"010-12345678", Phone{"+861012345678", false}},
		{"010 1234 5678", Phone{"+861012345678", false}},
		{"(010)12345678", Phone{"+861012345678", false}},
		{"021 6123 4567", Phone{"+862161234567", false}},
		{"0371-12345678", Phone{"+8637112345678", false}},
		{"010-12345678转123", Phone{"+861012345678", false}},
		{"010-12345678 分机 123", Phone{"+861012345678", false}},
		{"010-12345678 ext. 123", Phone{"+861012345678", false}},
		{"010-12345678x123", Phone{"+861012345678", false}},
		{"400-800-8888", Phone{"+864008008888", false}},

		{"+1 415 555 2671", Phone{"+14155552671", true}}, // FIXED_LINE_OR_MOBILE counts as a mobile
		{"+852 9123 4567", Phone{"+85291234567", true}},
		{"+44 20 7946 0958", Phone{"+442079460958", false}},
		{"00852 9123 4567", Phone{"+85291234567", true}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("NormalizePhone(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNormalizePhoneRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"blank", " \u3000 "},
		{"ten digits", "1381234567"},
		{"twelve digits", "138123456789"},
		{"invalid prefix 123", "12345678901"},
		{"invalid prefix 100", "10012345678"},
		{"invalid prefix 140", "14012345678"},
		{"invalid prefix 179", "17912345678"},
		{"mixed prefix 174, invalid part", "17410012345"},
		{"+86 and invalid prefix", "+86 123 4567 8901"},
		{"letters", "138abcd5678"},
		{"keypad letters", "1-800-FLOWERS"},
		{"Chinese note", "13812345678 张先生"},
		{"words", "none"},
		{"two numbers", "13812345678/13912345678"},
		{"short local number", "12345678"},
		{"service number", "95555"},
		{"extension alone", "x123"},
		{"plus only", "+"},
		{"unknown country", "+999 1234 5678"},
		{"too long", strings.Repeat("1", 300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			var ve *ValueError
			if !errors.As(err, &ve) || ve.Code != WInvalidMobile {
				t.Fatalf("NormalizePhone(%q) = %+v, %v; want an INVALID_MOBILE error", tt.in, got, err)
			}
			if digits := phoneDigitsOf(tt.in); len(digits) >= 3 && strings.Contains(ve.Msg, digits[:3]) {
				t.Errorf("NormalizePhone(%q) message %q repeats digits of the input", tt.in, ve.Msg)
			}
			if in := strings.TrimSpace(tt.in); len(in) > 2 && strings.Contains(ve.Msg, in) {
				t.Errorf("NormalizePhone(%q) message %q repeats the input", tt.in, ve.Msg)
			}
		})
	}
}

// phoneDigitsOf returns the ASCII digits of s.
func phoneDigitsOf(s string) string {
	var b strings.Builder
	for _, r := range FoldText(s) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// libraryPhone is phonenumbers' own verdict on s, the reference the fast path
// must match.
func libraryPhone(s string) (Phone, bool) {
	num, err := phonenumbers.Parse(s, "CN")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return Phone{}, false
	}
	return Phone{
		E164:   phonenumbers.Format(num, phonenumbers.E164),
		Mobile: phonenumbers.GetNumberType(num) == phonenumbers.MOBILE,
	}, true
}

func TestNormalizePhoneFastPathMatchesPhonenumbers(t *testing.T) {
	// Tails chosen to vary the digits phonenumbers' CN metadata looks at:
	// 4th–5th digit (1740[0-5]), and "00" at positions 6–7 (the 1xxxx00
	// international prefix).
	tails := []string{"00000000", "12345678", "99999999", "40012345", "05000000", "60012345", "00999999", "55005500"}
	shapes := []string{"%s", "+86 %s", "0086%s", "86-%s", "+86-%s"}
	for prefix := 100; prefix <= 199; prefix++ {
		t.Run(fmt.Sprint(prefix), func(t *testing.T) {
			for _, tail := range tails {
				national := fmt.Sprint(prefix) + tail
				want, wantOK := libraryPhone(national)
				for _, shape := range shapes {
					in := fmt.Sprintf(shape, national)
					if _, fast := cnMobileShape(in); !fast {
						t.Fatalf("%q does not take the fast path", in)
					}
					got, err := NormalizePhone(in)
					if (err == nil) != wantOK || got != want {
						t.Errorf("NormalizePhone(%q) = %+v, %v; phonenumbers says %+v, valid %v", in, got, err, want, wantOK)
					}
				}
			}
		})
	}
}

func TestCNPrefixVerdicts(t *testing.T) {
	// Pins what phonenumbers v1.8.1 says today, so a metadata change that
	// moves a prefix shows up here rather than as a silent change in loads.
	tests := []struct {
		prefix string
		want   prefixVerdict
	}{
		{"130", prefixAllMobile}, {"138", prefixAllMobile}, {"145", prefixAllMobile},
		{"147", prefixAllMobile}, {"166", prefixAllMobile}, {"170", prefixAllMobile},
		{"199", prefixAllMobile},
		{"100", prefixAllInvalid}, {"110", prefixAllInvalid}, {"123", prefixAllInvalid},
		{"140", prefixAllInvalid}, {"154", prefixAllInvalid}, {"179", prefixAllInvalid},
		{"194", prefixAllInvalid},
		{"174", prefixMixed},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			if got := probeCNPrefix(tt.prefix); got != tt.want {
				t.Errorf("probeCNPrefix(%s) = %v, want %v", tt.prefix, got, tt.want)
			}
		})
	}
}

func TestCNMobileShape(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when not the fast-path shape
	}{
		{"13812345678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"+86 138-1234-5678", "13812345678"},
		{"008613812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"23812345678", ""},       // not a mobile shape
		{"1381234567", ""},        // 10 digits
		{"138123456789", ""},      // 12 digits
		{"+8523812345678", ""},    // another country
		{"+0086 13812345678", ""}, // + and 00 together
		{"86+13812345678", ""},    // + in the middle
		{"(+86)13812345678", ""},  // parentheses go to phonenumbers
		{"8713812345678", ""},
		{"0087 13812345678", ""},
		{"1381234567８", ""}, // not folded: full-width is the caller's job
		{"1111111111111111111", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			national, ok := cnMobileShape(tt.in)
			got := ""
			if ok {
				got = string(national[:])
			}
			if got != tt.want {
				t.Errorf("cnMobileShape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizePhoneConcurrent(t *testing.T) {
	// The prefix cache fills lazily; the race detector checks it.
	done := make(chan Phone)
	for i := range 8 {
		go func() {
			p, _ := NormalizePhone(fmt.Sprintf("1%d812345678", 3+i%7))
			done <- p
		}()
	}
	for range 8 {
		<-done
	}
}

func BenchmarkNormalizePhone(b *testing.B) {
	cases := []struct{ name, in string }{
		{"fast/bare", "13812345678"},
		{"fast/+86 spaced", "+86 138 1234 5678"},
		{"fast/invalid prefix", "12345678901"},
		{"slow/mixed prefix 174", "17400012345"},
		{"slow/landline", "010-12345678"},
		{"slow/foreign", "+852 9123 4567"},
		{"slow/parenthesised", "(+86)13812345678"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			_, _ = NormalizePhone(c.in) // fill the prefix cache outside the timing
			b.ReportAllocs()
			for b.Loop() {
				_, _ = NormalizePhone(c.in)
			}
		})
	}
}
