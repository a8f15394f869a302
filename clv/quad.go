package clv

import "math"

// betaMean returns E[f(p)] for p ~ Beta(a, b), f given by its logarithm as
// a function of ln p and ln(1−p), or ok false when the rule cannot vouch for
// its result.
//
// Fitted Beta distributions come in every shape: a and b of 1e-6 pile the
// mass at both ends, a of 1e7 and b of 1e8 make a spike of relative width
// 1e-4 somewhere inside. A rule with fixed nodes in p (plain tanh-sinh) steps
// over such a spike and sees nothing. So the integral is taken over the
// log-odds u = ln(p/(1−p)), where the density p^a (1−p)^b is log-concave
// with its mode at u* = ln(a/b), by the trapezoid rule in v with
//
//	u = u* + w·sinh(v),  w = min(√(1/a + 1/b), 1),
//
// w being the width of the density at its mode (capped at 1, the scale on
// which the transformed densities and integrands bend). The sinh reaches
// exponential tails of any length in a few units of v, and the trapezoid
// rule converges exponentially for such smooth, decaying integrands: the
// step is halved until two levels agree to 1e-11. The density is carried in
// logs relative to its mode, so neither Beta(a, b) nor p need be
// representable, and the same rule integrates the density itself: dividing
// by it cancels the normalising constant B(a, b), whose logarithm loses
// digits for large a and b, and most of the rule's error.
func betaMean(a, b float64, logF func(lnP, lnQ float64) float64) (float64, bool) {
	if !(a > 0 && b > 0) || math.IsInf(a, 1) || math.IsInf(b, 1) {
		return math.NaN(), false
	}
	// ln(a/(a+b)) and ln(b/(a+b)) to full relative precision: b times the
	// error of a difference of two logarithms would be large.
	pStar, lnPStar := 1/(1+b/a), -math.Log1p(b/a)
	qStar, lnQStar := 1/(1+a/b), -math.Log1p(a/b)
	w := math.Min(math.Sqrt(1/a+1/b), 1)
	// Reach 12 widths (e^−72 of a Gaussian) and 60 e-folds of the far tail
	// of the flatter side, which decays like e^{−min(a,b)·|u|}; sweep stops
	// earlier where the terms are negligible.
	vMax := math.Min(math.Asinh(math.Max(12, 60/(math.Min(a, b)*w)))+0.5, 40)

	// node returns the contributions of one node to ∫ density and ∫ density·f.
	node := func(v float64) (den, num float64) {
		d := w * math.Sinh(v)
		l1 := -logOnePlusScaled(qStar, lnQStar, lnPStar, -d) // ln p − ln p*
		l2 := -logOnePlusScaled(pStar, lnPStar, lnQStar, d)  // ln(1−p) − ln(1−p*)
		lw := a*l1 + b*l2 + math.Log(w*math.Cosh(v))
		den = math.Exp(lw)
		num = math.Exp(lw + logF(lnPStar+l1, lnQStar+l2))
		return den, num
	}
	// sweep adds the nodes j·h for j ≡ start mod step, outwards from 0 on
	// each side, stopping a side once its terms are negligible.
	sweep := func(h float64, start, step int, den, num float64) (float64, float64) {
		for _, sign := range [2]float64{1, -1} {
			for j := start; float64(j)*h <= vMax; j += step {
				if j == 0 && sign < 0 {
					continue
				}
				v := sign * float64(j) * h
				dd, nn := node(v)
				den += dd
				num += nn
				if math.Abs(v) > 1 && dd <= 1e-20*den && nn <= 1e-20*num {
					break
				}
			}
		}
		return den, num
	}
	h := 0.5
	den, num := sweep(h, 0, 1, 0, 0)
	prev := num / den
	for range 9 {
		h /= 2
		den, num = sweep(h, 1, 2, den, num)
		next := num / den
		if !finite(next) {
			return next, false
		}
		if math.Abs(next-prev) <= 1e-11*math.Abs(next) {
			return next, next > 0 || (next == 0 && prev == 0)
		}
		prev = next
	}
	return prev, false
}

// logOnePlusScaled returns ln(1 + c·(e^d − 1)) = ln((1−c) + c·e^d) for c in
// (0, 1] given with ln c and ln(1−c), accurately both for small d (where it
// is about c·d) and for large |d|.
func logOnePlusScaled(c, lnC, ln1mC, d float64) float64 {
	if math.Abs(d) < 0.5 {
		return math.Log1p(c * math.Expm1(d))
	}
	return logAddExp(lnC+d, ln1mC)
}

// logAddExp returns ln(e^x + e^y) without overflow.
func logAddExp(x, y float64) float64 {
	if x < y {
		x, y = y, x
	}
	if math.IsInf(x, -1) {
		return x
	}
	return x + math.Log1p(math.Exp(y-x))
}
