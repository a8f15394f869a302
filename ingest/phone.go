package ingest

import (
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Phone is a normalised telephone number.
type Phone struct {
	E164   string // +8613812345678
	Mobile bool   // MOBILE or FIXED_LINE_OR_MOBILE: a number a person carries, not a switchboard
}

// NormalizePhone reads a Chinese (default region CN) or international number:
// 13812345678, +86 138 1234 5678, 008613812345678, (+86)13812345678,
// 010-12345678, +852 9123 4567, … An extension (转123, ext 123, x123) is
// dropped. The verdict is nyaruka/phonenumbers', but the common shape — 11
// digits starting with 1, spaced or dashed, with an optional +86, 0086 or 86 —
// is answered from a per-prefix cache, since parsing costs ~15 µs and a
// nightly load may hold ten million numbers.
//
// Errors are *ValueError with code WInvalidMobile; their messages never
// repeat the number.
func NormalizePhone(s string) (Phone, error) {
	s = FoldText(s)
	if s == "" {
		return Phone{}, valueErr(WInvalidMobile, "phone number is empty")
	}
	if national, ok := cnMobileShape(s); ok {
		switch cnMobilePrefix(national) {
		case prefixAllMobile:
			return Phone{E164: "+86" + string(national[:]), Mobile: true}, nil
		case prefixAllInvalid:
			return Phone{}, errPhoneInvalid()
		}
	}
	return normalizePhoneSlow(s)
}

// errPhoneInvalid is the answer for any number phonenumbers does not accept.
func errPhoneInvalid() error {
	return valueErr(WInvalidMobile, "not a valid phone number")
}

// normalizePhoneSlow asks phonenumbers.
func normalizePhoneSlow(s string) (Phone, error) {
	s = stripPhoneExtension(s)
	for _, r := range s {
		// phonenumbers would read letters as a keypad (1-800-FLOWERS); in a
		// guest file they are a typing mistake or a note.
		if unicode.IsLetter(r) {
			return Phone{}, valueErr(WInvalidMobile, "phone number contains letters")
		}
	}
	num, err := phonenumbers.Parse(s, "CN")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return Phone{}, errPhoneInvalid()
	}
	// North American numbers are FIXED_LINE_OR_MOBILE: the plan does not say.
	// A guest gives the number they carry, so those count as mobiles; only a
	// number known to be a landline (a switchboard, an office) does not.
	typ := phonenumbers.GetNumberType(num)
	return Phone{
		E164:   phonenumbers.Format(num, phonenumbers.E164),
		Mobile: typ == phonenumbers.MOBILE || typ == phonenumbers.FIXED_LINE_OR_MOBILE,
	}, nil
}

// phoneExtensionMarks introduce an extension at the end of a number.
var phoneExtensionMarks = []string{"转", "分机", "ext.", "ext", "x"}

// stripPhoneExtension removes a trailing extension such as "转123" or
// "ext. 123": one of phoneExtensionMarks, then 1–6 digits.
func stripPhoneExtension(s string) string {
	digits := len(s)
	for digits > 0 && s[digits-1] >= '0' && s[digits-1] <= '9' {
		digits--
	}
	if n := len(s) - digits; n < 1 || n > 6 {
		return s
	}
	head := strings.TrimRight(s[:digits], " ")
	for _, mark := range phoneExtensionMarks {
		if len(head) > len(mark) && strings.EqualFold(head[len(head)-len(mark):], mark) {
			return strings.TrimRight(head[:len(head)-len(mark)], " ")
		}
	}
	return s
}

// cnMobileShape recognises the common shape: after dropping spaces and
// dashes, an optional +86, 0086 or 86, then 11 ASCII digits starting with 1.
// It returns those 11 digits.
func cnMobileShape(s string) (national [11]byte, ok bool) {
	var digits [15]byte
	n, plus := 0, false // s is folded, so a + can only be its first byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(digits) {
				return national, false
			}
			digits[n] = c
			n++
		case c == ' ' || c == '-':
		case c == '+' && i == 0:
			plus = true
		default:
			return national, false
		}
	}
	var prefix string
	switch {
	case plus:
		prefix = "86"
	case n == 15:
		prefix = "0086"
	case n == 13:
		prefix = "86"
	}
	if n != len(prefix)+11 || string(digits[:len(prefix)]) != prefix || digits[len(prefix)] != '1' {
		return national, false
	}
	copy(national[:], digits[len(prefix):n])
	return national, true
}

// prefixVerdict is what phonenumbers says of every 11-digit number that
// starts with a given three digits.
type prefixVerdict uint8

const (
	prefixMixed      prefixVerdict = iota // depends on later digits: always ask phonenumbers
	prefixAllMobile                       // valid, MOBILE, E.164 is +86 and the digits
	prefixAllInvalid                      // never valid
)

// cnPrefixCache memoises prefixVerdict for 100–199, each worked out once, on
// first use. It caches a pure function of phonenumbers' compiled-in metadata,
// so it is the same for every caller and safe to share.
var cnPrefixCache [100]struct {
	once    sync.Once
	verdict prefixVerdict
}

// cnMobilePrefix returns the verdict for national's first three digits.
func cnMobilePrefix(national [11]byte) prefixVerdict {
	p := int(national[1]-'0')*10 + int(national[2]-'0')
	entry := &cnPrefixCache[p]
	entry.once.Do(func() { entry.verdict = probeCNPrefix(string(national[:3])) })
	return entry.verdict
}

// cnProbeTails complete the probes of a prefix. Some put "00" at positions
// 6–7, where CN metadata's alternative international prefix (1[12]xxx00,
// 179xx00) would match; the others do not.
var cnProbeTails = [...]string{"000000", "999999", "123456", "005050", "888800"}

// probeCNPrefix asks phonenumbers about 100 numbers starting with prefix,
// varying the 4th and 5th digits (where today's CN patterns stop
// discriminating: 1740[0-5] is mobile, 1740[6-9] is not) and the tail. A
// single disagreement makes the prefix mixed, so the cache can only ever
// send a number to phonenumbers, never give it a different answer.
func probeCNPrefix(prefix string) prefixVerdict {
	verdict := prefixMixed
	for i := range 100 {
		number := prefix + string(rune('0'+i/10)) + string(rune('0'+i%10)) + cnProbeTails[i%len(cnProbeTails)]
		v := prefixAllInvalid
		if p, err := normalizePhoneSlow(number); err == nil {
			if !p.Mobile || p.E164 != "+86"+number {
				return prefixMixed
			}
			v = prefixAllMobile
		}
		if i > 0 && v != verdict {
			return prefixMixed
		}
		verdict = v
	}
	return verdict
}
