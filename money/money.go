// Package money names the hotel's currency. Amounts are stored in hundredths
// (fen for CNY, cents for EUR or USD) whatever the currency, as ingest parses
// them; this package only says what to call them: the ISO 4217 code, a
// symbol for number formats, and labels in Chinese and English.
package money

import (
	"fmt"
	"strings"

	"golang.org/x/text/currency"
)

// Currency is a validated ISO 4217 currency. The zero value is CNY, the
// hotel's default, so a struct that forgets to set one still names yuan.
type Currency struct{ code string }

// CNY is the Chinese yuan, the default.
var CNY = Currency{}

// Parse reads an ISO 4217 code such as "CNY", "EUR" or "usd" (any case).
// A code that is not three letters or not a known currency is an error.
func Parse(code string) (Currency, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return CNY, fmt.Errorf("money: %q is not an ISO 4217 code (three letters, such as CNY, EUR or USD)", code)
	}
	if _, err := currency.ParseISO(c); err != nil {
		return CNY, fmt.Errorf("money: %q is not a known ISO 4217 currency (such as CNY, EUR or USD)", code)
	}
	if c == "CNY" {
		return CNY, nil
	}
	return Currency{code: c}, nil
}

// MustParse is Parse for codes written in the program; it panics on a bad one.
func MustParse(code string) Currency {
	c, err := Parse(code)
	if err != nil {
		panic(err)
	}
	return c
}

// Code is the ISO 4217 code, e.g. "CNY".
func (c Currency) Code() string {
	if c.code == "" {
		return "CNY"
	}
	return c.code
}

// String is the code, so a Currency prints as people write it.
func (c Currency) String() string { return c.Code() }

// names are the currencies a hotel is likely to book in, with the symbol its
// guests read on a bill and a Chinese name. Others are shown by their code.
var names = map[string]struct{ symbol, zh, en string }{
	"CNY": {"¥", "元", "yuan"},
	"EUR": {"€", "欧元", "euros"},
	"USD": {"$", "美元", "US dollars"},
	"GBP": {"£", "英镑", "pounds"},
	"JPY": {"¥", "日元", "yen"},
	"HKD": {"HK$", "港元", "Hong Kong dollars"},
	"MOP": {"MOP$", "澳门元", "patacas"},
	"TWD": {"NT$", "新台币", "New Taiwan dollars"},
	"KRW": {"₩", "韩元", "won"},
	"SGD": {"S$", "新加坡元", "Singapore dollars"},
	"THB": {"฿", "泰铢", "baht"},
	"CHF": {"CHF", "瑞士法郎", "Swiss francs"},
	"AUD": {"A$", "澳元", "Australian dollars"},
	"CAD": {"C$", "加元", "Canadian dollars"},
}

// Symbol is what a bill shows before an amount: ¥ for CNY, € for EUR, $ for
// USD, £ for GBP…; the code for a currency without a well-known symbol.
func (c Currency) Symbol() string {
	if n, ok := names[c.Code()]; ok {
		return n.symbol
	}
	return c.Code()
}

// NameZH is the currency's Chinese name (元, 欧元…), or its code.
func (c Currency) NameZH() string {
	if n, ok := names[c.Code()]; ok {
		return n.zh
	}
	return c.Code()
}

// NameEN is the currency's English name in the plural (yuan, euros…), or
// its code.
func (c Currency) NameEN() string {
	if n, ok := names[c.Code()]; ok {
		return n.en
	}
	return c.Code()
}

// ExcelFormat is the XLSX number format of an amount in c: the symbol,
// quoted so that every format parser reads it as a literal, then
// #,##0.00 (amounts are stored in hundredths whatever the currency).
func (c Currency) ExcelFormat() string {
	return `"` + strings.ReplaceAll(c.Symbol(), `"`, "") + `"#,##0.00`
}
