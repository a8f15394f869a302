package money

import (
	"strings"
	"testing"
)

func TestParseAcceptsISOCodesInAnyCase(t *testing.T) {
	for _, tc := range []struct{ in, code, symbol string }{
		{"CNY", "CNY", "¥"}, {"cny", "CNY", "¥"}, {" EUR ", "EUR", "€"}, {"usd", "USD", "$"},
		{"GBP", "GBP", "£"}, {"CHF", "CHF", "CHF"}, {"NZD", "NZD", "NZD"}, {"MOP", "MOP", "MOP$"},
	} {
		c, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if c.Code() != tc.code || c.Symbol() != tc.symbol {
			t.Errorf("Parse(%q) = %s %q, want %s %q", tc.in, c.Code(), c.Symbol(), tc.code, tc.symbol)
		}
	}
}

func TestParseRefusesWhatIsNotACurrency(t *testing.T) {
	for _, in := range []string{"", "RMB", "yuan", "EU", "EURO", "ZZZ", "¥", "C-Y", "12A"} {
		if c, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %s, want an error", in, c)
		} else if !strings.Contains(err.Error(), "ISO 4217") {
			t.Errorf("Parse(%q): %v does not say what it accepts", in, err)
		}
	}
}

func TestZeroCurrencyIsYuan(t *testing.T) {
	var c Currency
	if c != CNY || c.Code() != "CNY" || c.NameZH() != "元" || c.NameEN() != "yuan" || c.ExcelFormat() != `"¥"#,##0.00` {
		t.Errorf("zero Currency = %s %s %s %s, want yuan", c.Code(), c.NameZH(), c.NameEN(), c.ExcelFormat())
	}
	if MustParse("CNY") != c {
		t.Error("parsing CNY gives another value than the zero Currency: == comparisons would fail")
	}
}

func TestExcelFormatNamesTheCurrency(t *testing.T) {
	for code, want := range map[string]string{"EUR": `"€"#,##0.00`, "USD": `"$"#,##0.00`, "NZD": `"NZD"#,##0.00`} {
		if got := MustParse(code).ExcelFormat(); got != want {
			t.Errorf("%s: ExcelFormat() = %s, want %s", code, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"CNY", "eur", "", "RMB", "ÉUR", "\x00\x00\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			return
		}
		code := c.Code()
		if len(code) != 3 || strings.ToUpper(strings.TrimSpace(s)) != code {
			t.Fatalf("Parse(%q) accepted %q", s, code)
		}
		if again, err := Parse(code); err != nil || again != c {
			t.Fatalf("Parse(%q) = %v, %v; want %s again", code, again, err, c)
		}
	})
}
