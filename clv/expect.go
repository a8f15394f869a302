package clv

import "math"

// Expected transactions of a customer who is still active.
//
// Given that a customer is active now, their purchase rate λ ~ Gamma(s, rate
// σ) and dropout probability p ~ Beta(a, β) (the posteriors after their
// history), and each later purchase is followed by dropout with probability p,
// so the expected number of purchases in the next t is
//
//	E[(1 − e^{−λpt})/p] = C/(a−1) · [1 − (1−z)^s · 2F1(s, β; C; z)],
//	C = a+β−1, z = t/(σ+t),
//
// which is Fader, Hardie & Lee's (2005) conditional expectation for BG/NBD
// and Batislam et al.'s (2007) for MBG/NBD, without their P(alive) factor. It has a
// removable singularity at a = 1, where the bracket cancels. Euler's
// transformation rewrites it as
//
//	C · [−(e^{εL} − 1)/ε − e^{εL} · G],  ε = a−1, L = ln(1−z),
//	G = Σ_{n≥1} (C−s)_n (1+ε)_{n−1} / ((C)_n n!) zⁿ,
//
// with no division by a−1 and no intermediate growth of the order of
// (1−z)^−s for large x. Which way is taken is decided by cost, not by trial:
// the Euler series when its term ratios predict convergence within
// hypCheapTerms terms, else the published form through the Gauss series
// when that is cheap and a is away from 1, else a quadrature of the
// defining integral over p (betaMean), whose cost does not depend on the
// size of the parameters nor on how close z is to 1. Each series checks its
// convergence with a tail bound valid from the first term, and how many
// digits cancellation cost; nothing that fails those checks is returned.

// expectMaxLoss is the largest ratio of the largest term to the result that
// the series may reach: at most five digits of sixteen lost.
const expectMaxLoss = 1e5

// expectedIfAlive returns E[(1 − e^{−λpt})/p] for λ ~ Gamma(shape, rate
// scale) and p ~ Beta(a, beta); ok is false for parameters out of domain or
// a value no method could vouch for.
func expectedIfAlive(a, beta, shape, scale, t float64) (float64, bool) {
	switch {
	case !(a > 0 && beta > 0 && shape > 0 && scale > 0 && t >= 0) ||
		math.IsInf(a, 0) || math.IsInf(beta, 0) || math.IsInf(shape, 0) ||
		math.IsInf(scale, 0) || math.IsInf(t, 0):
		return math.NaN(), false
	case t == 0:
		return 0, true
	}
	if v, ok := tailEuler(a, beta, shape, scale, t); ok {
		return v, true
	}
	if v, ok := tailPublished(a, beta, shape, scale, t); ok {
		return v, true
	}
	return tailQuadrature(a, beta, shape, scale, t)
}

// eulerParams returns the parameters of S's series: ratio of consecutive
// coefficients (A+n)(ε+n)/((C+n)(n+1)).
func eulerParams(a, beta, shape float64) (A, eps, c float64) {
	eps = a - 1
	c = eps + beta
	return c - shape, eps, c
}

// tailEuler sums the Euler-transformed series; see the comment above.
func tailEuler(a, beta, shape, scale, t float64) (float64, bool) {
	z := t / (scale + t)
	A, eps, c := eulerParams(a, beta, shape)
	if seriesTerms(A, eps, c, z) > hypCheapTerms {
		return 0, false
	}
	var buf [160]float64
	coef, ok := eulerCoefficients(buf[:0], a, beta, shape, z)
	if !ok {
		return 0, false
	}
	return eulerValue(coef, a, beta, shape, scale, t)
}

// eulerCoefficients appends to dst the coefficients s_n (n ≥ 1, dst[0] is
// s_1) of S(z) = C·G(z) = Σ s_n zⁿ, as many as the sum needs at zMax and
// any smaller z. Multiplying G by C cancels (C)_n's first factor, so C near
// 0 (BG/NBD with a+b near 1) is harmless. The coefficients depend on the
// customer, not on the horizon: one set serves a whole curve of horizons.
func eulerCoefficients(dst []float64, a, beta, shape, zMax float64) ([]float64, bool) {
	A, eps, c := eulerParams(a, beta, shape)
	coef := A // s_1
	pow := zMax
	sum := coef * pow
	gate := tailGate(zMax)
	dst = append(dst, coef)
	for n := 1; n < hypSeriesTerms; n++ {
		if coef == 0 {
			return dst, true // the series ended: A is a non-positive integer
		}
		fn := float64(n)
		coef *= (A + fn) * (eps + fn) / ((c + fn) * (fn + 1))
		pow *= zMax
		term := coef * pow
		sum += term
		dst = append(dst, coef)
		if !finite(sum) {
			return dst, false
		}
		if math.Abs(term) <= gate*math.Abs(sum) && tailNegligible(term, sum, gate, A, eps, c, zMax, fn) {
			return dst, true
		}
	}
	return dst, false
}

// eulerValue evaluates C·[−(e^{εL} − 1)/ε − e^{εL}·G(z)] from the
// coefficients of S = C·G, checking how many digits cancellation cost. The
// coefficients may have been computed for a larger z; the sum stops as soon
// as the rest is negligible at this one.
func eulerValue(coef []float64, a, beta, shape, scale, t float64) (float64, bool) {
	k := t / scale
	z := k / (1 + k)
	logW := -math.Log1p(k) // ln(1−z), exact for small k
	A, eps, c := eulerParams(a, beta, shape)
	var sum, largest float64
	pow := 1.0
	gate := tailGate(z)
	for i, s := range coef {
		pow *= z
		term := math.Abs(s * pow)
		sum += s * pow
		if term > largest {
			largest = term
		}
		if s == 0 {
			break
		}
		if term <= gate*math.Abs(sum) && tailNegligible(term, sum, gate, A, eps, c, z, float64(i)) {
			break
		}
	}
	part1 := -c * expm1Over(eps, logW)
	part2 := math.Exp(eps*logW) * sum
	v := part1 - part2
	// Digits lost: inside the series, then between the two parts.
	loss := (math.Abs(part1) + math.Exp(eps*logW)*max(largest, math.Abs(sum))) / math.Abs(v)
	if !(v > 0) || !finite(v) || loss > expectMaxLoss {
		return 0, false
	}
	return v, true
}

// tailPublished evaluates the published form C/(a−1)·[1 − (1−z)^s 2F1(s, β; C; z)].
// Its series has positive terms, but it divides by a−1, so it is used only
// away from a = 1, and only when the series is cheap.
func tailPublished(a, beta, shape, scale, t float64) (float64, bool) {
	eps := a - 1
	if math.Abs(eps) < 0.05 {
		return 0, false
	}
	k := t / scale
	z := k / (1 + k)
	c := eps + beta
	if seriesTerms(shape, beta, c, z) > hypCheapTerms {
		return 0, false
	}
	f, ok := hypSeries(shape, beta, c, z, hypSeriesTerms)
	if !ok || !(f > 0) || !finite(f) {
		return 0, false
	}
	lnPow := -shape * math.Log1p(k)
	q := lnPow + math.Log(f) // ln((1−z)^s · 2F1)
	bracket := -math.Expm1(q)
	v := c / eps * bracket
	// The rounding of q, about 1e-16 of its parts, is amplified by e^q/bracket.
	lost := (math.Abs(lnPow) + math.Abs(math.Log(f)) + 1) * math.Exp(q) / math.Abs(bracket)
	if !(v > 0) || !finite(v) || lost > 1e5 {
		return 0, false
	}
	return v, true
}

// tailQuadrature integrates E[(1 − (1 + p·t/σ)^−s)/p] over p ~ Beta(a, β)
// with betaMean. The integrand is taken in logs: near p = 0 it tends to
// s·t/σ, which may be far outside what p·t/σ can represent.
func tailQuadrature(a, beta, shape, scale, t float64) (float64, bool) {
	lnK := math.Log(t) - math.Log(scale)
	lnShape := math.Log(shape)
	logG := func(lnP, _ float64) float64 {
		lnX := lnP + lnK // ln(p·t/σ)
		if lnX < -40 {
			return lnShape + lnK // 1 − (1+x)^−s = s·x to double precision
		}
		var l1p float64 // ln(1 + x)
		if lnX > 36 {
			l1p = lnX + math.Exp(-lnX)
		} else {
			l1p = math.Log1p(math.Exp(lnX))
		}
		return math.Log(-math.Expm1(-shape*l1p)) - lnP
	}
	return betaMean(a, beta, logG)
}
