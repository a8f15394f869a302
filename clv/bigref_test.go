package clv

// An arbitrary-precision reference for the expectations, P(alive) and 2F1,
// independent of the production algorithms: math/big at refPrec bits, with
// exp and log written here (math/big has neither), the Gauss series summed
// term by term to 1e-40 of the sum, and the defining integral over
// p ~ Beta(a, b) by tanh-sinh quadrature in p itself, split at the mean so
// that its nodes crowd both ends of each half (the production rule works in
// log-odds around the mode in float64). Slow: tens of milliseconds a point.

import (
	"math"
	"math/big"
	"sync"
)

const refPrec = 256

func bf(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }

func bnew() *big.Float { return new(big.Float).SetPrec(refPrec) }

// badd returns x + y. big.Float aligns the mantissas of a sum, allocating
// as many bits as the exponents differ, so a term beyond the precision of
// the other is dropped first, as rounding would.
func badd(x, y *big.Float) *big.Float {
	switch {
	case y.Sign() == 0 || (x.Sign() != 0 && x.MantExp(nil)-y.MantExp(nil) > refPrec+8):
		return bnew().Set(x)
	case x.Sign() == 0 || y.MantExp(nil)-x.MantExp(nil) > refPrec+8:
		return bnew().Set(y)
	}
	return bnew().Add(x, y)
}

func bsub(x, y *big.Float) *big.Float { return badd(x, bnew().Neg(y)) }
func bmul(x, y *big.Float) *big.Float { return bnew().Mul(x, y) }
func bquo(x, y *big.Float) *big.Float { return bnew().Quo(x, y) }

// bigLn2 is ln 2 = 2·atanh(1/3) = 2·Σ 3^−(2k+1)/(2k+1).
var bigLn2 = sync.OnceValue(func() *big.Float {
	third := bquo(bf(1), bf(3))
	ninth := bquo(bf(1), bf(9))
	sum, pow := bnew(), third
	for k := 0; k < 400; k++ {
		sum = badd(sum, bquo(pow, bf(float64(2*k+1))))
		pow = bmul(pow, ninth)
	}
	return bmul(sum, bf(2))
})

// bigExp returns e^x: x = n·ln2 + r, e^r by Taylor's series of r/2^20
// squared 20 times.
func bigExp(x *big.Float) *big.Float {
	xf, _ := x.Float64()
	if xf < -1e9 {
		return bf(0)
	}
	n := math.Round(xf / math.Ln2)
	r := bsub(x, bmul(bf(n), bigLn2()))
	const halvings = 20
	r.SetMantExp(r, -halvings)
	sum, term := bf(1), bf(1)
	for i := 1; i < 60; i++ {
		term = bquo(bmul(term, r), bf(float64(i)))
		sum = badd(sum, term)
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -refPrec-8 {
			break
		}
	}
	for range halvings {
		sum = bmul(sum, sum)
	}
	return sum.SetMantExp(sum, int(n))
}

// bigLog returns ln x for x > 0 by Halley's iteration on e^y = x from a
// float64 start: each step triples the correct bits.
func bigLog(x *big.Float) *big.Float {
	mant := bnew()
	e := x.MantExp(mant)
	mf, _ := mant.Float64()
	y := badd(bf(math.Log(mf)), bmul(bf(float64(e)), bigLn2()))
	for range 2 {
		ey := bigExp(y)
		y = badd(y, bmul(bf(2), bquo(bsub(x, ey), badd(x, ey))))
	}
	return y
}

// bigPow returns x^y for x > 0.
func bigPow(x, y *big.Float) *big.Float { return bigExp(bmul(y, bigLog(x))) }

// relErr returns |got/want − 1| for a big reference.
func relErr(got float64, want *big.Float) float64 {
	w, _ := want.Float64()
	if w == 0 {
		return math.Abs(got)
	}
	d, _ := bquo(bsub(bf(got), want), want).Float64()
	return math.Abs(d)
}

// refHyp2F1Series sums Gauss's series Σ (a)_n (b)_n / ((c)_n n!) zⁿ for
// 0 ≤ z < 1 until a term is below 1e-40 of the sum with the rest bounded by
// a geometric series, or gives up (ok false) after maxTerms terms.
func refHyp2F1Series(a, b, c, z float64, maxTerms int) (*big.Float, bool) {
	return refHyp2F1SeriesBig(bf(a), bf(b), bf(c), bf(z), maxTerms)
}

// refHyp2F1SeriesBig is refHyp2F1Series for parameters in big arithmetic.
func refHyp2F1SeriesBig(A, B, C, Z *big.Float, maxTerms int) (*big.Float, bool) {
	a, b, c, z := mustBig(A), mustBig(B), mustBig(C), mustBig(Z)
	sum, term := bf(1), bf(1)
	for n := 0; n < maxTerms; n++ {
		fn := bf(float64(n))
		num := bmul(bmul(badd(A, fn), badd(B, fn)), Z)
		den := bmul(badd(C, fn), bf(float64(n+1)))
		term = bquo(bmul(term, num), den)
		sum = badd(sum, term)
		if term.Sign() == 0 {
			return sum, true
		}
		// Once a+m, b+m, c+m > 0 each factor (a+m)/(m+1), (b+m)/(c+m) is
		// monotone in m, so the larger of its next value and 1 bounds it
		// (the float64 rounding of a, b, c only loosens the bound by 1e-15).
		m := float64(n + 1)
		if a+m <= 0 || b+m <= 0 || c+m <= 0 {
			continue
		}
		rho := z * math.Max(1, (a+m)/(m+1)) * math.Max(1, (b+m)/(c+m)) * (1 + 1e-12)
		if rho >= 0.999999 {
			continue
		}
		bound := bmul(new(big.Float).Abs(term), bf(rho/(1-rho)))
		if bound.Cmp(bmul(new(big.Float).Abs(sum), bf(1e-40))) < 0 {
			return sum, true
		}
	}
	return sum, false
}

// refBetaMean returns E[f(p)] for p ~ Beta(a, b) by tanh-sinh quadrature
// over [0, m] and [m, 1], m the mean, in big arithmetic, normalised by the
// same rule. f gets p and 1−p, each computed without cancellation. The
// steps halve from 1/4 until two levels agree to 1e-14.
func refBetaMean(a, b float64, f func(p, q *big.Float) *big.Float) (*big.Float, bool) {
	m := bquo(bf(a), bf(a+b))
	if math.IsInf(a+b, 1) {
		return nil, false
	}
	oneMinusM := bquo(bf(b), bf(a+b))
	lnM, ln1mM := bigLog(m), bigLog(oneMinusM)
	am1, bm1 := bf(a-1), bf(b-1)
	peak := badd(bmul(am1, lnM), bmul(bm1, ln1mM)) // log-density at m, up to B(a, b)
	type piece struct{ lo, width, oneMinusHi *big.Float }
	pieces := []piece{{bf(0), m, oneMinusM}, {m, oneMinusM, bf(0)}}
	// node adds the contributions of v on each piece.
	node := func(v float64, den, num *big.Float) (dd, nn float64) {
		y := math.Pi / 2 * math.Sinh(v)
		jac := math.Pi * math.Cosh(v)
		e := bigExp(bf(-2 * y)) // s = 1/(1+e), 1−s = e/(1+e)
		s := bquo(bf(1), badd(bf(1), e))
		s1 := bquo(e, badd(bf(1), e))
		for _, pc := range pieces {
			p := badd(pc.lo, bmul(pc.width, s))
			q := badd(pc.oneMinusHi, bmul(pc.width, s1))
			if p.Sign() <= 0 || q.Sign() <= 0 {
				continue
			}
			ld := bsub(badd(bmul(am1, bigLog(p)), bmul(bm1, bigLog(q))), peak)
			w := bmul(bigExp(ld), bmul(bmul(pc.width, bmul(s, s1)), bf(jac)))
			den.Set(badd(den, w))
			fw := bmul(w, f(p, q))
			num.Set(badd(num, fw))
			wf, _ := w.Float64()
			fwf, _ := fw.Float64()
			dd += wf
			nn += math.Abs(fwf)
		}
		return dd, nn
	}
	sweep := func(h float64, start, step int, den, num *big.Float) {
		for _, sign := range [2]float64{1, -1} {
			for j := start; float64(j)*h <= 20; j += step {
				if j == 0 && sign < 0 {
					continue
				}
				v := sign * float64(j) * h
				dd, nn := node(v, den, num)
				df, _ := den.Float64()
				nf, _ := num.Float64()
				if math.Abs(v) > 3 && dd <= 1e-40*df && nn <= 1e-40*math.Abs(nf) {
					break
				}
			}
		}
	}
	h := 0.25
	den, num := bnew(), bnew()
	sweep(h, 0, 1, den, num)
	prev := bquo(num, den)
	for range 7 {
		h /= 2
		sweep(h, 1, 2, den, num)
		next := bquo(num, den)
		// Nodes and weights are float64 (the integrand is not), so levels
		// agree to about 1e-16 at best; the rule's own error is by then far
		// below the difference.
		if d, _ := bquo(bsub(next, prev), next).Float64(); math.Abs(d) < 1e-14 {
			return next, true
		}
		prev = next
	}
	return prev, false
}

// refExpectedIfAlive is E[(1 − (1 + p·t/σ)^−s)/p] over p ~ Beta(a, β).
func refExpectedIfAlive(a, beta, shape, scale, t float64) (*big.Float, bool) {
	k := bquo(bf(t), bf(scale))
	S := bf(shape)
	sk := bmul(S, k)
	tiny := new(big.Float).SetMantExp(bf(1), -160)
	return refBetaMean(a, beta, func(p, _ *big.Float) *big.Float {
		x := bmul(p, k)
		if x.Cmp(tiny) < 0 {
			return sk // 1 − (1+x)^−s = s·x to 150 bits
		}
		pow := bigExp(bmul(bnew().Neg(S), bigLog(badd(bf(1), x))))
		return bquo(bsub(bf(1), pow), p)
	})
}

// refPAlive is P(alive) by its closed form.
func refPAlive(m nbd, c Customer) *big.Float {
	k := c.X + m.shift
	if k == 0 {
		return bf(1)
	}
	ratio := bquo(badd(bf(m.alpha), bf(c.T)), badd(bf(m.alpha), bf(c.TX)))
	odds := bmul(bquo(bf(m.a), badd(bf(m.b), bf(k-1))), bigPow(ratio, badd(bf(m.r), bf(c.X))))
	return bquo(bf(1), badd(bf(1), odds))
}

// refExpectedIfAliveSeries is C/(a−1)·[1 − (1−z)^s·2F1(s, β; C; z)],
// C = a+β−1, z = t/(σ+t), all formed in big arithmetic; ok is false where
// the series would be too long or a is too near 1.
func refExpectedIfAliveSeries(a, beta, shape, scale, t float64) (*big.Float, bool) {
	z := t / (scale + t)
	if math.Abs(a-1) < 1e-6 || z > 0.995 || seriesTerms(shape, beta, a+beta-1, z) > 30_000 {
		return nil, false
	}
	am1 := bsub(bf(a), bf(1))
	C := badd(am1, bf(beta))
	Z := bquo(bf(t), badd(bf(scale), bf(t)))
	oneMinusZ := bquo(bf(scale), badd(bf(scale), bf(t)))
	f, ok := refHyp2F1SeriesBig(bf(shape), bf(beta), C, Z, 60_000)
	if !ok {
		return nil, false
	}
	return bmul(bquo(C, am1), bsub(bf(1), bmul(bigPow(oneMinusZ, bf(shape)), f))), true
}

// refExpected is the conditional expectation: P(alive) times the expectation
// of an active customer, by the big series where it is affordable and by
// the big quadrature elsewhere.
func refExpected(m nbd, c Customer, t float64) (*big.Float, bool) {
	pa := refPAlive(m, c)
	beta := m.b + c.X + m.shift
	shape := m.r + c.X
	scale := m.alpha + c.T
	e, ok := refExpectedIfAliveSeries(m.a, beta, shape, scale, t)
	if !ok {
		e, ok = refExpectedIfAlive(m.a, beta, shape, scale, t)
	}
	if !ok {
		return nil, false
	}
	return bmul(pa, e), true
}
