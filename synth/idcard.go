package synth

import "strconv"

// Resident ID numbers (GB 11643-1999): six digits of region, eight of birth
// date, three of sequence (odd for men, even for women) and a check character.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCheck is the check character of the first 17 digits of body.
func idCheck(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// idValid reports whether id is 18 characters with the right check character.
func idValid(id string) bool {
	if len(id) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	c := id[17]
	if c == 'x' {
		c = 'X'
	}
	return c == idCheck(id)
}

// idBody is the 17-digit body as a number: region, birth date, sequence.
func idBody(region int, birth day, seq int) uint64 {
	y, m, d := birth.date()
	return uint64(region)*1e11 + uint64(y*10000+m*100+d)*1e3 + uint64(seq)
}

// idString renders a body with its check character, or with a wrong one.
func idString(body uint64, wrongCheck bool) string {
	b := make([]byte, 0, 18)
	s := strconv.FormatUint(body, 10)
	b = append(b, s...)
	c := idCheck(s)
	if wrongCheck {
		i := (indexByte(idCheckChars, c) + 1 + int(body%10)) % len(idCheckChars)
		c = idCheckChars[i]
	}
	return string(append(b, c))
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
