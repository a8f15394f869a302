package ingest

import (
	"math"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/revisit-hotel/revisit/internal/freetext"
	"github.com/revisit-hotel/revisit/mask"
	"github.com/revisit-hotel/revisit/money"
)

// FoldText is applied to every cell before anything reads it: it folds
// full-width ASCII (ＡＢＣ１２３，＠) to half-width, drops zero-width,
// control and bidi-override characters (freetext's policy), trims white space (ASCII, U+3000, NBSP…) and collapses inner runs
// of white space to one space. Invalid UTF-8 becomes U+FFFD. Text that needs
// none of this is returned as is, without allocating.
func FoldText(s string) string {
	if isFoldedText(s) {
		return s
	}
	return foldTextSlow(s)
}

// foldTextSlow is FoldText without the shortcut for text already folded.
func foldTextSlow(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			continue
		case isZeroWidth(r), unicode.IsControl(r), freetext.IsBidiControl(r):
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isFoldedText reports whether FoldText would return s unchanged.
func isFoldedText(s string) bool {
	for i, r := range s {
		switch {
		case r == ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case r < utf8.RuneSelf:
			if r < ' ' || r == 0x7f {
				return false // control characters, \t \n \r among them
			}
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false // invalid UTF-8, not a genuine U+FFFD
			}
		case r >= 0xFF00 && r <= 0xFFEF:
			// With U+3000 (a space), the only block width.Fold changes.
			if width.LookupRune(r).Folded() != 0 {
				return false
			}
		case isZeroWidth(r), unicode.IsSpace(r), unicode.IsControl(r), freetext.IsBidiControl(r):
			return false
		}
	}
	return true
}

// isZeroWidth reports invisible characters that creep into cells copied from
// web pages and Word (and a stray BOM) and would otherwise break parsing.
func isZeroWidth(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

// ParseAmount reads a money amount in yuan and returns it in fen (cents):
// "1,280.00", "¥1280", "￥1,280.5", "RMB 1280", "CNY1280", "1280元". A comma is
// only ever a thousands separator, in groups of three, so a European "1280,00"
// is refused rather than read as 128000. At most two decimal places carry
// value; further places must be zeros. A leading minus (a refund) is allowed;
// whether a negative spend is acceptable is the caller's call.
func ParseAmount(s string) (cents int64, err error) { return ParseAmountIn(s, money.CNY) }

// ParseAmountIn reads an amount in cur, as ParseAmount reads yuan, with
// cur's symbol or ISO code before or after the number instead of yuan's
// marks: "€1280.00", "1,280.50 EUR", "-$50". A yuan mark on an amount of a
// hotel that books in another currency is refused, not read as that money.
// Only the decimal point is a decimal separator: "€1.280,00" is refused.
func ParseAmountIn(s string, cur money.Currency) (cents int64, err error) {
	s = FoldText(s)
	if s == "" {
		return 0, valueErr(RMissingValue, "amount is empty")
	}
	before, after := yuanBefore, yuanAfter
	if cur != money.CNY {
		before = []string{cur.Symbol(), cur.Code()}
		after = []string{cur.Code(), cur.Symbol()}
	}
	num, neg := stripCurrency(s, before, after)
	intPart, frac, hasDot := strings.Cut(num, ".")
	if intPart == "" || (hasDot && frac == "") {
		return 0, valueErr(RBadAmount, "amount is not a number")
	}
	if !isDigits(frac) {
		return 0, valueErr(RBadAmount, "amount is not a number")
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, valueErr(RBadAmount, "amount has more than 2 decimal places")
		}
		frac = frac[:2]
	}
	digits, ok := ungroupThousands(intPart)
	if !ok {
		return 0, valueErr(RBadAmount, "amount is not a number")
	}
	frac += "00"[len(frac):]
	for _, c := range digits + frac {
		d := int64(c - '0')
		if cents > (math.MaxInt64-d)/10 {
			return 0, valueErr(RBadAmount, "amount is too large")
		}
		cents = cents*10 + d
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}

// The marks of an amount in yuan, before and after the number.
var (
	yuanBefore = []string{"¥", "RMB", "CNY"}
	yuanAfter  = []string{"元", "RMB", "CNY"}
)

// stripCurrency removes a sign and the currency marks around an amount:
// "-¥ 50", "¥-50", "RMB 1280", "1280元", "1280 CNY".
func stripCurrency(s string, before, after []string) (num string, neg bool) {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		s, neg = rest, true
	}
	for _, mark := range before {
		if len(s) >= len(mark) && strings.EqualFold(s[:len(mark)], mark) {
			s = strings.TrimLeft(s[len(mark):], " ")
			break
		}
	}
	if rest, ok := strings.CutPrefix(s, "-"); ok && !neg {
		s, neg = rest, true
	}
	for _, mark := range after {
		if len(s) >= len(mark) && strings.EqualFold(s[len(s)-len(mark):], mark) {
			s = strings.TrimRight(s[:len(s)-len(mark)], " ")
			break
		}
	}
	return s, neg
}

// ungroupThousands returns the digits of "1,280,000" or "1280000"; commas, if
// any, must separate groups of exactly three digits.
func ungroupThousands(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, isDigits(s)
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 || !isDigits(groups[0]) {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !isDigits(g) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// isDigits reports whether s is made only of ASCII digits (true for "").
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseInt reads a whole number: "3", " 3 ", "３", and "3.0" (Excel writes
// counts as floats) are all 3; "3.5" is not a whole number.
func ParseInt(s string) (int, error) {
	s = FoldText(s)
	if s == "" {
		return 0, valueErr(RMissingValue, "number is empty")
	}
	n, problem := parseWholeNumber(s)
	if problem != "" {
		return 0, valueErr(RBadNumber, "%s", problem)
	}
	return n, nil
}

// parseWholeNumber reads an optionally signed integer, allowing a fraction of
// zeros. It returns a description of the problem instead of an error so that
// each caller can choose its reason code.
func parseWholeNumber(s string) (int, string) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if hasDot && (frac == "" || !isDigits(frac)) {
		return 0, "not a number"
	}
	if strings.Trim(frac, "0") != "" {
		return 0, "not a whole number"
	}
	digits := strings.TrimLeft(intPart, "+-")
	if len(intPart)-len(digits) > 1 || digits == "" || !isDigits(digits) {
		return 0, "not a number"
	}
	n, err := strconv.Atoi(intPart)
	if err != nil {
		return 0, "number is too large"
	}
	return n, ""
}

// ParseScore reads a feedback score and checks it lies on [min, max]. Forms
// write "5", "5.0" or "5分". Anything that is not a whole number on the scale
// is RScoreOutOfRange, so that bad forms group under one reason.
func ParseScore(s string, min, max int) (int, error) {
	s = FoldText(s)
	if s == "" {
		return 0, valueErr(RMissingValue, "score is empty")
	}
	s = strings.TrimRight(strings.TrimSuffix(s, "分"), " ")
	n, problem := parseWholeNumber(s)
	if problem != "" {
		return 0, valueErr(RScoreOutOfRange, "score is %s", problem)
	}
	if n < min || n > max {
		return 0, valueErr(RScoreOutOfRange, "score is outside %d–%d", min, max)
	}
	return n, nil
}

// boolWords are the yes/no spellings found in hotel exports and consent forms,
// lower-cased.
var boolWords = map[string]bool{
	"是": true, "否": false,
	"y": true, "n": false,
	"yes": true, "no": false,
	"true": true, "false": false,
	"1": true, "0": false,
	"同意": true, "不同意": false,
	"允许": true, "拒绝": false, "不允许": false,
	"√": true, "×": false,
	"✓": true, "✔": true, "✗": false, "✘": false,
}

// ParseBool reads a yes/no cell (是/否, Y/N, yes/no, true/false, 1/0,
// 同意/不同意, 允许/拒绝, √/×), ignoring case. ok is false when s is empty or
// not one of these, so that an unreadable consent is never taken as a yes.
func ParseBool(s string) (v bool, ok bool) {
	v, ok = boolWords[strings.ToLower(FoldText(s))]
	return v, ok
}

// NormalizeEmail trims and lower-cases an e-mail address and checks that it is
// a bare address (no display name) with one @ and a dotted domain.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(FoldText(s))
	if s == "" {
		return "", valueErr(WInvalidEmail, "email is empty")
	}
	local, domain, _ := strings.Cut(s, "@")
	if strings.Count(s, "@") != 1 || local == "" || !strings.Contains(domain, ".") ||
		strings.ContainsAny(domain, "[]") {
		return "", valueErr(WInvalidEmail, "email is not a valid address")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", valueErr(WInvalidEmail, "email is not a valid address")
	}
	return s, nil
}

// maxMaskedRunes bounds what the rejects table keeps of any value.
const maxMaskedRunes = 64

// MaskValue returns what may be stored of an offending value of field f: the
// rejects table keeps enough for staff to find the row, never the personal
// data itself. Phones are masked as everywhere else (mask.Mobile), ID numbers their
// last 4, names their first character, WeChat and e-mail their first 2; free
// text is reduced to its length; other values are cut to 64 characters. The
// result is always valid UTF-8.
func MaskValue(f Field, raw string) string {
	s := FoldText(raw)
	if s == "" {
		return ""
	}
	runes := []rune(s)
	switch f {
	case FMobile, FPhone:
		return mask.Mobile(s)
	case FIDNumber:
		keep := max(0, min(4, len(runes)-4)) // never more than half
		return maskedRun(len(runes)-keep) + string(runes[len(runes)-keep:])
	case FName:
		return string(runes[0]) + maskedRun(len(runes)-1)
	case FWeChat, FEmail:
		return string(runes[:min(2, len(runes)-1)]) + "***"
	case FComment, FComplaint, FPreferences:
		return "[" + strconv.Itoa(len(runes)) + " chars]"
	}
	if len(runes) > maxMaskedRunes {
		runes = runes[:maxMaskedRunes]
	}
	return string(runes)
}

// maskedRun is n asterisks, at most maxMaskedRunes of them.
func maskedRun(n int) string {
	return strings.Repeat("*", max(0, min(n, maxMaskedRunes)))
}
