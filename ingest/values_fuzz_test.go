package ingest

// Fuzz tests for the value parsers: every cell of every file passes through
// them, and the files come from outside. Seeds are below and, as files, in
// testdata/fuzz/<FuzzName>/; run one with
//
//	go test ./ingest -run XXX -fuzz ^FuzzParseTime$ -fuzztime 20s

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/revisit-hotel/revisit/money"
)

// fuzzValueError fails t unless err is a *ValueError with one of codes, and
// returns its message.
func fuzzValueError(t *testing.T, err error, codes ...string) string {
	t.Helper()
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *ValueError", err, err)
	}
	for _, c := range codes {
		if ve.Code == c {
			return ve.Msg
		}
	}
	t.Fatalf("code %s, want one of %v", ve.Code, codes)
	return ""
}

// checkNoEcho fails t if msg repeats in, for inputs long enough that a match
// cannot be a coincidence with the parsers' fixed wording.
func checkNoEcho(t *testing.T, msg, in string) {
	t.Helper()
	in = FoldText(in)
	if len(in) >= 12 && strings.ContainsAny(in, "0123456789") && strings.Contains(msg, in) {
		t.Fatalf("message %q repeats the input", msg)
	}
}

// checkNoDigitRun fails t if msg holds any run of n digits of in.
func checkNoDigitRun(t *testing.T, msg, in string, n int) {
	t.Helper()
	digits := phoneDigitsOf(in)
	for i := 0; i+n <= len(digits); i++ {
		if strings.Contains(msg, digits[i:i+n]) {
			t.Fatalf("message %q repeats digits of the input", msg)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2015-11-15", "2015/1/5 9:05", "20151115T14:05:06", "2015-11-15 14:05:06.123",
		"2015年11月15日14时05分", "2015年11月15日 14时05分06秒", "2015-11-15T14:05:00+08:00",
		"2015-11-15T06:05:00Z", "45658", "45658.5", "60", "0.5", "11/15/2015", "2015-02-30",
		"２０１５／１１／１５　１４：０５", "2100-12-31T23:59:59-12:00",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, date1904 bool) {
		got, hasClock, err := ParseTime(s, shanghai, date1904)
		if err != nil {
			msg := fuzzValueError(t, err, RBadDate, RMissingValue)
			checkNoEcho(t, msg, s)
			return
		}
		if got.Location() != shanghai {
			t.Fatalf("location %v, want the hotel's", got.Location())
		}
		if y := got.Year(); y < minDateYear || y > maxDateYear {
			t.Fatalf("year %d accepted", y)
		}
		if !hasClock && (got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0) {
			t.Fatalf("no clock but %v is not midnight", got)
		}
		layout := "2006-01-02"
		if hasClock {
			layout = "2006-01-02 15:04:05.999999999"
		}
		back, backClock, err := ParseTime(got.Format(layout), shanghai, date1904)
		if err != nil || !back.Equal(got) || backClock != hasClock {
			t.Fatalf("%v does not read back: %v, %v, %v", got, back, backClock, err)
		}
	})
}

// e164 is the shape of every number NormalizePhone accepts.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{5,15}$`)

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"13812345678", "+86 138 1234 5678", "138-1234-5678", "008613812345678",
		"86-138-1234-5678", "(+86)13812345678", "１３８１２３４５６７８", "010-12345678",
		"021 6123 4567", "0371-12345678", "+1 415 555 2671", "+852 9123 4567",
		"12345678901", "17400012345", "17406012345", "138abcd5678", "010-12345678转123", "",
		"-13812345678", "13812345678-", "86 11234 00 1234",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizePhone(s)
		folded := FoldText(s)
		if _, fast := cnMobileShape(folded); fast {
			want, ok := libraryPhone(folded)
			if (err == nil) != ok || got != want {
				t.Fatalf("fast path says %+v, %v; phonenumbers says %+v, %v", got, err, want, ok)
			}
		}
		if err != nil {
			msg := fuzzValueError(t, err, WInvalidMobile)
			if strings.ContainsAny(msg, "0123456789") {
				t.Fatalf("message %q holds digits", msg)
			}
			return
		}
		if !e164.MatchString(got.E164) {
			t.Fatalf("E164 %q is malformed", got.E164)
		}
		again, err := NormalizePhone(got.E164)
		if err != nil || again != got {
			t.Fatalf("%q normalises to %+v, %v; want %+v", got.E164, again, err, got)
		}
	})
}

func FuzzCheckResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
		"440524188001010014", "110105491231002", "110105194912310021", "", "1.10105194912310E+17",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, birth, err := CheckResidentID(s)
		if err != nil {
			msg := fuzzValueError(t, err, WInvalidIDNumber)
			checkNoDigitRun(t, msg, s, 5) // the wording itself holds "1900"
			return
		}
		if len(id) != 18 || !isDigits(id[:17]) || birth.Year() < minDateYear || birth.After(time.Now()) {
			t.Fatalf("accepted %q born %v", id, birth)
		}
		again, birth2, err := CheckResidentID(id)
		if err != nil || again != id || !birth2.Equal(birth) {
			t.Fatalf("%q does not check again: %q, %v, %v", id, again, birth2, err)
		}
		if IDLast4(id) != id[14:] {
			t.Fatalf("IDLast4(%q) = %q", id, IDLast4(id))
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"1,280.00", "¥1280", "￥1,280.5", "RMB 1280", "CNY1280", "1280元", "-50.00", "¥-50",
		"1280,00", "1280.505", "1280.500", "92233720368547758.07", "92233720368547758.08", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cents, err := ParseAmount(s)
		if err != nil {
			msg := fuzzValueError(t, err, RBadAmount, RMissingValue)
			checkNoEcho(t, msg, s)
			return
		}
		sign, abs := "", uint64(cents)
		if cents < 0 {
			sign, abs = "-", uint64(-cents)
		}
		canonical := fmt.Sprintf("%s%d.%02d", sign, abs/100, abs%100)
		if back, err := ParseAmount(canonical); err != nil || back != cents {
			t.Fatalf("%d cents written %q reads back as %d, %v", cents, canonical, back, err)
		}
	})
}

func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"3", " 3 ", "３", "3.0", "3.5", "-3", "+3", "", "1,000", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseInt(s)
		if err != nil {
			msg := fuzzValueError(t, err, RBadNumber, RMissingValue)
			checkNoEcho(t, msg, s)
			return
		}
		if back, err := ParseInt(strconv.Itoa(n)); err != nil || back != n {
			t.Fatalf("%d reads back as %d, %v", n, back, err)
		}
		// A readable integer is a readable score on a scale that holds it.
		if score, err := ParseScore(s, math.MinInt, math.MaxInt); err != nil || score != n {
			t.Fatalf("ParseInt says %d, ParseScore says %d, %v", n, score, err)
		}
	})
}

func FuzzParseScore(f *testing.F) {
	for _, s := range []string{"5", "5.0", "5分", "５分", "4.5", "6", "0", "满意", "", "10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, scale := range [][2]int{{1, 5}, {0, 10}} {
			n, err := ParseScore(s, scale[0], scale[1])
			if err != nil {
				msg := fuzzValueError(t, err, RScoreOutOfRange, RMissingValue)
				checkNoEcho(t, msg, s)
				continue
			}
			if n < scale[0] || n > scale[1] {
				t.Fatalf("score %d accepted on %v", n, scale)
			}
		}
	})
}

func FuzzParseBool(f *testing.F) {
	for _, s := range []string{"是", "否", "Y", "n", "Yes", "FALSE", "1", "0", "同意", "不同意", "允许", "拒绝", "√", "×", "", "maybe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseBool(s)
		if !ok && v {
			t.Fatal("unrecognised value read as true")
		}
		if v2, ok2 := ParseBool(FoldText(s)); v2 != v || ok2 != ok {
			t.Fatalf("folding changes the answer: %v,%v then %v,%v", v, ok, v2, ok2)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"zhang@example.com", " Zhang.San@Example.COM ", "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "a@b", "A <a@b.com>", "\"a b\"@x.com", "用户@例子.中国", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeEmail(s)
		if err != nil {
			msg := fuzzValueError(t, err, WInvalidEmail)
			checkNoEcho(t, msg, s)
			return
		}
		if strings.Count(got, "@") != 1 || got != strings.ToLower(got) || got != FoldText(got) {
			t.Fatalf("accepted %q", got)
		}
		if again, err := NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("%q normalises to %q, %v", got, again, err)
		}
	})
}

func FuzzFoldText(f *testing.F) {
	for _, s := range []string{"", "abc", "  a  b  ", "\u3000张三\u3000", "ＡＢＣ１２３", "a\u00a0b", "\ufeffx", "a\xffb", "ｱｲｳ", "\t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FoldText(s)
		if isFoldedText(s) && foldTextSlow(s) != s {
			t.Fatalf("shortcut keeps %q, full fold gives %q", s, foldTextSlow(s))
		}
		if again := FoldText(got); again != got {
			t.Fatalf("not idempotent: %q then %q", got, again)
		}
		if !isFoldedText(got) {
			t.Fatalf("result %q is not folded", got)
		}
		if !utf8.ValidString(got) || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("result %q", got)
		}
	})
}

// maskedFields are every field with its own masking rule, and one without.
var maskedFields = []Field{FMobile, FPhone, FIDNumber, FName, FWeChat, FEmail, FComment, FComplaint, FPreferences, FRoom}

func FuzzMaskValue(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138 1234 5678", "11010519491231002X", "张三丰", "wxid_abc", "a@b.com", "空调坏了", "", "\xff\xfe", strings.Repeat("长", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, field := range maskedFields {
			got := MaskValue(field, s)
			if !utf8.ValidString(got) || utf8.RuneCountInString(got) > maxMaskedRunes+8 {
				t.Fatalf("MaskValue(%s) = %q", field, got)
			}
			shown := utf8.RuneCountInString(strings.ReplaceAll(got, "*", ""))
			limit := map[Field]int{FMobile: 7, FPhone: 7, FIDNumber: 4, FName: 1, FWeChat: 2, FEmail: 2}
			if most, ok := limit[field]; ok && shown > most {
				t.Fatalf("MaskValue(%s) = %q shows %d characters", field, got, shown)
			}
			if (field == FComment || field == FComplaint) && got != "" &&
				got != "["+strconv.Itoa(utf8.RuneCountInString(FoldText(s)))+" chars]" {
				t.Fatalf("MaskValue(%s) = %q", field, got)
			}
		}
	})
}

// FuzzParseAmountIn reads amounts in another currency: what it accepts
// reads back from the canonical form, and an amount that carries a yuan
// mark is never taken as euros.
func FuzzParseAmountIn(f *testing.F) {
	for _, s := range []string{"€1280.00", "1280 EUR", "-€50", "¥1280", "1280元", "€1.280,00", "EUR", ""} {
		f.Add(s)
	}
	eur := money.MustParse("EUR")
	f.Fuzz(func(t *testing.T, s string) {
		cents, err := ParseAmountIn(s, eur)
		if err != nil {
			msg := fuzzValueError(t, err, RBadAmount, RMissingValue)
			checkNoEcho(t, msg, s)
			return
		}
		if folded := FoldText(s); strings.ContainsAny(folded, "¥元") || strings.Contains(strings.ToUpper(folded), "RMB") ||
			strings.Contains(strings.ToUpper(folded), "CNY") {
			t.Fatalf("%q, in yuan, was read as %d euro cents", s, cents)
		}
		sign, abs := "", uint64(cents)
		if cents < 0 {
			sign, abs = "-", uint64(-cents)
		}
		canonical := fmt.Sprintf("%s€%d.%02d", sign, abs/100, abs%100)
		if back, err := ParseAmountIn(canonical, eur); err != nil || back != cents {
			t.Fatalf("%d cents written %q reads back as %d, %v", cents, canonical, back, err)
		}
	})
}
