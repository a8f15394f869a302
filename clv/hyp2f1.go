package clv

import "math"

// The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and
// z ≤ 1. BG/NBD and MBG/NBD need it for expected transaction counts, with
// z = t/(α+T+t) in [0, 1): close to 1 when the horizon is long against the
// customer's age and the model's time scale.
//
// Strategy: for 0 < z < 1 the power series when its term ratios say it will
// converge within hypCheapTerms terms (checked with a tail bound that holds
// from the first term on, whatever the size of a, b and c); else, for
// positive parameters with c > b or c > a, Euler's integral
//
//	2F1(a, b; c; z) = E[(1 − zq)^−a],  q ~ Beta(b, c−b),
//
// by the quadrature of betaMean, whose cost does not grow with the
// parameters; else the series with a larger budget for z ≤ 0.9 and the 1−z
// connection formula (Abramowitz & Stegun 15.3.6) above, whose two terms
// have poles that cancel when c−a−b is an integer, so near an integer it
// falls back to the slow but exact series while that converges in a bounded
// number of terms and otherwise interpolates in c between points where the
// formula is safe. Pfaff's transformation takes z < 0 into (0, 1). Every
// method checks its own convergence and how many digits cancellation cost;
// hyp2f1 returns NaN rather than a number it cannot vouch for.

const (
	hypDirectMax   = 0.9     // largest z summed directly by default
	hypCheapTerms  = 1500    // predicted terms above which an integral is cheaper
	hypSeriesTerms = 20_000  // term budget where convergence is geometric
	hypSlowTerms   = 200_000 // budget for the slow series near z = 1
	hypNearInt     = 1e-3    // |c−a−b − integer| below which 15.3.6 cancels badly
	hypMaxLoss     = 1e8     // largest term / |sum| tolerated (8 digits lost)
)

// hyp2f1 returns 2F1(a, b; c; z), or NaN when the function is undefined there
// (c a pole, z > 1, divergence at z = 1) or its value cannot be computed to
// about eight significant digits.
func hyp2f1(a, b, c, z float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(b) || math.IsNaN(c) || math.IsNaN(z) || z > 1:
		return math.NaN()
	case z == 0:
		return 1
	case isNonPositiveInt(a) || isNonPositiveInt(b):
		return hypPolynomial(a, b, c, z)
	case isNonPositiveInt(c):
		return math.NaN()
	case z == 1:
		return hypAtOne(a, b, c)
	case z < 0:
		// Pfaff: 2F1(a,b;c;z) = (1−z)^−a 2F1(a, c−b; c; z/(z−1)), z/(z−1) in (0, 1).
		f := hyp2f1(a, c-b, c, z/(z-1))
		return f * math.Exp(-a*math.Log1p(-z))
	}
	if seriesTerms(a, b, c, z) <= hypCheapTerms {
		if v, ok := hypSeries(a, b, c, z, hypSeriesTerms); ok {
			return v
		}
	}
	if v, ok := hypEulerIntegral(a, b, c, z); ok {
		return v
	}
	if z <= hypDirectMax {
		if v, ok := hypSeries(a, b, c, z, hypSlowTerms); ok {
			return v
		}
		return math.NaN()
	}
	return hypNearOne(a, b, c, z)
}

// hypEulerIntegral evaluates 2F1 as E[(1 − zq)^−e] over q ~ Beta(d, c−d),
// (e, d) being (a, b) or (b, a), which needs c > d > 0; of the two it takes
// the smaller exponent e, the flatter integrand.
func hypEulerIntegral(a, b, c, z float64) (float64, bool) {
	okB := c > b && b > 0 // q ~ Beta(b, c−b), exponent a
	okA := c > a && a > 0 // q ~ Beta(a, c−a), exponent b
	e, d := a, b
	switch {
	case okA && (!okB || math.Abs(b) < math.Abs(a)):
		e, d = b, a
	case !okB:
		return math.NaN(), false
	}
	logF := func(lnQ, ln1mQ float64) float64 {
		q := math.Exp(lnQ)
		if z <= 0 || q < 0.5 {
			return -e * math.Log1p(-z*q)
		}
		// 1 − zq = (1−z) + z(1−q), without cancellation as q → 1.
		return -e * math.Log((1-z)+z*math.Exp(ln1mQ))
	}
	return betaMean(d, c-d, logF)
}

// seriesTerms predicts how many terms Σ (a)_n (b)_n / ((c)_n n!) zⁿ needs
// for 0 < z < 1: the terms grow while their ratio z(a+n)(b+n)/((c+n)(n+1))
// exceeds 1, past the larger root of that quadratic in n, and then fall by
// about z a term.
func seriesTerms(a, b, c, z float64) float64 {
	qa, qb, qc := z-1, z*(a+b)-c-1, z*a*b-c
	peak := 0.0
	if disc := qb*qb - 4*qa*qc; disc >= 0 {
		peak = math.Max(0, (-qb-math.Sqrt(disc))/(2*qa))
	}
	return peak + 40/(1-z)
}

// seriesTol is the relative size of the rest of a series at which it stops.
const seriesTol = 1e-17

// tailGate returns the ratio |term|/|sum| below which the tail bound is
// worth computing: the bound is at least |term|·|z|/(1−|z|), so nothing
// larger can pass. It saves the bound's divisions on most terms.
func tailGate(z float64) float64 {
	az := math.Abs(z)
	if az >= 1 {
		return 0
	}
	return seriesTol * (1 - az) / az
}

// tailNegligible reports whether the rest of a series after term (the
// one made with the ratio at n) is below seriesTol of sum; gate is
// tailGate(z).
func tailNegligible(term, sum, gate, a, b, c, z, n float64) bool {
	term, sum = math.Abs(term), math.Abs(sum)
	if term > gate*sum {
		return false
	}
	rho := tailRatioBound(a, b, c, z, n)
	return rho < 1 && term*rho/(1-rho) <= seriesTol*sum
}

// tailRatioBound bounds the ratio of consecutive terms z(a+m)(b+m)/((c+m)(m+1))
// for every m > n. Once a+m, b+m and c+m are positive, (a+m)/(m+1) and
// (b+m)/(c+m) are monotone in m and tend to 1, so each is bounded by the
// larger of its value at n+1 and 1 — a bound that holds long before n passes
// the parameters, which is where the series of large-parameter fits end.
// It is +Inf while a factor can still change sign.
func tailRatioBound(a, b, c, z, n float64) float64 {
	m := n + 1
	if !(a+m > 0 && b+m > 0 && c+m > 0) {
		return math.Inf(1)
	}
	r1 := math.Max(1, (a+m)/(m+1)) * math.Max(1, (b+m)/(c+m))
	r2 := math.Max(1, (b+m)/(m+1)) * math.Max(1, (a+m)/(c+m))
	return math.Abs(z) * math.Min(r1, r2)
}

// hypPolynomial sums 2F1 when a or b is a non-positive integer and the series
// stops; it is undefined if c reaches a pole first.
func hypPolynomial(a, b, c, z float64) float64 {
	stop := math.Max(a, b) // the series ends after −stop terms
	if !isNonPositiveInt(stop) {
		stop = math.Min(a, b)
	}
	if isNonPositiveInt(c) && c >= stop {
		return math.NaN()
	}
	if v, ok := hypSeries(a, b, c, z, int(-stop)+2); ok {
		return v
	}
	return math.NaN()
}

// hypAtOne is Gauss's sum 2F1(a,b;c;1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)), which
// converges only for c−a−b > 0.
func hypAtOne(a, b, c float64) float64 {
	if !(c-a-b > 0) {
		return math.NaN()
	}
	l, s := logGammaRatio([]float64{c, c - a - b}, []float64{c - a, c - b})
	return s * math.Exp(l)
}

// hypNearOne handles 0.9 < z < 1.
func hypNearOne(a, b, c, z float64) float64 {
	m := c - a - b
	if math.Abs(m-math.Round(m)) >= hypNearInt {
		return hypConnection(a, b, c, z)
	}
	if v, ok := hypSeries(a, b, c, z, hypSlowTerms); ok {
		return v
	}
	// Interpolate in c through four points where c−a−b sits h and 2h either
	// side of the integer: 2F1 is analytic in c there, though each term of
	// 15.3.6 has a pole. The error is about (h·ln(1−z))⁴ relative: below 1e-6
	// even for 1−z = 1e-12.
	const h = hypNearInt
	k := math.Round(m)
	offsets := [4]float64{-2 * h, -h, h, 2 * h}
	var vals [4]float64
	for i, d := range offsets {
		vals[i] = hypConnection(a, b, c+(k-m)+d, z)
		if !finite(vals[i]) {
			return math.NaN()
		}
	}
	u := m - k
	var sum float64
	for i := range offsets {
		w := 1.0
		for j := range offsets {
			if j != i {
				w *= (u - offsets[j]) / (offsets[i] - offsets[j])
			}
		}
		sum += w * vals[i]
	}
	return sum
}

// hypConnection evaluates 2F1 at z near 1 through Abramowitz & Stegun 15.3.6:
//
//	2F1(a,b;c;z) = Γ(c)Γ(m)/(Γ(c−a)Γ(c−b)) · 2F1(a, b; 1−m; 1−z)
//	             + (1−z)^m Γ(c)Γ(−m)/(Γ(a)Γ(b)) · 2F1(c−a, c−b; 1+m; 1−z),  m = c−a−b,
//
// both series in 1−z < 0.1. The coefficients are combined in log space so
// that large parameters neither overflow nor underflow early.
func hypConnection(a, b, c, z float64) float64 {
	if isNonPositiveInt(c) {
		return math.NaN()
	}
	m := c - a - b
	w := 1 - z
	f1, ok1 := hypSeries(a, b, 1-m, w, hypSeriesTerms)
	f2, ok2 := hypSeries(c-a, c-b, 1+m, w, hypSeriesTerms)
	if !ok1 || !ok2 {
		return math.NaN()
	}
	l1, s1 := logGammaRatio([]float64{c, m}, []float64{c - a, c - b})
	l2, s2 := logGammaRatio([]float64{c, -m}, []float64{a, b})
	t1 := s1 * math.Copysign(math.Exp(l1+math.Log(math.Abs(f1))), f1)
	t2 := s2 * math.Copysign(math.Exp(l2+m*math.Log(w)+math.Log(math.Abs(f2))), f2)
	sum := t1 + t2
	if !finite(sum) || (math.Abs(t1)+math.Abs(t2)) > hypMaxLoss*math.Abs(sum) {
		return math.NaN()
	}
	return sum
}

// logGammaRatio returns ln|Π Γ(num)/Π Γ(den)| and its sign; the sign is 0
// (and the log −Inf) when a denominator argument is a pole, as 1/Γ is 0 there.
func logGammaRatio(num, den []float64) (logAbs, sign float64) {
	sign = 1
	for _, x := range den {
		if isNonPositiveInt(x) {
			return math.Inf(-1), 0
		}
		l, s := math.Lgamma(x)
		logAbs -= l
		sign *= float64(s)
	}
	for _, x := range num {
		l, s := math.Lgamma(x)
		logAbs += l
		sign *= float64(s)
	}
	return logAbs, sign
}

// hypSeries sums Σ (a)_n (b)_n / ((c)_n n!) zⁿ. ok is false when the sum has
// not converged within maxTerms, is not finite, or lost more than eight
// digits to cancellation between terms of opposite sign.
func hypSeries(a, b, c, z float64, maxTerms int) (sum float64, ok bool) {
	sum, term := 1.0, 1.0
	largest := 1.0
	gate := tailGate(z)
	for n := 0; n < maxTerms; n++ {
		fn := float64(n)
		term *= (a + fn) * (b + fn) / ((c + fn) * (fn + 1)) * z
		sum += term
		if math.Abs(term) > largest {
			largest = math.Abs(term)
		}
		if !finite(sum) {
			return sum, false
		}
		if term == 0 {
			break
		}
		if math.Abs(term) <= gate*math.Abs(sum) && tailNegligible(term, sum, gate, a, b, c, z, fn) {
			return sum, largest <= hypMaxLoss*math.Abs(sum)
		}
	}
	if term != 0 {
		return sum, false
	}
	return sum, largest <= hypMaxLoss*math.Abs(sum)
}
