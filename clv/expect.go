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
// (1−z)^−s for large x: that form is tried first. When it cannot vouch for its
// sum (long horizons with a ≈ 1, or r much larger than a+b) the published form
// through hyp2f1 is tried, and last a tanh-sinh quadrature of the defining
// integral over p, which is slower but holds everywhere.

// expectedIfAlive returns E[(1 − e^{−λpt})/p] for λ ~ Gamma(shape, rate
// scale) and p ~ Beta(a, beta), or NaN for parameters out of domain.
func expectedIfAlive(a, beta, shape, scale, t float64) float64 {
	switch {
	case !(a > 0 && beta > 0 && shape > 0 && scale > 0 && t >= 0) ||
		math.IsInf(a, 0) || math.IsInf(beta, 0) || math.IsInf(shape, 0) ||
		math.IsInf(scale, 0) || math.IsInf(t, 0):
		return math.NaN()
	case t == 0:
		return 0
	}
	if v, ok := tailEuler(a, beta, shape, scale, t); ok {
		return v
	}
	if v, ok := tailPublished(a, beta, shape, scale, t); ok {
		return v
	}
	return tailQuadrature(a, beta, shape, scale, t)
}

// tailEuler sums the Euler-transformed series; see the comment above.
func tailEuler(a, beta, shape, scale, t float64) (float64, bool) {
	z := t / (scale + t)
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
	eps := a - 1
	c := eps + beta
	A := c - shape
	budget := hypSeriesTerms
	if zMax > hypDirectMax {
		budget = hypSlowTerms
	}
	settled := math.Max(math.Abs(A), math.Max(math.Abs(eps), math.Abs(c)))
	coef := A // s_1
	pow := zMax
	sum := coef * pow
	dst = append(dst, coef)
	for n := 1; n < budget; n++ {
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
		if fn >= settled {
			ratio := math.Abs((A + fn + 1) * (eps + fn + 1) / ((c + fn + 1) * (fn + 2)) * zMax)
			rho := max(ratio, zMax)
			if rho < 1 && math.Abs(term)*rho/(1-rho) <= 1e-16*math.Abs(sum) {
				return dst, true
			}
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
	eps := a - 1
	c := eps + beta
	settled := int(max(math.Abs(c-shape), math.Abs(eps), math.Abs(c)))
	var sum, largest float64
	pow := 1.0
	for n, s := range coef {
		pow *= z
		term := math.Abs(s * pow)
		sum += s * pow
		if term > largest {
			largest = term
		}
		if n >= settled && n+1 < len(coef) && s != 0 {
			ratio := math.Abs(coef[n+1]/s) * z
			if ratio < z {
				ratio = z
			}
			if ratio < 1 && term*ratio/(1-ratio) <= 1e-16*math.Abs(sum) {
				break
			}
		}
	}
	part1 := -c * expm1Over(eps, logW)
	part2 := math.Exp(eps*logW) * sum
	v := part1 - part2
	// Digits lost: inside the series, then between the two parts.
	loss := (math.Abs(part1) + math.Exp(eps*logW)*max(largest, math.Abs(sum))) / math.Abs(v)
	if !(v > 0) || !finite(v) || loss > hypMaxLoss {
		return 0, false
	}
	return v, true
}

// tailPublished evaluates the published form C/(a−1)·[1 − (1−z)^s 2F1(s, β; C; z)].
// Its series has positive terms, but it divides by a−1, so it is used only
// away from a = 1.
func tailPublished(a, beta, shape, scale, t float64) (float64, bool) {
	eps := a - 1
	if math.Abs(eps) < 0.05 {
		return 0, false
	}
	k := t / scale
	z := k / (1 + k)
	c := eps + beta
	f := hyp2f1(shape, beta, c, z)
	if !(f > 0) || !finite(f) {
		return 0, false
	}
	q := -shape*math.Log1p(k) + math.Log(f) // ln((1−z)^s · 2F1)
	bracket := -math.Expm1(q)
	v := c / eps * bracket
	if !(v > 0) || !finite(v) || math.Abs(bracket) < 1e-8 {
		return 0, false
	}
	return v, true
}

// tailQuadrature integrates E[(1 − (1 + p·t/σ)^−s)/p] over p ~ Beta(a, β) by
// the tanh-sinh rule, which copes with the density's endpoint singularities
// (a or β below 1). The substitution p = (1 + tanh(π/2·sinh u))/2 is carried
// in logs so that p down to e^−2000 keeps its weight.
func tailQuadrature(a, beta, shape, scale, t float64) float64 {
	k := t / scale
	lnB := lbeta(a, beta)
	integrand := func(u float64) float64 {
		v := math.Pi / 2 * math.Sinh(u)
		var lp, lq float64 // ln p, ln(1−p)
		if v >= 0 {
			e := math.Exp(-2 * v)
			lp, lq = -math.Log1p(e), -2*v-math.Log1p(e)
		} else {
			e := math.Exp(2 * v)
			lp, lq = 2*v-math.Log1p(e), -math.Log1p(e)
		}
		p := math.Exp(lp)
		g := shape * k // the limit at p = 0
		if pk := p * k; pk > 1e-300 {
			g = -math.Expm1(-shape*math.Log1p(pk)) / p
		}
		au := math.Abs(u)
		logJac := math.Log(math.Pi/2) + au + math.Log1p(math.Exp(-2*au)) // ln(π cosh u)
		return g * math.Exp(a*lp+beta*lq-lnB+logJac)
	}
	// Trapezoid sums on u = j·h, halving h until two levels agree.
	const maxU = 20
	sumAt := func(h float64, odd bool) float64 {
		var s float64
		step, start := 1, 0
		if odd {
			step, start = 2, 1
		}
		for _, sign := range []float64{1, -1} {
			for j := start; float64(j)*h <= maxU; j += step {
				if j == 0 && sign < 0 {
					continue
				}
				f := integrand(sign * float64(j) * h)
				s += f
				if float64(j)*h > 3 && f < 1e-18*math.Abs(s) {
					break
				}
			}
		}
		return s
	}
	h := 0.5
	total := sumAt(h, false)
	estimate := total * h
	for level := 0; level < 9; level++ {
		h /= 2
		total += sumAt(h, true)
		next := total * h
		if math.Abs(next-estimate) <= 1e-11*math.Abs(next) {
			return next
		}
		estimate = next
	}
	return estimate
}
