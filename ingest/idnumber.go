package ingest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// residentIDWeights are the GB 11643-1999 weights of the first 17 digits.
var residentIDWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentIDCheckChars maps the weighted sum mod 11 to the check character.
const residentIDCheckChars = "10X98765432"

// CheckResidentID checks an 18-character mainland resident ID (GB 11643):
// 17 digits, a check character (digit or X, lower-case x accepted) and a real
// birth date between 1900-01-01 and today in digits 7–14. It returns the ID
// folded, trimmed and with an upper-case X, and the birth date (midnight UTC).
// Errors are *ValueError with code WInvalidIDNumber; their messages say what
// is wrong (length, checksum, birth date) without repeating any digit.
func CheckResidentID(s string) (normalized string, birth time.Time, err error) {
	return checkResidentIDAt(s, time.Now())
}

// checkResidentIDAt is CheckResidentID with "today" taken from now.
func checkResidentIDAt(s string, now time.Time) (string, time.Time, error) {
	s = FoldText(s)
	if n := utf8.RuneCountInString(s); n != 18 {
		return "", time.Time{}, valueErr(WInvalidIDNumber, "ID number has %d characters, want 18", n)
	}
	if s[17] == 'x' {
		s = s[:17] + "X"
	}
	if !isDigits(s[:17]) || !(isDigits(s[17:]) || s[17] == 'X') {
		return "", time.Time{}, valueErr(WInvalidIDNumber, "ID number must be 17 digits and a digit or X")
	}
	sum := 0
	for i, w := range residentIDWeights {
		sum += int(s[i]-'0') * w
	}
	if s[17] != residentIDCheckChars[sum%11] {
		return "", time.Time{}, valueErr(WInvalidIDNumber, "ID number check character does not match")
	}
	birth, ok := residentIDBirth(s[6:14], now)
	if !ok {
		return "", time.Time{}, valueErr(WInvalidIDNumber, "ID number birth date is not a real date from 1900 to today")
	}
	return s, birth, nil
}

// residentIDBirth reads yyyymmdd and checks it is a real date between
// 1900-01-01 and now's calendar day.
func residentIDBirth(yyyymmdd string, now time.Time) (time.Time, bool) {
	sc := dateScanner{s: yyyymmdd}
	y, m, d, _, ok := sc.date()
	if !ok || !sc.done() || checkCalendarDate(y, m, d) != nil {
		return time.Time{}, false
	}
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	ty, tm, td := now.Date()
	if birth.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, false
	}
	return birth, true
}

// IDHasher turns ID numbers into keyed hashes; the raw number is never stored.
// Keyed (HMAC) rather than plain SHA-256 because the space of ID numbers is
// small enough to enumerate: without the key a hash could be reversed.
type IDHasher struct {
	key []byte
}

// NewIDHasher returns a hasher keyed with a copy of key, a secret that must
// stay the same for hashes to match across loads.
func NewIDHasher(key []byte) IDHasher {
	return IDHasher{key: bytes.Clone(key)}
}

// Keyed says whether the hasher has a key; the zero IDHasher has none and
// must not be used for real data.
func (h IDHasher) Keyed() bool { return len(h.key) > 0 }

// Hash returns the lowercase hex HMAC-SHA256 of a normalised ID number (as
// returned by CheckResidentID).
func (h IDHasher) Hash(normalized string) string {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(normalized))
	return hex.EncodeToString(mac.Sum(nil))
}

// IDLast4 returns the last 4 characters of a normalised ID number, the part
// staff may see to confirm a guest's identity (all of it if shorter).
func IDLast4(normalized string) string {
	runes := []rune(strings.TrimSpace(normalized))
	return string(runes[max(0, len(runes)-4):])
}
