package export

import (
	"strings"
	"unicode/utf8"
)

// SafeCell returns s made safe to put in a spreadsheet cell: a string that
// starts with a character that makes Excel or WPS read a formula gets a
// leading apostrophe, so it stays text even when a user opens it from CSV or
// re-enters the cell. This is the OWASP CSV-injection rule (= + - @ TAB CR),
// widened to LF and to the full-width ＝ ＋ － ＠ that a Chinese input method
// types, which WPS and East Asian Excel also take as a formula start. Every
// other string, including "" and one that already starts with an apostrophe,
// is returned unchanged.
//
// The price is that a text that merely looks like a signed number, such as
// "-1" or an unmasked "+8613812345678", shows its apostrophe; numbers belong
// in numeric columns, where SafeCell is never applied.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch r, _ := utf8.DecodeRuneInString(s); r {
	case '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

// MaskMobile hides the middle of a phone number. A mainland mobile number —
// "13812345678", "+8613812345678", "008613812345678" or the same with
// spaces or dashes — becomes "138****5678", the form Chinese staff know;
// any other number, such as a landline or "+14155550123", becomes "****"
// and its last four digits. A value with four digits or fewer, or
// none, becomes "****", since keeping four would keep it all; "" stays "".
func MaskMobile(s string) string {
	if s == "" {
		return ""
	}
	var buf [32]byte
	digits := buf[:0]
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	// After a "+" comes a country code, and only 86 is the mainland: a US
	// "+14155550123" also has eleven digits starting with 1.
	international := strings.HasPrefix(strings.TrimSpace(s), "+")
	switch {
	case len(digits) == 15 && string(digits[:4]) == "0086":
		digits, international = digits[4:], false
	case len(digits) == 13 && string(digits[:2]) == "86":
		digits, international = digits[2:], false
	}
	switch {
	case !international && len(digits) == 11 && digits[0] == '1' && digits[1] >= '3':
		return string(digits[:3]) + "****" + string(digits[7:])
	case len(digits) > 4:
		return "****" + string(digits[len(digits)-4:])
	}
	return "****"
}
