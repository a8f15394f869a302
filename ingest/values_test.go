package ingest

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/revisit-hotel/revisit/money"
)

// wantValueError fails t unless err is a *ValueError with code.
func wantValueError(t *testing.T, err error, code string) *ValueError {
	t.Helper()
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v, want a *ValueError %s", err, code)
	}
	if ve.Code != code {
		t.Errorf("code = %s, want %s (message %q)", ve.Code, code, ve.Msg)
	}
	return ve
}

func TestFoldText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"张三", "张三"},
		{"  abc  ", "abc"},
		{"\u3000张三\u3000", "张三"},
		{"a  b\t\tc", "a b c"},
		{"a\u3000\u3000b", "a b"},
		{"a\u00a0b", "a b"},
		{"\t\r\n", ""},
		{"ＡＢＣ１２３", "ABC123"},
		{"１３８　１２３４　５６７８", "138 1234 5678"},
		{"２０１５／１１／１５　１４：０５", "2015/11/15 14:05"},
		{"￥１，２８０．５", "¥1,280.5"},
		{"（＋８６）", "(+86)"},
		{"ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zhang@example.com"},
		{"\ufeff客户编号", "客户编号"},
		{"138\u200b1234", "1381234"},
		{"ｱｲｳ", "アイウ"}, // half-width katakana widen, as width.Fold does
		{"a\xffb", "a\ufffdb"},
		{"a\ufffdb", "a\ufffdb"},
		{"line1\nline2", "line1 line2"},
		{"a\x00b\x7fc\u0085d", "abc d"}, // NUL and DEL dropped; U+0085 is a line break
		{"\a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := FoldText(tt.in); got != tt.want {
				t.Errorf("FoldText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldTextDoesNotAllocateWhenClean(t *testing.T) {
	for _, in := range []string{"13812345678", "2015-11-15 14:05", "张三 先生"} {
		t.Run(in, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, func() { _ = FoldText(in) }); n != 0 {
				t.Errorf("FoldText(%q) allocates %v times", in, n)
			}
		})
	}
}

func TestParseAmountAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1280", 128000},
		{"1,280.00", 128000},
		{"1280.5", 128050},
		{"1280.05", 128005},
		{"0.01", 1},
		{"0", 0},
		{"¥1280", 128000},
		{"¥ 1,280", 128000},
		{"￥1,280.5", 128050},
		{"RMB 1280", 128000},
		{"rmb1280", 128000},
		{"CNY1280", 128000},
		{"1280元", 128000},
		{"1280 元", 128000},
		{"1280 CNY", 128000},
		{"¥1,280.00元", 128000},
		{"１，２８０．００", 128000},
		{"1,234,567.89", 123456789},
		{"-50.00", -5000},
		{"-¥50", -5000},
		{"¥-50", -5000},
		{"RMB -50", -5000},
		{"1280.500", 128050}, // extra places that are zeros lose nothing
		{"  1280  ", 128000},
		{"92233720368547758.07", 9223372036854775807},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAmount(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseAmount(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseAmountRejects(t *testing.T) {
	tests := []struct {
		name, in, code string
	}{
		{"empty", "", RMissingValue},
		{"blank", "\u3000", RMissingValue},
		{"three decimals", "1280.505", RBadAmount},
		{"comma decimal", "1280,00", RBadAmount},
		{"European", "1 280,00", RBadAmount},
		{"bad grouping", "12,80", RBadAmount},
		{"group of four", "1,2800", RBadAmount},
		{"leading comma", ",280", RBadAmount},
		{"two dots", "1.280.00", RBadAmount},
		{"trailing dot", "1280.", RBadAmount},
		{"leading dot", ".5", RBadAmount},
		{"currency only", "¥", RBadAmount},
		{"sign only", "-", RBadAmount},
		{"double minus", "--50", RBadAmount},
		{"minus twice", "-¥-50", RBadAmount},
		{"plus sign", "+50", RBadAmount},
		{"words", "free", RBadAmount},
		{"exponent", "1.28E+03", RBadAmount},
		{"dollars", "$1280", RBadAmount},
		{"overflow", "92233720368547758.08", RBadAmount},
		{"huge", strings.Repeat("9", 40), RBadAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAmount(tt.in)
			if err == nil {
				t.Fatalf("ParseAmount(%q) = %d, want an error", tt.in, got)
			}
			ve := wantValueError(t, err, tt.code)
			if len(tt.in) > 2 && strings.Contains(ve.Msg, tt.in) {
				t.Errorf("message %q repeats the input", ve.Msg)
			}
		})
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
		code string // "" when valid
	}{
		{"3", 3, ""},
		{" 3 ", 3, ""},
		{"３", 3, ""},
		{"3.0", 3, ""},
		{"3.00", 3, ""},
		{"03", 3, ""},
		{"-3", -3, ""},
		{"+3", 3, ""},
		{"0", 0, ""},
		{"", 0, RMissingValue},
		{"3.5", 0, RBadNumber},
		{"3.", 0, RBadNumber},
		{".0", 0, RBadNumber},
		{"three", 0, RBadNumber},
		{"3人", 0, RBadNumber},
		{"1,000", 0, RBadNumber},
		{"--3", 0, RBadNumber},
		{"+-3", 0, RBadNumber},
		{"-", 0, RBadNumber},
		{"3e2", 0, RBadNumber},
		{"99999999999999999999", 0, RBadNumber},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseInt(tt.in)
			if tt.code != "" {
				wantValueError(t, err, tt.code)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseInt(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseScore(t *testing.T) {
	tests := []struct {
		in       string
		min, max int
		want     int
		code     string // "" when valid
		msg      string // a phrase the message must contain
	}{
		{"5", 1, 5, 5, "", ""},
		{"1", 1, 5, 1, "", ""},
		{" 4 ", 1, 5, 4, "", ""},
		{"５", 1, 5, 5, "", ""},
		{"5.0", 1, 5, 5, "", ""},
		{"5分", 1, 5, 5, "", ""},
		{"5 分", 1, 5, 5, "", ""},
		{"４分", 1, 5, 4, "", ""},
		{"0", 0, 10, 0, "", ""},
		{"10", 0, 10, 10, "", ""},
		{"", 1, 5, 0, RMissingValue, "empty"},
		{"6", 1, 5, 0, RScoreOutOfRange, "outside 1–5"},
		{"0", 1, 5, 0, RScoreOutOfRange, "outside 1–5"},
		{"11", 0, 10, 0, RScoreOutOfRange, "outside 0–10"},
		{"-1", 0, 10, 0, RScoreOutOfRange, "outside 0–10"},
		{"4.5", 1, 5, 0, RScoreOutOfRange, "not a whole number"},
		{"满意", 1, 5, 0, RScoreOutOfRange, "not a number"},
		{"five", 1, 5, 0, RScoreOutOfRange, "not a number"},
		{"分", 1, 5, 0, RScoreOutOfRange, "not a number"},
		{"5/5", 1, 5, 0, RScoreOutOfRange, "not a number"},
		{"99999999999999999999", 1, 5, 0, RScoreOutOfRange, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseScore(tt.in, tt.min, tt.max)
			if tt.code == "" {
				if err != nil || got != tt.want {
					t.Errorf("ParseScore(%q, %d, %d) = %d, %v; want %d", tt.in, tt.min, tt.max, got, err, tt.want)
				}
				return
			}
			ve := wantValueError(t, err, tt.code)
			if !strings.Contains(ve.Msg, tt.msg) {
				t.Errorf("message %q does not say %q", ve.Msg, tt.msg)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in     string
		want   bool
		wantOK bool
	}{
		{"是", true, true}, {"否", false, true},
		{"Y", true, true}, {"N", false, true},
		{"y", true, true}, {"n", false, true},
		{"yes", true, true}, {"No", false, true},
		{"TRUE", true, true}, {"false", false, true},
		{"1", true, true}, {"0", false, true},
		{"同意", true, true}, {"不同意", false, true},
		{"允许", true, true}, {"拒绝", false, true}, {"不允许", false, true},
		{"√", true, true}, {"×", false, true},
		{" 是 ", true, true}, {"ＹＥＳ", true, true}, {"１", true, true},
		{"", false, false},
		{"maybe", false, false},
		{"2", false, false},
		{"是的吧", false, false},
		{"yes please", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseBool(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseBool(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string // want "" when invalid
	}{
		{"zhang@example.com", "zhang@example.com"},
		{"  Zhang.San@Example.COM ", "zhang.san@example.com"},
		{"ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zhang@example.com"},
		{"a+tag@mail.example.cn", "a+tag@mail.example.cn"},
		{"用户@例子.中国", "用户@例子.中国"},
		{"", ""},
		{"zhang", ""},
		{"zhang@example", ""},
		{"@example.com", ""},
		{"zhang@", ""},
		{"a@@example.com", ""},
		{"a@b@example.com", ""},
		{"zhang san@example.com", ""},
		{"Zhang <zhang@example.com>", ""},
		{"<zhang@example.com>", ""},
		{"zhang@example.com (home)", ""},
		{"zhang@example..com", ""},
		{"zhang@.example.com", ""},
		{"zhang@[10.0.0.1]", ""},
		{"a@b.com,c@d.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeEmail(tt.in)
			if tt.want == "" {
				ve := wantValueError(t, err, WInvalidEmail)
				if len(tt.in) > 2 && strings.Contains(ve.Msg, tt.in) {
					t.Errorf("message %q repeats the input", ve.Msg)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestMaskValue(t *testing.T) {
	long := strings.Repeat("长", 100)
	tests := []struct {
		name string
		f    Field
		raw  string
		want string
	}{
		{"mobile", FMobile, "13812345678", "138****5678"},
		{"mobile spaced", FMobile, "138 1234 5678", "138****5678"},
		{"mobile full-width", FMobile, "１３８１２３４５６７８", "138****5678"},
		{"mobile with +86", FMobile, "+86 138 1234 5678", "138****5678"},
		{"mobile with 0086", FMobile, "008613812345678", "138****5678"},
		{"foreign mobile", FMobile, "+1 415 555 2671", "****2671"},
		{"roster phone", FPhone, "13812345678", "138****5678"},
		{"short phone", FPhone, "12345", "****2345"},
		{"landline", FPhone, "010-1234567", "****4567"},
		{"phone with letters", FMobile, "abc", "****"},
		{"phone one char", FMobile, "1", "****"},
		{"id number", FIDNumber, "11010519491231002X", "**************002X"},
		{"id number full-width", FIDNumber, "１１０１０５１９４９１２３１００２Ｘ", "**************002X"},
		{"id number short", FIDNumber, "123456", "****56"},
		{"id number tiny", FIDNumber, "1234", "****"},
		{"name", FName, "张三丰", "张**"},
		{"name one char", FName, "张", "张"},
		{"name latin", FName, "Wang Fang", "W********"},
		{"wechat", FWeChat, "wxid_abcdef", "wx***"},
		{"wechat short", FWeChat, "ab", "a***"},
		{"email", FEmail, "zhang@example.com", "zh***"},
		{"comment", FComment, "房间很好，服务一般", "[9 chars]"},
		{"complaint", FComplaint, "空调坏了", "[4 chars]"},
		{"preferences", FPreferences, "高楼层 无烟", "[6 chars]"},
		{"other field", FArrival, "2015-13-45", "2015-13-45"},
		{"other field truncated", FSpend, long, strings.Repeat("长", 64)},
		{"empty", FMobile, "", ""},
		{"blank", FName, "  ", ""},
		{"invalid UTF-8", FRoom, "80\xff1", "80\ufffd1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskValue(tt.f, tt.raw); got != tt.want {
				t.Errorf("MaskValue(%s, %q) = %q, want %q", tt.f, tt.raw, got, tt.want)
			}
		})
	}
}

func TestMaskValueHidesPersonalData(t *testing.T) {
	tests := []struct {
		f      Field
		raw    string
		secret string // must not survive masking
	}{
		{FMobile, "13812345678", "1234"},
		{FIDNumber, "11010519491231002X", "19491231"},
		{FIDNumber, "110105194912310021", "110105"},
		{FName, "欧阳娜娜", "阳娜"},
		{FEmail, "zhang.san@example.com", "example"},
		{FWeChat, "wxid_zhangsan88", "zhangsan"},
		{FComplaint, "13812345678 张三 投诉", "张三"},
		{FComment, "call me on 13812345678", "1381234"},
	}
	for _, tt := range tests {
		t.Run(string(tt.f), func(t *testing.T) {
			got := MaskValue(tt.f, tt.raw)
			if strings.Contains(got, tt.secret) {
				t.Errorf("MaskValue(%s, …) = %q still holds %q", tt.f, got, tt.secret)
			}
			if !utf8.ValidString(got) {
				t.Errorf("MaskValue(%s, …) = %q is not valid UTF-8", tt.f, got)
			}
		})
	}
}

// TestParseAmountInTheHotelsCurrency: a hotel that books in euros or
// dollars writes its own symbol or code; yuan's marks are then refused, as
// they would be read as the wrong money.
func TestParseAmountInTheHotelsCurrency(t *testing.T) {
	tests := []struct {
		code, in string
		want     int64 // -1: refused
	}{
		{"EUR", "€1280.00", 128000},
		{"EUR", "€ 1,280.50", 128050},
		{"EUR", "1280 EUR", 128000},
		{"EUR", "eur1280", 128000},
		{"EUR", "1280€", 128000},
		{"EUR", "-€50", -5000},
		{"EUR", "€-50", -5000},
		{"EUR", "1280", 128000},
		{"EUR", "¥1280", -1},
		{"EUR", "1280元", -1},
		{"EUR", "RMB 1280", -1},
		{"EUR", "CNY1280", -1},
		{"EUR", "$1280", -1},
		{"EUR", "€1.280,00", -1}, // a comma is never a decimal separator
		{"USD", "$1,280.00", 128000},
		{"USD", "USD 1280", 128000},
		{"USD", "1280 usd", 128000},
		{"USD", "€1280", -1},
		{"GBP", "£99.99", 9999},
		{"NZD", "NZD 12", 1200},
		{"NZD", "$12", -1}, // no symbol of its own here: only the code
		{"CNY", "¥1280", 128000},
		{"CNY", "€1280", -1},
	}
	for _, tt := range tests {
		t.Run(tt.code+" "+tt.in, func(t *testing.T) {
			got, err := ParseAmountIn(tt.in, money.MustParse(tt.code))
			switch {
			case tt.want == -1 && err == nil:
				t.Errorf("ParseAmountIn(%q, %s) = %d, want refused", tt.in, tt.code, got)
			case tt.want == -1:
				wantValueError(t, err, RBadAmount)
			case err != nil || got != tt.want:
				t.Errorf("ParseAmountIn(%q, %s) = %d, %v; want %d", tt.in, tt.code, got, err, tt.want)
			}
		})
	}
}
