package clv

// Fuzz tests for the likelihoods and predictions: whatever parameters and
// summaries come in, nothing NaN comes out. Seeds are below and, as files,
// in testdata/fuzz/<FuzzName>/; run one with
//
//	go test ./clv -run XXX -fuzz ^FuzzBGNBDLogLikelihood$ -fuzztime 30s

import (
	"errors"
	"math"
	"testing"
)

// saneRange reports whether every v is in [lo, hi]: inputs for which the
// likelihood must be finite, not merely non-NaN.
func saneRange(lo, hi float64, vs ...float64) bool {
	for _, v := range vs {
		if !(v >= lo && v <= hi) {
			return false
		}
	}
	return true
}

func addNBDSeeds(f *testing.F) {
	for _, s := range [][7]float64{
		{0.243, 4.414, 0.793, 2.426, 2, 30.43, 38.86},
		{0.243, 30.9, 0.793, 2.426, 0, 0, 272},
		{0.5, 6, 0.9, 1.6, 29, 270, 272},
		{1e-9, 1e9, 1e-9, 1e9, 1e6, 1e-300, 1e300},
		{1, 1, 1, 1, 1, 0, 0},
		{math.NaN(), 1, 1, 1, 1, 1, 1},
		{1, 1, 1, 1, 1, 2, 1},
		{300, 0.01, 40, 0.01, 5, 1, 1e5},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[6])
	}
}

// fuzzNBD checks one model on one customer.
func fuzzNBD(t *testing.T, shift float64, r, alpha, a, b, x, tx, T float64) {
	m := nbd{r: r, alpha: alpha, a: a, b: b, shift: shift}
	c := Customer{X: x, TX: tx, T: T}
	ll := m.logLikelihood([]Weighted{{Customer: c, W: 1}})
	if math.IsNaN(ll) || math.IsInf(ll, 1) {
		t.Fatalf("%+v, %+v: log-likelihood %v", m, c, ll)
	}
	valid := m.valid() && c.Validate() == nil
	sane := valid && saneRange(1e-6, 1e6, r, alpha, a, b) && saneRange(0, 1e6, x, tx, T)
	if sane && !finite(ll) {
		t.Fatalf("%+v, %+v: log-likelihood %v for sane input", m, c, ll)
	}

	// The fitting objective on the same customer (ten of them, to pass the
	// minimum) must agree, or be +Inf where the reference is −Inf.
	theta := []float64{math.Log(r), math.Log(alpha), math.Log(a), math.Log(b)}
	if p, err := newNBDProblem([]Weighted{{Customer: c, W: 10}}, shift, 1); err == nil {
		grad := make([]float64, 4)
		f := p.evaluate(theta, grad)
		switch {
		case math.IsNaN(f) || math.IsInf(f, -1):
			t.Fatalf("%+v, %+v: objective %v", m, c, f)
		case finite(f):
			for _, g := range grad {
				if !finite(g) {
					t.Fatalf("%+v, %+v: objective %v with gradient %v", m, c, f, grad)
				}
			}
			// The two sum the same terms in different orders; terms of
			// 1e8 that cancel to 37 leave rounding of 1e-8.
			magnitude := math.Abs(lgamma(r+x)) + math.Abs(lgamma(a+b+x+shift)) + math.Abs(lgamma(b+x+shift)) +
				(r+x)*math.Abs(math.Log(alpha+T)) + r*math.Abs(math.Log(alpha)) + math.Abs(ll)
			if finite(ll) && math.Abs(-f-ll) > 1e-13*magnitude+1e-12 {
				t.Fatalf("%+v, %+v: objective %v, log-likelihood %v", m, c, -f, ll)
			}
		}
	}

	// Predictions: an ErrInvalidData error only for invalid input, and in
	// range otherwise, or a clear ErrNotComputable — never a silent NaN.
	pa, errP := m.pAlive(c)
	e, errE := m.expected(c, 365)
	if !valid {
		if !errors.Is(errP, ErrInvalidData) || !errors.Is(errE, ErrInvalidData) {
			t.Fatalf("%+v, %+v: invalid input gave P(alive) %v (%v), E %v (%v)", m, c, pa, errP, e, errE)
		}
		return
	}
	if errP != nil || !(pa >= 0 && pa <= 1) {
		t.Fatalf("%+v, %+v: P(alive) %v, %v", m, c, pa, errP)
	}
	switch {
	case errE != nil && !errors.Is(errE, ErrNotComputable):
		t.Fatalf("%+v, %+v: E[Y(365)]: %v", m, c, errE)
	case errE == nil && !(e >= 0 && !math.IsInf(e, 1)):
		t.Fatalf("%+v, %+v: E[Y(365)] = %v", m, c, e)
	case sane && errE != nil:
		t.Fatalf("%+v, %+v: E[Y(365)] not computable for sane input: %v", m, c, errE)
	}
}

func FuzzBGNBDLogLikelihood(f *testing.F) {
	addNBDSeeds(f)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, x, tx, T float64) {
		fuzzNBD(t, 0, r, alpha, a, b, x, tx, T)
	})
}

func FuzzMBGNBDLogLikelihood(f *testing.F) {
	addNBDSeeds(f)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, x, tx, T float64) {
		fuzzNBD(t, 1, r, alpha, a, b, x, tx, T)
	})
}

func FuzzGammaGammaLogLikelihood(f *testing.F) {
	for _, s := range [][5]float64{
		{6.25, 3.74, 15.44, 2, 35.5},
		{6.25, 3.74, 15.44, 0, 0},
		{1e-9, 1e9, 1e-9, 1e6, 1e-300},
		{0.5, 0.5, 1, 1, 1},
		{1, 1, 1, 1, math.Inf(1)},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, p, q, gamma, x, m float64) {
		g := GammaGamma{P: p, Q: q, Gamma: gamma}
		ll := g.LogLikelihood([]float64{x}, []float64{m})
		if math.IsNaN(ll) || math.IsInf(ll, 1) {
			t.Fatalf("%v, x %v, m %v: log-likelihood %v", g, x, m, ll)
		}
		valid := g.valid() && checkSpender(x, m) == nil
		if valid && x >= 1 && saneRange(1e-6, 1e6, p, q, gamma, x, m) && !finite(ll) {
			t.Fatalf("%v, x %v, m %v: log-likelihood %v for sane input", g, x, m, ll)
		}
		if prob, err := newGGProblem([]float64{x, x, x, x, x, x, x, x, x}, []float64{m, m, m, m, m, m, m, m, 2 * m}, 1); err == nil {
			grad := make([]float64, 3)
			theta := []float64{math.Log(p), math.Log(q), math.Log(gamma)}
			if f := prob.evaluate(theta, grad); math.IsNaN(f) || math.IsInf(f, -1) || (finite(f) && !finite(normInf(grad))) {
				t.Fatalf("%v, x %v, m %v: objective %v, gradient %v", g, x, m, f, grad)
			}
		}
		spend, err := g.ExpectedSpend(x, m)
		switch {
		case err == nil && !(spend >= 0 && !math.IsInf(spend, 1)):
			t.Fatalf("%v, x %v, m %v: expected spend %v", g, x, m, spend)
		case err != nil && valid && m >= 0 && !errors.Is(err, ErrNoMean):
			t.Fatalf("%v, x %v, m %v: expected spend: %v", g, x, m, err)
		}
	})
}
