package clv

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestFitRejectsBadInput(t *testing.T) {
	many := func(c Customer, n int) []Weighted {
		return []Weighted{{Customer: c, W: float64(n)}, {Customer: Customer{X: 2, TX: 5, T: 9}, W: float64(n)}}
	}
	noRepeats := make([]Weighted, 0, 50)
	for i := range 50 {
		noRepeats = append(noRepeats, Weighted{Customer: Customer{T: float64(i + 1)}, W: 3})
	}
	cases := []struct {
		name string
		ws   []Weighted
		want error
	}{
		{"no customers", nil, ErrTooLittleData},
		{"a single customer", []Weighted{{Customer: Customer{X: 3, TX: 20, T: 30}, W: 1}}, ErrTooLittleData},
		{"all x = 0", noRepeats, ErrTooLittleData},
		{"all ages 0", []Weighted{{Customer: Customer{}, W: 10}}, ErrTooLittleData},
		{"NaN x", many(Customer{X: math.NaN(), TX: 1, T: 2}, 10), ErrInvalidData},
		{"NaN T", many(Customer{X: 1, TX: 1, T: math.NaN()}, 10), ErrInvalidData},
		{"infinite T", many(Customer{X: 1, TX: 1, T: math.Inf(1)}, 10), ErrInvalidData},
		{"negative x", many(Customer{X: -1, TX: 0, T: 2}, 10), ErrInvalidData},
		{"fractional x", many(Customer{X: 1.5, TX: 1, T: 2}, 10), ErrInvalidData},
		{"negative t_x", many(Customer{X: 1, TX: -1, T: 2}, 10), ErrInvalidData},
		{"T < t_x", many(Customer{X: 1, TX: 5, T: 2}, 10), ErrInvalidData},
		{"t_x without repeats", many(Customer{X: 0, TX: 1, T: 2}, 10), ErrInvalidData},
		{"negative weight", many(Customer{X: 1, TX: 1, T: 2}, -10), ErrInvalidData},
		{"NaN weight", []Weighted{{Customer: Customer{X: 1, TX: 1, T: 2}, W: math.NaN()}}, ErrInvalidData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, fit := range []func([]Weighted, FitOptions) (TransactionModel, FitResult, error){fitBG, fitMBG} {
				m, _, err := fit(c.ws, FitOptions{})
				if !errors.Is(err, c.want) {
					t.Fatalf("%s: error %v, want %v", m.Name(), err, c.want)
				}
				if _, err := m.PAlive(Customer{X: 1, TX: 1, T: 2}); !errors.Is(err, ErrInvalidData) {
					t.Errorf("%s: a failed fit returned usable parameters %v", m.Name(), m)
				}
			}
		})
	}
}

func fitBG(ws []Weighted, o FitOptions) (TransactionModel, FitResult, error) { return FitBGNBD(ws, o) }
func fitMBG(ws []Weighted, o FitOptions) (TransactionModel, FitResult, error) {
	return FitMBGNBD(ws, o)
}

// TestFitDegenerate feeds data that identify no model: a handful of
// customers whose optimum runs off to the edge. The fit must say so, never
// hand back NaN or runaway parameters.
func TestFitDegenerate(t *testing.T) {
	cases := map[string][]Weighted{
		// Everyone buys at exactly the same steady rate and nobody lapses:
		// the rate heterogeneity r → ∞ and dropout b → ∞.
		"identical steady buyers": {{Customer: Customer{X: 10, TX: 100, T: 100}, W: 50}},
		// One repeat purchase among eight customers.
		"eight customers": {
			{Customer: Customer{X: 1, TX: 5, T: 50}, W: 1},
			{Customer: Customer{X: 0, TX: 0, T: 50}, W: 7},
		},
	}
	for name, ws := range cases {
		t.Run(name, func(t *testing.T) {
			for _, fit := range []func([]Weighted, FitOptions) (TransactionModel, FitResult, error){fitBG, fitMBG} {
				m, res, err := fit(ws, FitOptions{})
				t.Logf("%s: %v %+v %v", m.Name(), m, res, err)
				if !errors.Is(err, ErrNotConverged) {
					t.Errorf("%s: error %v, want ErrNotConverged", m.Name(), err)
				}
				if _, err := m.PAlive(ws[0].Customer); !errors.Is(err, ErrInvalidData) {
					t.Errorf("%s: a failed fit returned usable parameters %v", m.Name(), m)
				}
			}
		})
	}
}

// TestObjectiveMatchesLogLikelihood checks the table-driven, parallel
// objective against the plain per-customer log-likelihood, for any number
// of workers.
func TestObjectiveMatchesLogLikelihood(t *testing.T) {
	sim := simulation{r: 0.3, alpha: 20, a: 0.8, b: 2.5, minT: 1, maxT: 365, wholeDays: true}
	ws := Group(sim.customers(1, 150_000))
	for _, shift := range []float64{0, 1} {
		m := nbd{r: 0.4, alpha: 25, a: 0.7, b: 3, shift: shift}
		want := m.logLikelihood(ws)
		theta := []float64{math.Log(m.r), math.Log(m.alpha), math.Log(m.a), math.Log(m.b)}
		var first float64
		for _, workers := range []int{1, 2, 3, 8} {
			p, err := newNBDProblem(ws, shift, workers)
			if err != nil {
				t.Fatal(err)
			}
			got := -p.evaluate(theta, make([]float64, 4)) * p.total
			if math.Abs(got/want-1) > 1e-12 {
				t.Errorf("shift %g, %d workers: objective LL %.10f, reference %.10f", shift, workers, got, want)
			}
			if workers == 1 {
				first = got
			} else if got != first {
				t.Errorf("shift %g: %d workers give %.17g, 1 worker %.17g", shift, workers, got, first)
			}
		}
	}
}

// TestGradients checks the analytic gradients against central differences.
func TestGradients(t *testing.T) {
	sim := simulation{r: 0.3, alpha: 20, a: 0.8, b: 2.5, minT: 1, maxT: 365}
	ws := Group(sim.customers(2, 3000))
	rng := rand.New(rand.NewPCG(3, 3))
	check := func(name string, obj objectiveFunc, theta []float64) {
		t.Helper()
		grad := make([]float64, len(theta))
		obj(theta, grad)
		for i := range theta {
			h := 1e-5
			up, down := append([]float64(nil), theta...), append([]float64(nil), theta...)
			up[i] += h
			down[i] -= h
			fd := (obj(up, nil) - obj(down, nil)) / (2 * h)
			if math.Abs(grad[i]-fd) > 1e-7*math.Max(1, math.Abs(fd)) {
				t.Errorf("%s at %v: ∂/∂θ%d analytic %.10g, finite difference %.10g", name, theta, i, grad[i], fd)
			}
		}
	}
	for _, shift := range []float64{0, 1} {
		p, err := newNBDProblem(ws, shift, 1)
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			theta := []float64{rng.NormFloat64(), 3 + rng.NormFloat64(), rng.NormFloat64(), 1 + rng.NormFloat64()}
			check(map[float64]string{0: "BG/NBD", 1: "MBG/NBD"}[shift], p.evaluate, theta)
		}
	}
	var xs, ms []float64
	for i, w := range ws {
		if w.X > 0 {
			xs = append(xs, w.X)
			ms = append(ms, 20+float64(i%37))
		}
	}
	g, err := newGGProblem(xs, ms, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		theta := []float64{1 + rng.NormFloat64(), 1 + rng.NormFloat64(), 2 + rng.NormFloat64()}
		check("Gamma-Gamma", g.evaluate, theta)
	}
}

// TestFitRecoversTruth fits customers simulated from known parameters. With
// 60,000 customers the standard errors are a few per cent; the tolerances
// are about three of them. The fitted likelihood must also beat the true
// parameters' (it is the maximum).
func TestFitRecoversTruth(t *testing.T) {
	n := 60_000
	if testing.Short() {
		n = 20_000
	}
	for _, shift := range []float64{0, 1} {
		sim := simulation{r: 0.25, alpha: 4, a: 0.8, b: 2.5, shift: shift, minT: 20, maxT: 78}
		ws := Group(sim.customers(10+uint64(shift), n))
		fitted, res, err := fitNBD(ws, shift, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		truth := nbd{r: sim.r, alpha: sim.alpha, a: sim.a, b: sim.b, shift: shift}
		t.Logf("shift %g: fitted r %.4f α %.4f a %.4f b %.4f (truth 0.25, 4, 0.8, 2.5), %d evaluations", shift, fitted.r, fitted.alpha, fitted.a, fitted.b, res.Evaluations)
		scale := math.Sqrt(60_000 / float64(n))
		for _, p := range []struct {
			name        string
			got, want   float64
			relativeTol float64
		}{
			{"r", fitted.r, sim.r, 0.08}, {"α", fitted.alpha, sim.alpha, 0.12},
			{"a", fitted.a, sim.a, 0.25}, {"b", fitted.b, sim.b, 0.3},
		} {
			if math.Abs(p.got/p.want-1) > p.relativeTol*scale {
				t.Errorf("shift %g: %s = %.4f, truth %g", shift, p.name, p.got, p.want)
			}
		}
		if ll := truth.logLikelihood(ws); res.LogLikelihood < ll {
			t.Errorf("shift %g: fitted LL %.4f below the truth's %.4f", shift, res.LogLikelihood, ll)
		}
	}
}

// TestFitStart checks that a good start (yesterday's fit) is used and saves
// work.
func TestFitStart(t *testing.T) {
	sim := simulation{r: 0.25, alpha: 4, a: 0.8, b: 2.5, minT: 20, maxT: 78}
	ws := Group(sim.customers(5, 20_000))
	cold, coldRes, err := FitBGNBD(ws, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	warm, warmRes, err := FitBGNBD(ws, FitOptions{Start: []float64{cold.R, cold.Alpha, cold.A, cold.B}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(warm.B/cold.B-1) > 1e-5 || warmRes.Evaluations >= coldRes.Evaluations {
		t.Errorf("cold %v in %d evaluations, warm %v in %d", cold, coldRes.Evaluations, warm, warmRes.Evaluations)
	}
}

func TestFitGammaGammaRejectsBadInput(t *testing.T) {
	xs := []float64{1, 2, 3, 1, 2, 3, 4, 5, 6}
	ms := []float64{10, 20, 30, 15, 25, 35, 12, 22, 32}
	bad := func(i int, x, m float64) ([]float64, []float64) {
		x2, m2 := append([]float64(nil), xs...), append([]float64(nil), ms...)
		x2[i], m2[i] = x, m
		return x2, m2
	}
	same := []float64{20, 20, 20, 20, 20, 20, 20, 20, 20}
	cases := []struct {
		name string
		x, m []float64
		want error
	}{
		{"lengths differ", xs, ms[:3], ErrInvalidData},
		{"NaN spend", first(bad(0, 1, math.NaN())), second(bad(0, 1, math.NaN())), ErrInvalidData},
		{"zero spend", first(bad(0, 1, 0)), second(bad(0, 1, 0)), ErrInvalidData},
		{"negative x", first(bad(0, -1, 5)), second(bad(0, -1, 5)), ErrInvalidData},
		{"no repeat buyers", []float64{0, 0, 0}, []float64{0, 0, 0}, ErrTooLittleData},
		{"one repeat buyer", []float64{3}, []float64{30}, ErrTooLittleData},
		{"identical spends", xs, same, ErrTooLittleData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, _, err := FitGammaGamma(c.x, c.m, FitOptions{})
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if g != (GammaGamma{}) {
				t.Errorf("failed fit returned %v", g)
			}
		})
	}
}

func first(a, _ []float64) []float64  { return a }
func second(_, b []float64) []float64 { return b }
