package reports

import "math"

// z95 is the standard normal quantile for a two-sided 95 % interval.
const z95 = 1.959963984540054

// wilson is the Wilson score interval for x successes of n at z.
func wilson(x, n int, z float64) (lo, hi float64) {
	p, nf := float64(x)/float64(n), float64(n)
	centre := 2*nf*p + z*z
	spread := z * math.Sqrt(z*z+4*nf*p*(1-p))
	den := 2 * (nf + z*z)
	lo, hi = (centre-spread)/den, (centre+spread)/den
	// the exact ends, where rounding could leave them a hair off
	if x == 0 {
		lo = 0
	}
	if x == n {
		hi = 1
	}
	return lo, hi
}

// NewcombeInterval is the 95 % interval of p1 − p2, the difference of two
// independent proportions x1/n1 and x2/n2, by Newcombe's hybrid score
// method (method 10 of Newcombe 1998, Statistics in Medicine 17:873–890):
// each proportion's Wilson interval (l, u), then
//
//	low  = d − √((p1 − l1)² + (u2 − p2)²)
//	high = d + √((u1 − p1)² + (p2 − l2)²)
//
// It stays inside [−1, 1], behaves at 0 and n successes, and covers close
// to 95 % even for the small groups a holdout makes, where the textbook
// Wald interval covers far less. ok is false when either group is empty.
func NewcombeInterval(x1, n1, x2, n2 int) (low, high float64, ok bool) {
	if n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2 {
		return 0, 0, false
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	l1, u1 := wilson(x1, n1, z95)
	l2, u2 := wilson(x2, n2, z95)
	d := p1 - p2
	return d - math.Hypot(p1-l1, u2-p2), d + math.Hypot(u1-p1, p2-l2), true
}
