package clv

import (
	"fmt"
	"math"
)

// nbd is the mathematics BG/NBD and MBG/NBD share. While active, a customer
// buys at rate λ ~ Gamma(r, α); each purchase is a chance to drop out, taken
// with probability p ~ Beta(a, b). BG/NBD counts the x repeat purchases as
// those chances; MBG/NBD also the first purchase, so a customer who is still
// active has survived x + shift chances, shift being 0 or 1. Every formula of
// both models follows from that one difference:
//
//	L(x, t_x, T) = B(a, b+k)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^{r+x})
//	             + [k > 0] B(a+1, b+k−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^{r+x}),
//
// k = x + shift: the first term for a customer active at T, the second for
// one who dropped out right after their last purchase at t_x.
type nbd struct {
	r, alpha, a, b float64
	shift          float64
}

// valid reports whether all four parameters are finite and positive.
func (m nbd) valid() bool {
	for _, v := range [...]float64{m.r, m.alpha, m.a, m.b} {
		if !(v > 0) || math.IsInf(v, 1) {
			return false
		}
	}
	return true
}

// validate returns an error wrapping ErrInvalidData unless m is valid.
func (m nbd) validate() error {
	if !m.valid() {
		return fmt.Errorf("%w: parameters r %g, α %g, a %g, b %g must be finite and positive",
			ErrInvalidData, m.r, m.alpha, m.a, m.b)
	}
	return nil
}

// logLikelihood returns the weighted log-likelihood of ws, or −Inf if m or
// any row is invalid or a term leaves the float64 range. It is the reference
// the table-driven fitting objective is tested against.
func (m nbd) logLikelihood(ws []Weighted) float64 {
	if !m.valid() {
		return math.Inf(-1)
	}
	var ll float64
	for _, w := range ws {
		if !(w.W >= 0) || math.IsInf(w.W, 1) || w.Validate() != nil {
			return math.Inf(-1)
		}
		if w.W == 0 {
			continue
		}
		ll += w.W * m.customerLogLikelihood(w.Customer)
	}
	if !finite(ll) {
		return math.Inf(-1)
	}
	return ll
}

// customerLogLikelihood is ln L(x, t_x, T) for a valid customer.
func (m nbd) customerLogLikelihood(c Customer) float64 {
	k := c.X + m.shift
	rx := m.r + c.X
	base := lgamma(rx) - lgamma(m.r) + m.r*math.Log(m.alpha) +
		lgamma(m.a+m.b) + lgamma(m.b+k) - lgamma(m.b) - lgamma(m.a+m.b+k)
	ll := base - rx*math.Log(m.alpha+c.T)
	if k > 0 {
		sp, _ := softplus(m.logOddsDropped(c))
		ll += sp
	}
	return ll
}

// logOddsDropped is ln of P(dropped out at t_x)/P(active at T) given the
// history: ln(a/(b+k−1)) + (r+x)·ln((α+T)/(α+t_x)), for k = x+shift > 0.
func (m nbd) logOddsDropped(c Customer) float64 {
	k := c.X + m.shift
	return math.Log(m.a/(m.b+k-1)) + (m.r+c.X)*math.Log1p((c.T-c.TX)/(m.alpha+c.TX))
}

// name is the model's conventional name.
func (m nbd) name() string {
	if m.shift == 0 {
		return NameBGNBD
	}
	return NameMBGNBD
}

// check returns an error wrapping ErrInvalidData, naming the model, what
// was asked and the customer, unless both are valid. what is called only
// for the error: formatting on every call would cost more than the answer.
func (m nbd) check(c Customer, what func() string) error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("clv: %s: %s: %w", m.name(), what(), err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("clv: %s: %s: %w", m.name(), what(), err)
	}
	return nil
}

// pAlive is P(active at T | x, t_x, T).
func (m nbd) pAlive(c Customer) (float64, error) {
	what := func() string { return fmt.Sprintf("P(alive) for x=%g t_x=%g T=%g", c.X, c.TX, c.T) }
	if err := m.check(c, what); err != nil {
		return math.NaN(), err
	}
	if c.X+m.shift == 0 {
		return 1, nil
	}
	_, p := softplus(-m.logOddsDropped(c))
	return p, nil
}

// expectedWhat names one expectation in errors.
func expectedWhat(c Customer, t float64) string {
	return fmt.Sprintf("expected transactions in t=%g for x=%g t_x=%g T=%g", t, c.X, c.TX, c.T)
}

// checkHorizon returns an error wrapping ErrInvalidData unless t is a
// horizon: finite and not negative.
func (m nbd) checkHorizon(c Customer, t float64) error {
	if !(t >= 0) || math.IsInf(t, 1) {
		return fmt.Errorf("clv: %s: %s: %w: horizon %g", m.name(), expectedWhat(c, t), ErrInvalidData, t)
	}
	return nil
}

// notComputable is the error for an expectation no method could vouch for.
func (m nbd) notComputable(c Customer, t float64) error {
	return fmt.Errorf("clv: %s: %s: %w with r %g, α %g, a %g, b %g",
		m.name(), expectedWhat(c, t), ErrNotComputable, m.r, m.alpha, m.a, m.b)
}

// expected is E[purchases in (T, T+t] | x, t_x, T]: P(active) times the
// expectation for an active customer, whose posterior is λ ~ Gamma(r+x, α+T),
// p ~ Beta(a, b+k).
func (m nbd) expected(c Customer, t float64) (float64, error) {
	if err := m.check(c, func() string { return expectedWhat(c, t) }); err != nil {
		return math.NaN(), err
	}
	if err := m.checkHorizon(c, t); err != nil {
		return math.NaN(), err
	}
	pa, _ := m.pAlive(c)
	if pa == 0 || t == 0 {
		// P(alive) below the smallest double: the expectation is too.
		return 0, nil
	}
	v, ok := expectedIfAlive(m.a, m.b+c.X+m.shift, m.r+c.X, m.alpha+c.T, t)
	if !ok {
		return math.NaN(), m.notComputable(c, t)
	}
	return pa * v, nil
}

// expectedNew is E[X(t)]: expected repeat purchases in (0, t] of a customer
// who made their first purchase at 0.
func (m nbd) expectedNew(t float64) (float64, error) {
	return m.expected(Customer{}, t)
}

// expectedCurve sets out[i] to expected(c, ts[i]) for horizons ts, sharing
// P(alive) and the series coefficients between them: the lifetime value of
// a customer needs a few dozen horizons, and this makes them several times
// cheaper than one by one. ts must not be longer than out. The error is
// that of the first horizon that fails.
func (m nbd) expectedCurve(c Customer, ts, out []float64) error {
	tMax := 0.0
	for _, t := range ts {
		if err := m.checkHorizon(c, t); err != nil {
			return err
		}
		tMax = math.Max(tMax, t)
	}
	pa, err := m.pAlive(c)
	if err != nil {
		return err
	}
	a, beta, shape, scale := m.a, m.b+c.X+m.shift, m.r+c.X, m.alpha+c.T
	var buf [160]float64
	var coef []float64
	ok := false
	A, eps, cc := eulerParams(a, beta, shape)
	if zMax := tMax / (scale + tMax); pa > 0 && seriesTerms(A, eps, cc, zMax) <= hypCheapTerms {
		coef, ok = eulerCoefficients(buf[:0], a, beta, shape, zMax)
	}
	for i, t := range ts {
		if pa == 0 || t == 0 {
			out[i] = 0
			continue
		}
		v, fine := 0.0, false
		if ok {
			v, fine = eulerValue(coef, a, beta, shape, scale, t)
		}
		if !fine {
			v, fine = expectedIfAlive(a, beta, shape, scale, t)
		}
		if !fine {
			return m.notComputable(c, t)
		}
		out[i] = pa * v
	}
	return nil
}
