package clv

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpectedIfAliveMethodsAgree checks the three ways of computing the
// expected purchases of an active customer against each other, across
// parameters from CDNOW-like to extreme and horizons up to 10⁵ times the
// time scale.
func TestExpectedIfAliveMethodsAgree(t *testing.T) {
	worst := 0.0
	for _, a := range []float64{0.05, 0.3, 0.79, 1, 1 + 1e-9, 1.02, 2.5, 40} {
		for _, beta := range []float64{0.4, 2.4, 31} {
			for _, shape := range []float64{0.24, 5, 29.2, 300} {
				for _, scale := range []float64{4.4, 300} {
					for _, tt := range []float64{1e-3, 1, 39, 365, 1e5} {
						quad, okQ := tailQuadrature(a, beta, shape, scale, tt)
						got, okE := expectedIfAlive(a, beta, shape, scale, tt)
						if !okQ || !okE {
							t.Fatalf("a %g, β %g, s %g, σ %g, t %g: quadrature %v (%v), expectation %v (%v)", a, beta, shape, scale, tt, quad, okQ, got, okE)
						}
						err := math.Abs(got/quad - 1)
						worst = math.Max(worst, err)
						if !(err < 1e-8) {
							t.Errorf("a %g, β %g, s %g, σ %g, t %g: %.15g, quadrature %.15g", a, beta, shape, scale, tt, got, quad)
						}
						if v, ok := tailEuler(a, beta, shape, scale, tt); ok && math.Abs(v/quad-1) > 1e-8 {
							t.Errorf("Euler series a %g, β %g, s %g, σ %g, t %g: %.15g, quadrature %.15g", a, beta, shape, scale, tt, v, quad)
						}
						if v, ok := tailPublished(a, beta, shape, scale, tt); ok && math.Abs(v/quad-1) > 1e-8 {
							t.Errorf("published form a %g, β %g, s %g, σ %g, t %g: %.15g, quadrature %.15g", a, beta, shape, scale, tt, v, quad)
						}
					}
				}
			}
		}
	}
	t.Logf("largest relative difference from quadrature: %.2g", worst)
}

// TestExpectedIfAliveSmooth checks the removable singularity at a = 1,
// where the published formula divides 0 by 0.
func TestExpectedIfAliveSmooth(t *testing.T) {
	at := func(a float64) float64 {
		v, ok := expectedIfAlive(a, 2.4, 0.24, 4.4, 39)
		if !ok {
			t.Fatalf("a = %g: not computable", a)
		}
		return v
	}
	mid := at(1)
	for _, d := range []float64{1e-12, 1e-9, 1e-6} {
		for _, a := range []float64{1 - d, 1 + d} {
			if got := at(a); math.Abs(got-mid) > 10*d*mid+1e-13 {
				t.Errorf("a = 1%+g: %.15g, at 1: %.15g", a-1, got, mid)
			}
		}
	}
}

// TestExpectedForNewCustomerPublished compares E[X(t)] with the published
// closed forms evaluated through hyp2f1: Fader, Hardie & Lee (2005) for
// BG/NBD, Batislam et al. (2007) for MBG/NBD.
func TestExpectedForNewCustomerPublished(t *testing.T) {
	r, alpha, a, b := 0.243, 4.414, 0.793, 2.426
	bg, mbg := BGNBD{r, alpha, a, b}, MBGNBD{r, alpha, a, b}
	for _, tt := range []float64{0.5, 10, 39, 78, 520} {
		z := tt / (alpha + tt)
		pow := math.Pow(alpha/(alpha+tt), r)
		wantBG := (a + b - 1) / (a - 1) * (1 - pow*hyp2f1(r, b, a+b-1, z))
		wantMBG := b / (a - 1) * (1 - pow*hyp2f1(r, b+1, a+b, z))
		if got := mustNew(t, bg, tt); math.Abs(got/wantBG-1) > 1e-10 {
			t.Errorf("BG/NBD E[X(%g)] = %.15g, want %.15g", tt, got, wantBG)
		}
		if got := mustNew(t, mbg, tt); math.Abs(got/wantMBG-1) > 1e-10 {
			t.Errorf("MBG/NBD E[X(%g)] = %.15g, want %.15g", tt, got, wantMBG)
		}
	}
}

// TestExpectationsMonteCarlo checks the expectations against simulated
// customers: the unconditional E[X(t)] and, for customers grouped by their
// history, the conditional expectation and P(alive) through the holdout.
func TestExpectationsMonteCarlo(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 40_000
	}
	for _, sim := range []simulation{
		{r: 0.5, alpha: 6, a: 0.9, b: 1.6, shift: 0, minT: 0, maxT: 0},
		{r: 0.5, alpha: 6, a: 0.9, b: 1.6, shift: 1, minT: 0, maxT: 0},
	} {
		var model TransactionModel = BGNBD{sim.r, sim.alpha, sim.a, sim.b}
		var newModel newCustomerModel = BGNBD{sim.r, sim.alpha, sim.a, sim.b}
		if sim.shift == 1 {
			model = MBGNBD{sim.r, sim.alpha, sim.a, sim.b}
			newModel = MBGNBD{sim.r, sim.alpha, sim.a, sim.b}
		}
		newCustomer := func(h float64) float64 { return mustNew(t, newModel, h) }
		// Unconditional: watched from time 0 (T = 0) for 52 units.
		rng := rand.New(rand.NewPCG(7, uint64(sim.shift)))
		var sum, sumSq float64
		for range n {
			_, later := sim.customer(rng, 52)
			sum += later
			sumSq += later * later
		}
		mean := sum / float64(n)
		se := math.Sqrt((sumSq/float64(n) - mean*mean) / float64(n))
		want := newCustomer(52)
		if math.Abs(mean-want) > 4*se {
			t.Errorf("%s: simulated E[X(52)] %.4f ± %.4f, model %.4f", model.Name(), mean, se, want)
		}
		// Conditional: watched for 39, predicted for the next 39, summed.
		sim.minT, sim.maxT = 39, 39
		var predicted, actual, varSum float64
		for range n {
			c, later := sim.customer(rng, 39)
			e := mustExpected(t, model, c, 39)
			predicted += e
			actual += later
			varSum += later * later
		}
		seTotal := math.Sqrt(varSum) // a loose bound on the sd of the total
		if math.Abs(predicted-actual) > 4*seTotal/math.Sqrt(2) {
			t.Errorf("%s: conditional prediction %.1f, simulated %.0f", model.Name(), predicted, actual)
		}
		t.Logf("%s: E[X(52)] model %.4f, simulated %.4f ± %.4f; holdout predicted %.0f, simulated %.0f",
			model.Name(), want, mean, se, predicted, actual)
	}
}

func TestPAlive(t *testing.T) {
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	mbg := MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}
	for _, T := range []float64{0, 1, 10, 39, 1000} {
		c := Customer{X: 0, TX: 0, T: T}
		if p := mustPAlive(t, bg, c); p != 1 {
			t.Errorf("BG/NBD P(alive | x=0, T=%g) = %v, want exactly 1: no repeat purchase, no chance to drop out", T, p)
		}
		if p := mustPAlive(t, mbg, c); !(p > 0 && p < 1) {
			t.Errorf("MBG/NBD P(alive | x=0, T=%g) = %v, want in (0, 1)", T, p)
		}
	}
	// MBG/NBD: a one-time buyer looks less alive the longer they stay away.
	if p1, p2 := mustPAlive(t, mbg, Customer{T: 1}), mustPAlive(t, mbg, Customer{T: 39}); !(p2 < p1) {
		t.Errorf("MBG/NBD P(alive): %v at T=1, %v at T=39", p1, p2)
	}
	for _, m := range []TransactionModel{bg, mbg} {
		recent := mustPAlive(t, m, Customer{X: 5, TX: 38, T: 39})
		lapsed := mustPAlive(t, m, Customer{X: 5, TX: 5, T: 39})
		if !(lapsed < recent && recent < 1 && lapsed > 0) {
			t.Errorf("%s: P(alive) recent buyer %v, lapsed %v", m.Name(), recent, lapsed)
		}
		// Bought yesterday after many purchases: almost certainly alive.
		if p := mustPAlive(t, m, Customer{X: 29, TX: 39, T: 39}); p < 0.9 {
			t.Errorf("%s: P(alive) of a frequent buyer seen at T = %v", m.Name(), p)
		}
	}
}

func TestPredictionsInvalidInput(t *testing.T) {
	good := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	for _, m := range []TransactionModel{BGNBD{}, BGNBD{R: math.NaN(), Alpha: 1, A: 1, B: 1}, MBGNBD{R: 1, Alpha: -1, A: 1, B: 1}} {
		if p, err := m.PAlive(Customer{X: 1, TX: 1, T: 2}); !errors.Is(err, ErrInvalidData) {
			t.Errorf("%v: P(alive) %v, %v; want ErrInvalidData", m, p, err)
		}
	}
	for _, c := range []Customer{{X: -1}, {X: 1, TX: 3, T: 2}, {X: math.NaN()}, {X: 1.5, TX: 1, T: 2}, {X: 0, TX: 1, T: 2}} {
		if p, err := good.PAlive(c); !errors.Is(err, ErrInvalidData) {
			t.Errorf("P(alive | %+v) = %v, %v; want ErrInvalidData", c, p, err)
		}
		if e, err := good.ExpectedTransactions(c, 10); !errors.Is(err, ErrInvalidData) {
			t.Errorf("E[Y | %+v] = %v, %v; want ErrInvalidData", c, e, err)
		}
	}
	for _, tt := range []float64{-1, math.NaN(), math.Inf(1)} {
		if e, err := good.ExpectedTransactions(Customer{X: 1, TX: 1, T: 2}, tt); !errors.Is(err, ErrInvalidData) {
			t.Errorf("E[Y(%v)] = %v, %v; want ErrInvalidData", tt, e, err)
		}
	}
	if e := mustExpected(t, good, Customer{X: 1, TX: 1, T: 2}, 0); e != 0 {
		t.Errorf("E[Y(0)] = %v, want 0", e)
	}
}

// TestExpectedCurve checks the shared-coefficient path LifetimeValue uses
// against one horizon at a time.
func TestExpectedCurve(t *testing.T) {
	ts := []float64{0, 1, 30, 90, 365, 1095, 3650, 36500}
	cs := simulation{r: 0.25, alpha: 30, a: 0.8, b: 2.5, minT: 0, maxT: 731, wholeDays: true}.customers(3, 300)
	for _, m := range []nbd{
		{r: 0.25, alpha: 30, a: 0.8, b: 2.5},
		{r: 0.25, alpha: 30, a: 0.8, b: 2.5, shift: 1},
		{r: 3, alpha: 300, a: 1.000001, b: 0.5},
		{r: 40, alpha: 3, a: 0.3, b: 0.2},
	} {
		out := make([]float64, len(ts))
		for _, c := range cs {
			if err := m.expectedCurve(c, ts, out); err != nil {
				t.Fatal(err)
			}
			for i, tt := range ts {
				want, err := m.expected(c, tt)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(out[i]-want) > 1e-12*want {
					t.Fatalf("%+v, %+v, t %g: curve %.17g, one at a time %.17g", m, c, tt, out[i], want)
				}
			}
		}
	}
}
