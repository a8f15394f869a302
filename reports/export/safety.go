package export

import "unicode/utf8"

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
