package clv

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCDNOWStandardErrors checks the standard errors of the CDNOW BG/NBD
// fit against lifetimes' published summary (r 0.24 ± 0.01, α 4.41 ± 0.38,
// a 0.79 ± 0.19, b 2.43 ± 0.71 per week) and against an independent
// computation: second differences of the plain per-customer
// log-likelihood in natural parameters (no tables, no analytic gradient),
// inverted exactly in big.Rat by Gauss–Jordan.
func TestCDNOWStandardErrors(t *testing.T) {
	d := summariseCDNOW(t)
	ws := Group(d.weeks)
	m, res, err := FitBGNBD(ws, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Identified || res.Why != "all parameters estimated to within 30 %" {
		t.Errorf("CDNOW: identified %v, why %q", res.Identified, res.Why)
	}
	published := []float64{0.01, 0.38, 0.19, 0.71}
	for i, se := range res.StdErr {
		if round(se, 2) != published[i] {
			t.Errorf("%s: standard error %.4f, lifetimes publishes %.2f", nbdParamNames[i], se, published[i])
		}
	}

	params := []float64{m.R, m.Alpha, m.A, m.B}
	ll := func(p []float64) float64 {
		return nbd{r: p[0], alpha: p[1], a: p[2], b: p[3]}.logLikelihood(ws)
	}
	n := len(params)
	info := make([][]*big.Rat, n) // observed information −∂²LL
	for i := range n {
		info[i] = make([]*big.Rat, n)
		for j := range n {
			hi, hj := 1e-4*params[i], 1e-4*params[j]
			at := func(si, sj float64) float64 {
				p := append([]float64(nil), params...)
				p[i] += si * hi
				p[j] += sj * hj
				return ll(p)
			}
			v := -(at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * hi * hj)
			info[i][j] = new(big.Rat).SetFloat64(v)
		}
	}
	cov := invertRat(t, info)
	for i := range n {
		want, _ := cov[i][i].Float64()
		want = math.Sqrt(want)
		if math.Abs(res.StdErr[i]/want-1) > 0.01 {
			t.Errorf("%s: standard error %.6f, independent %.6f", nbdParamNames[i], res.StdErr[i], want)
		}
	}

	// In days the standard error of α is 7 times that in weeks; the others,
	// without a unit, do not change.
	_, days, err := FitBGNBD(Group(d.daysCustomers()), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, unit := range []float64{1, 7, 1, 1} {
		if got, want := days.StdErr[i], unit*res.StdErr[i]; math.Abs(got/want-1) > 1e-3 {
			t.Errorf("%s: standard error %.6f in days, want %.6f", nbdParamNames[i], got, want)
		}
	}
}

// invertRat inverts a matrix exactly by Gauss–Jordan elimination.
func invertRat(t *testing.T, a [][]*big.Rat) [][]*big.Rat {
	t.Helper()
	n := len(a)
	m := make([][]*big.Rat, n)
	for i := range n {
		m[i] = make([]*big.Rat, 2*n)
		for j := range n {
			m[i][j] = new(big.Rat).Set(a[i][j])
			m[i][n+j] = new(big.Rat)
		}
		m[i][n+i].SetInt64(1)
	}
	for c := range n {
		p := c
		for p < n && m[p][c].Sign() == 0 {
			p++
		}
		if p == n {
			t.Fatal("singular matrix")
		}
		m[c], m[p] = m[p], m[c]
		inv := new(big.Rat).Inv(m[c][c])
		for j := range m[c] {
			m[c][j].Mul(m[c][j], inv)
		}
		for i := range n {
			if i == c || m[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][c])
			for j := range m[i] {
				m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[c][j]))
			}
		}
	}
	out := make([][]*big.Rat, n)
	for i := range n {
		out[i] = m[i][n:]
	}
	return out
}

// TestStdErrCoverage fits many simulated populations and counts how often
// the 95 % interval θ̂·exp(±1.96·se) of each parameter holds the truth. If
// the standard errors are right that is 95 % of the time; with 60 fits per
// parameter the count is binomial (sd 2.8 %), so fewer than 85 % or all of
// 240 would mean standard errors too small or too large.
func TestStdErrCoverage(t *testing.T) {
	fits := 60
	if testing.Short() {
		fits = 30
	}
	for _, tc := range []struct {
		sim  simulation
		fit  func([]Weighted, FitOptions) (TransactionModel, FitResult, error)
		name string
	}{
		{simulation{r: 0.5, alpha: 20, a: 0.8, b: 3, shift: 0, minT: 60, maxT: 400}, fitBG, NameBGNBD},
		{simulation{r: 0.5, alpha: 20, a: 1, b: 4, shift: 1, minT: 60, maxT: 400}, fitMBG, NameMBGNBD},
	} {
		truth := []float64{tc.sim.r, tc.sim.alpha, tc.sim.a, tc.sim.b}
		covered, total := make([]int, 4), 0
		for seed := range fits {
			ws := Group(tc.sim.customers(uint64(100+seed), 3000))
			m, res, err := tc.fit(ws, FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Identified {
				t.Errorf("%s seed %d: 3000 customers from a well-behaved population not identified: %s", tc.name, seed, res.Why)
				continue
			}
			est := nbdParams(m)
			total++
			for i := range truth {
				if math.Abs(math.Log(est[i]/truth[i])) <= 1.96*res.LogStdErr[i] {
					covered[i]++
				}
			}
		}
		all := 0
		for i, c := range covered {
			all += c
			if share := float64(c) / float64(total); share < 0.8 {
				t.Errorf("%s: the 95 %% interval of %s held the truth in %d of %d fits", tc.name, nbdParamNames[i], c, total)
			}
		}
		share := float64(all) / float64(4*total)
		t.Logf("%s: coverage %v of %d fits, %.1f %% overall", tc.name, covered, total, 100*share)
		if share < 0.85 || share == 1 {
			t.Errorf("%s: the 95 %% intervals held the truth %.1f %% of the time", tc.name, 100*share)
		}
	}
}

func nbdParams(m TransactionModel) []float64 {
	switch m := m.(type) {
	case BGNBD:
		return []float64{m.R, m.Alpha, m.A, m.B}
	case MBGNBD:
		return []float64{m.R, m.Alpha, m.A, m.B}
	}
	return nil
}

// sparseHotel is a population like a real hotel's: nearly everyone comes
// once (about 3 % of 5,000 guests ever return in up to two years), so the
// data say little about when guests drop out.
var sparseHotel = simulation{r: 0.3, alpha: 200, a: 50, b: 1000, shift: 1, minT: 30, maxT: 700, wholeDays: true}

// TestBoundaryFitIsNotIdentified fits sparse data whose dropout parameters
// run off towards the boundary, and expects the fit to say so in words.
func TestBoundaryFitIsNotIdentified(t *testing.T) {
	cases := []struct {
		sim  simulation
		seed uint64
	}{
		{sparseHotel, 5},
		// Fewer still return: a and b run off to millions.
		{simulation{r: 0.1, alpha: 100, a: 2, b: 1, shift: 1, minT: 30, maxT: 400, wholeDays: true}, 5},
	}
	for _, tc := range cases {
		ws := Group(tc.sim.customers(tc.seed, 5000))
		for _, fit := range []func([]Weighted, FitOptions) (TransactionModel, FitResult, error){fitBG, fitMBG} {
			m, res, err := fit(ws, FitOptions{})
			t.Logf("%s %v: %s", m.Name(), m, res.Why)
			if err != nil && !errors.Is(err, ErrNotConverged) {
				t.Fatal(err)
			}
			if res.Identified {
				t.Errorf("%s %v on sparse data: identified, %q", m.Name(), m, res.Why)
			}
			if !strings.Contains(res.Why, "data") || !(strings.Contains(res.Why, " ran to ") || strings.Contains(res.Why, "flat")) {
				t.Errorf("%s: why %q does not say what the data cannot tell", m.Name(), res.Why)
			}
		}
	}
}

// TestChooseModelPenalisesOrDeclines backtests both models on a sparse
// hotel whose plain fits are not identified: each model is used only
// through an identified penalised fit whose holdout forecast is sensible,
// or declined with ErrNotIdentified.
func TestChooseModelPenalisesOrDeclines(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	n := 5000
	calib := make([]Customer, n)
	holdout := make([]float64, n)
	for i := range calib {
		calib[i], holdout[i] = sparseHotel.customer(rng, 180)
	}
	ch, err := ChooseModel(calib, holdout, 180, FitOptions{})
	t.Logf("chose %s: %s (err %v)", ch.Best, ch.Reason, err)
	for _, f := range []struct {
		res  FitResult
		test Backtest
	}{{ch.BGNBDFit, ch.BGNBDTest}, {ch.MBGNBDFit, ch.MBGNBDTest}} {
		t.Logf("%s: penalty %g, identified %v (%s), total error %+.2f, err %v", f.test.Model, f.res.Penalty, f.res.Identified, f.res.Why, f.test.TotalError, f.test.Err)
		switch {
		case f.test.Err != nil:
			if !errors.Is(f.test.Err, ErrNotIdentified) {
				t.Errorf("%s declined with %v, want ErrNotIdentified", f.test.Model, f.test.Err)
			}
		case !f.res.Identified || f.res.Penalty == 0 || math.Abs(f.test.TotalError) > maxTotalError:
			t.Errorf("%s used: penalty %g, identified %v, holdout total error %+.2f", f.test.Model, f.res.Penalty, f.res.Identified, f.test.TotalError)
		}
	}
	if err == nil && ch.Best == "" {
		t.Error("no model chosen and no error")
	}
}

// TestChooseModelKeepsLastNightsModel: when the holdout cannot tell the
// models apart, last night's model stays whichever it was; a likelihood
// difference does not swap it.
func TestChooseModelKeepsLastNightsModel(t *testing.T) {
	sim := simulation{r: 0.8, alpha: 10, a: 2, b: 2, shift: 1, minT: 30, maxT: 60}
	rng := rand.New(rand.NewPCG(21, 1))
	n := 10_000
	calib := make([]Customer, n)
	holdout := make([]float64, n)
	for i := range calib {
		calib[i], holdout[i] = sim.customer(rng, 52)
	}
	fresh, err := ChooseModel(calib, holdout, 52, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fresh.Z) >= SwitchZ {
		t.Fatalf("z = %.2f: the holdout tells these models apart; the test needs a population it does not", fresh.Z)
	}
	if fresh.MBGNBDTest.LogLikelihood-fresh.BGNBDTest.LogLikelihood < 2 {
		t.Fatalf("likelihoods %v %v: the test needs MBG/NBD ahead on likelihood", fresh.MBGNBDTest.LogLikelihood, fresh.BGNBDTest.LogLikelihood)
	}
	for _, prior := range []string{NameBGNBD, NameMBGNBD} {
		ch, err := ChooseModelFrom(calib, holdout, 52, FitOptions{}, Prior{Model: prior, BGNBDStart: []float64{0.8, 10, 2, 2}})
		if err != nil {
			t.Fatal(err)
		}
		if ch.Best != prior || !strings.Contains(ch.Reason, "kept last night's "+prior) {
			t.Errorf("last night %s: chose %s: %s", prior, ch.Best, ch.Reason)
		}
	}
}

// TestChooseModelSwitchesOnASignificantHoldout: a model that predicts the
// holdout much worse is replaced, even if it was last night's.
func TestChooseModelSwitchesOnASignificantHoldout(t *testing.T) {
	// Most customers drop out right after their first purchase, which
	// BG/NBD cannot express: it must call every one-time buyer alive.
	sim := simulation{r: 2, alpha: 5, a: 5, b: 2, shift: 1, minT: 10, maxT: 60}
	rng := rand.New(rand.NewPCG(4, 4))
	n := 20_000
	calib := make([]Customer, n)
	holdout := make([]float64, n)
	for i := range calib {
		calib[i], holdout[i] = sim.customer(rng, 100)
	}
	ch, err := ChooseModelFrom(calib, holdout, 100, FitOptions{}, Prior{Model: NameBGNBD})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %s", ch.Best, ch.Reason)
	if ch.Z < SwitchZ {
		t.Fatalf("z = %.2f: the test needs a population where MBG/NBD is clearly better", ch.Z)
	}
	if ch.Best != NameMBGNBD || !strings.Contains(ch.Reason, "switched from last night's BG/NBD") {
		t.Errorf("chose %s: %s", ch.Best, ch.Reason)
	}
}

// TestConditionAndInverse checks the linear algebra behind the standard
// errors on matrices whose answers are known in closed form: a rotated
// diagonal matrix Q·diag(λ)·Qᵀ has condition max λ / min λ and inverse
// Q·diag(1/λ)·Qᵀ; a matrix with a negative eigenvalue is refused.
func TestConditionAndInverse(t *testing.T) {
	c, s := math.Cos(0.3), math.Sin(0.3)
	q := [][]float64{{c, -s, 0}, {s, c, 0}, {0, 0, 1}}
	build := func(l []float64) [][]float64 {
		m := make([][]float64, 3)
		for i := range m {
			m[i] = make([]float64, 3)
			for j := range m[i] {
				for k := range l {
					m[i][j] += q[i][k] * l[k] * q[j][k]
				}
			}
		}
		return m
	}
	lambda := []float64{1e-3, 2, 50}
	a := build(lambda)
	if got := condition(a); math.Abs(got/5e4-1) > 1e-9 {
		t.Errorf("condition %g, want 5e4", got)
	}
	inv, ok := invertSPD(a)
	want := build([]float64{1e3, 0.5, 0.02})
	if !ok {
		t.Fatal("a positive-definite matrix refused")
	}
	for i := range inv {
		for j := range inv[i] {
			if math.Abs(inv[i][j]-want[i][j]) > 1e-9*(1+math.Abs(want[i][j])) {
				t.Errorf("inverse[%d][%d] = %g, want %g", i, j, inv[i][j], want[i][j])
			}
		}
	}
	if _, ok := invertSPD(build([]float64{1, -0.5, 3})); ok {
		t.Error("an indefinite matrix accepted as positive definite")
	}
}

func TestFitRejectsABadPenalty(t *testing.T) {
	ws := Group(simulation{r: 0.5, alpha: 20, a: 0.8, b: 3, minT: 60, maxT: 400}.customers(1, 500))
	for _, p := range []float64{-1e-3, math.NaN(), math.Inf(1)} {
		if _, _, err := FitBGNBD(ws, FitOptions{Penalty: p}); !errors.Is(err, ErrInvalidData) {
			t.Errorf("penalty %g: %v, want ErrInvalidData", p, err)
		}
	}
}
