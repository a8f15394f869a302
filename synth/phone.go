package synth

import (
	"math/rand/v2"
	"strconv"
)

// phone is a mobile number: a country calling code and the national
// significant number. The zero value is "no number".
type phone struct {
	cc  uint16
	nsn uint64
}

func (p phone) ok() bool { return p.cc != 0 }

// phoneStyle is how an export spells a mobile number.
type phoneStyle uint8

const (
	phonePlain  phoneStyle = iota // 13812345678 (foreign numbers in E.164)
	phoneSpaced                   // +86 138 1234 5678
	phoneDashed                   // 138-1234-5678
	phoneE164                     // +8613812345678
)

// Real mainland mobile prefixes.
var cnPrefixes = []uint64{130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 198, 199}

var usAreaCodes = []uint64{212, 310, 415, 646, 917, 206, 312, 617, 408, 650}

// Index spaces of the mobile permutation: each holder of a number draws from
// its own range, so numbers never collide across people, staff and junk rows.
const (
	phoneSpaceSecond = 30_000_000 // a person's second handset
	phoneSpaceStaff  = 90_000_000 // butlers
	phoneSpaceJunk   = 95_000_000 // rows that are rejected anyway
)

// cnMobile is the mainland number for slot k of the permutation.
func cnMobile(r *rand.Rand, perm permutation, k uint64) phone {
	return phone{cc: 86, nsn: pick(r, cnPrefixes)*1e8 + perm.apply(k, 1e8)}
}

// Foreign mobile ranges that are actually allocated, so that only the numbers
// spoiled on purpose fail validation: Hong Kong mobiles by their first two
// digits, US exchanges without the N11 service codes, Japanese 090/080/070
// numbers whose next digit is not 0.
var (
	hkMobileLeads = []uint64{61, 63, 64, 65, 69, 94, 96, 97}
	usExchanges   = func() []uint64 {
		var ex []uint64
		for x := uint64(200); x <= 999; x++ {
			if x%100 != 11 {
				ex = append(ex, x)
			}
		}
		return ex
	}()
)

// foreignMobile is a mobile number in country c for slot k (k < 7.9e6). Each
// country's numbers come from one permutation draw split bijectively into the
// number's parts, so two slots never share a number.
func foreignMobile(r *rand.Rand, perm permutation, c country, k uint64) phone {
	switch c {
	case countryUS:
		p := perm.apply(k, uint64(len(usExchanges))*1e4)
		return phone{cc: 1, nsn: pick(r, usAreaCodes)*1e7 + usExchanges[p/1e4]*1e4 + p%1e4}
	case countryHK:
		p := perm.apply(k, uint64(len(hkMobileLeads))*1e6)
		return phone{cc: 852, nsn: hkMobileLeads[p/1e6]*1e6 + p%1e6}
	default:
		prefix := []uint64{90, 80, 70}[r.IntN(3)]
		return phone{cc: 81, nsn: prefix*1e8 + 1e7 + perm.apply(k, 9e7)}
	}
}

// groups are the digit groups a country writes its mobiles in.
func (p phone) groups() []int {
	switch p.cc {
	case 86:
		return []int{3, 4, 4}
	case 1:
		return []int{3, 3, 4}
	case 852:
		return []int{4, 4}
	default:
		return []int{2, 4, 4}
	}
}

// appendPhone writes p in style st.
func appendPhone(b []byte, p phone, st phoneStyle) []byte {
	if !p.ok() {
		return b
	}
	digits := strconv.AppendUint(make([]byte, 0, 12), p.nsn, 10)
	domestic := p.cc == 86
	switch st {
	case phoneE164:
		b = append(b, '+')
		b = strconv.AppendUint(b, uint64(p.cc), 10)
		return append(b, digits...)
	case phonePlain:
		if !domestic {
			b = append(b, '+')
			b = strconv.AppendUint(b, uint64(p.cc), 10)
		}
		return append(b, digits...)
	}
	sep := byte(' ')
	if st == phoneDashed {
		sep = '-'
	}
	if st == phoneSpaced || !domestic {
		b = append(b, '+')
		b = strconv.AppendUint(b, uint64(p.cc), 10)
		b = append(b, sep)
	}
	i := 0
	for gi, n := range p.groups() {
		if gi > 0 {
			b = append(b, sep)
		}
		b = append(b, digits[i:i+n]...)
		i += n
	}
	return b
}

// truncatedMobile is a mainland number with digits missing, the commonest
// typing slip in hand-entered archives ("1381234"): INVALID_MOBILE.
func truncatedMobile(p phone) string {
	s := strconv.FormatUint(p.nsn, 10)
	return s[:7]
}
