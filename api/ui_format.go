package api

import (
	"strconv"
	"strings"

	"github.com/revisit-hotel/revisit/money"
)

// formatFloat writes f with digits decimals.
func formatFloat(f float64, digits int) string { return strconv.FormatFloat(f, 'f', digits, 64) }

// moneyText writes an amount as a bill shows it: the currency's symbol,
// thousands grouped, two decimals: ¥12,345.60, -€50.00.
func moneyText(cur money.Currency, v float64) string {
	s := formatFloat(v, 2)
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
		if strings.Trim(rest, "0.") == "" {
			sign = "" // -0.00 after rounding
		}
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + cur.Symbol() + b.String() + "." + frac
}

// hotelTimeLayout writes a moment of the job and import history on the
// hotel's clock with its offset, so nobody takes it for UTC or for their
// laptop's zone: 2026-11-22 17:00 +08:00.
const hotelTimeLayout = "2006-01-02 15:04 -07:00"
