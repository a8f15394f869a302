// Package mask is Revisit's one policy for showing personal data to people
// who must not see all of it: the rejects table, the exports, the pages and
// the API mask a mobile the same way, so that a number looks alike wherever
// staff meet it.
package mask

import "strings"

// Mobile hides the middle of a phone number. A mainland mobile number —
// "13812345678", "+8613812345678", "008613812345678" or the same with
// spaces or dashes — becomes "138****5678", the form Chinese staff know;
// any other number, such as a landline or "+14155550123", becomes "****"
// and its last four digits. A value with four digits or fewer, or
// none, becomes "****", since keeping four would keep it all; "" stays "".
func Mobile(s string) string {
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
