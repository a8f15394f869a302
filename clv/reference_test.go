package clv

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The grid of parameters a fit can land on: a and b from 1e-3 to 1e8 with
// 1 ± 1e-9 (where the published formula divides 0 by 0), r from 1e-4 to
// 50, x from 0 to 300, and situations (α, T, t) from z = t/(α+T+t) near 0
// to 1 − 1e-9, with α small and huge and horizons up to 10,000 days.
var (
	gridAB = []float64{1e-3, 0.1, 1, 1 - 1e-9, 1 + 1e-9, 10, 1e3, 1e5, 1e7, 1e8}
	gridR  = []float64{1e-4, 0.01, 0.24, 5, 50}
	gridX  = []float64{0, 1, 5, 50, 300}
	gridAt = []situation{
		{alpha: 61.4397, T: 268, t: 365}, // the sparse hotel of the report: z 0.53
		{alpha: 30, T: 1, t: 90},         // CDNOW-like in days, a new guest: z 0.74
		{alpha: 0.5, T: 10, t: 10_000},   // z 0.999
		{alpha: 1e-5, T: 1e-6, t: 10_000},
		{alpha: 1e4, T: 5000, t: 10}, // α huge: z 7e-4
	}
)

// situation is a model's time scale α, a customer's age T and a horizon t.
type situation struct{ alpha, T, t float64 }

// gridPoint is one model, customer and horizon of the grid.
type gridPoint struct {
	m nbd
	c Customer
	t float64
}

func (g gridPoint) String() string {
	return fmt.Sprintf("%s{r %g, α %g, a %.10g, b %.10g} x=%g t_x=%g T=%g t=%g",
		g.m.name(), g.m.r, g.m.alpha, g.m.a, g.m.b, g.c.X, g.c.TX, g.c.T, g.t)
}

func newGridPoint(shift, a, b, r, x float64, at situation) gridPoint {
	c := Customer{X: x, T: at.T}
	if x > 0 {
		c.TX = 0.6 * at.T
	}
	return gridPoint{m: nbd{r: r, alpha: at.alpha, a: a, b: b, shift: shift}, c: c, t: at.t}
}

// fullGrid is every combination: 25,000 points.
func fullGrid() []gridPoint {
	var out []gridPoint
	for _, shift := range []float64{0, 1} {
		for _, a := range gridAB {
			for _, b := range gridAB {
				for _, r := range gridR {
					for _, x := range gridX {
						for _, at := range gridAt {
							out = append(out, newGridPoint(shift, a, b, r, x, at))
						}
					}
				}
			}
		}
	}
	return out
}

// referenceGrid is a Latin-square-like subset of the grid for the slow
// reference: every (a, b) pair twice, with r, x, the situation and the
// model rotating so that each of their values meets every a and every b.
// Plus the reported case. -short keeps one point per (a, b) pair.
func referenceGrid(short bool) []gridPoint {
	out := []gridPoint{
		{m: nbd{r: 0.0015513, alpha: 61.4397, a: 47246.54, b: 1006897.6, shift: 1}, c: Customer{T: 268}, t: 90},
		{m: nbd{r: 0.0015513, alpha: 61.4397, a: 47246.54, b: 1006897.6, shift: 1}, c: Customer{T: 268}, t: 365},
	}
	passes := 2
	if short {
		passes = 1
	}
	for pass := range passes {
		for i, a := range gridAB {
			for j, b := range gridAB {
				k := i + j + 3*pass
				r := gridR[(i+2*j+pass)%len(gridR)]
				x := gridX[(2*i+j+2*pass)%len(gridX)]
				at := gridAt[k%len(gridAt)]
				out = append(out, newGridPoint(float64((i+j+pass)%2), a, b, r, x, at))
			}
		}
	}
	return out
}

// referencePoints is the reference grid for this run: thinned under -short,
// and to every fifth point under the race detector, which slows math/big
// several times over and has nothing to find in one goroutine's arithmetic.
func referencePoints() []gridPoint {
	points := referenceGrid(testing.Short() || raceEnabled)
	if !raceEnabled {
		return points
	}
	var thin []gridPoint
	for i, g := range points {
		if i < 2 || i%5 == 0 {
			thin = append(thin, g)
		}
	}
	return thin
}

// TestReportedSparseFit is the case of the report: E = 0 for h = 365.
func TestReportedSparseFit(t *testing.T) {
	m := MBGNBD{R: 0.0015513, Alpha: 61.4397, A: 47246.54, B: 1006897.6}
	c := Customer{T: 268}
	e90, e365 := mustExpected(t, m, c, 90), mustExpected(t, m, c, 365)
	if math.Abs(e90-0.000402) > 0.0000005 || math.Abs(e365-0.001602) > 0.0000005 {
		t.Errorf("E[Y(90)] = %.6g, E[Y(365)] = %.6g; want 0.000402 and 0.001602", e90, e365)
	}
}

// TestExpectedAgainstBigReference compares P(alive) and the conditional
// expectation with the arbitrary-precision reference on the grid.
func TestExpectedAgainstBigReference(t *testing.T) {
	const tol = 1e-8
	var worstE, worstP float64
	var worstAt gridPoint
	points := referencePoints()
	for _, g := range points {
		pa, err := g.m.pAlive(g.c)
		if err != nil {
			t.Fatalf("%v: P(alive): %v", g, err)
		}
		if e := relErr(pa, refPAlive(g.m, g.c)); !(e <= tol) {
			t.Errorf("%v: P(alive) %.17g, relative error %.2g", g, pa, e)
		} else {
			worstP = math.Max(worstP, e)
		}
		got, err := g.m.expected(g.c, g.t)
		if err != nil {
			t.Errorf("%v: %v", g, err)
			continue
		}
		want, ok := refExpected(g.m, g.c, g.t)
		if !ok {
			t.Errorf("%v: the reference did not converge", g)
			continue
		}
		e := relErr(got, want)
		if !(e <= tol) {
			t.Errorf("%v: E = %.17g, reference %s, relative error %.2g", g, got, want.Text('g', 20), e)
		}
		if e > worstE || math.IsNaN(e) {
			worstE, worstAt = e, g
		}
	}
	t.Logf("%d points: largest relative error %.2g for E (at %v), %.2g for P(alive)", len(points), worstE, worstAt, worstP)
}

// TestReferenceSelfCheck validates the reference's quadrature against its
// series, C/(a−1)·[1 − (1−z)^s·2F1(s, β; C; z)] in big arithmetic, where the
// series is affordable: two independent ways to the same number.
func TestReferenceSelfCheck(t *testing.T) {
	n := 0
	for _, g := range referencePoints() {
		a, beta, s := g.m.a, g.m.b+g.c.X+g.m.shift, g.m.r+g.c.X
		scale := g.m.alpha + g.c.T
		viaSeries, ok := refExpectedIfAliveSeries(a, beta, s, scale, g.t)
		if !ok {
			continue
		}
		viaQuad, ok := refExpectedIfAlive(a, beta, s, scale, g.t)
		if !ok {
			t.Errorf("%v: reference quadrature did not converge", g)
			continue
		}
		if d := relErr(mustBig(viaSeries), viaQuad); d > 1e-13 {
			t.Errorf("%v: series %s, quadrature %s", g, viaSeries.Text('g', 20), viaQuad.Text('g', 20))
		}
		n++
	}
	t.Logf("%d points agree", n)
	if n < len(referencePoints())/5 {
		t.Errorf("only %d points checked", n)
	}
}

func mustBig(x *big.Float) float64 {
	f, _ := x.Float64()
	return f
}

// TestHyp2F1AgainstBigReference checks 2F1(r+x, b+x+k; a+b+x+k−1; z), the
// function of the published formulas, against Gauss's series in big
// arithmetic wherever that is affordable (z up to 0.999).
func TestHyp2F1AgainstBigReference(t *testing.T) {
	const tol = 1e-8
	var worst float64
	n := 0
	for _, g := range referencePoints() {
		a, b := g.m.r+g.c.X, g.m.b+g.c.X+g.m.shift
		c := g.m.a + b - 1
		z := g.t / (g.m.alpha + g.c.T + g.t)
		if !(c > 0) || seriesTerms(a, b, c, z) > 100_000 {
			continue
		}
		want, ok := refHyp2F1Series(a, b, c, z, 200_000)
		if !ok || mustBig(want) > 1e300 {
			continue
		}
		got := hyp2f1(a, b, c, z)
		e := relErr(got, want)
		if !(e <= tol) {
			t.Errorf("2F1(%g, %g; %.17g; %.17g) = %.17g, reference %s (relative error %.2g)", a, b, c, z, got, want.Text('g', 20), e)
		}
		worst = math.Max(worst, e)
		n++
	}
	t.Logf("%d points: largest relative error %.2g", n, worst)
}

// TestExpectedOnWholeGrid checks every point of the grid, at every horizon
// of a year's curve and beyond: a value for every valid input, finite, not
// negative, and non-decreasing in t.
func TestExpectedOnWholeGrid(t *testing.T) {
	horizons := []float64{0, 1e-3, 1, 7, 30, 90, 180, 365, 730, 1095, 3650, 10_000}
	points := fullGrid()
	switch {
	case raceEnabled:
		points = points[:len(points)/20]
	case testing.Short():
		points = points[:len(points)/4]
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 2000 {
		// and random points between the grid's values
		x := math.Floor(math.Exp(rng.Float64() * math.Log(301)))
		T := math.Exp(rng.Float64()*14 - 4.6)
		c := Customer{X: x, T: T}
		if x > 0 {
			c.TX = T * rng.Float64()
		}
		m := nbd{
			r: math.Exp(rng.Float64()*13.1 - 9.2), alpha: math.Exp(rng.Float64()*23 - 11.5),
			a: math.Exp(rng.Float64()*32 - 13.8), b: math.Exp(rng.Float64()*32 - 13.8), shift: float64(rng.IntN(2)),
		}
		points = append(points, gridPoint{m: m, c: c})
	}
	failed := 0
	for _, g := range points {
		prev := 0.0
		for _, h := range horizons {
			e, err := g.m.expected(g.c, h)
			switch {
			case err != nil:
				t.Errorf("%v, t %g: %v", g, h, err)
			case !(e >= 0) || math.IsInf(e, 1):
				t.Errorf("%v, t %g: E = %v", g, h, e)
			case e < prev*(1-1e-10):
				t.Errorf("%v: E falls from %.17g to %.17g at t %g", g, prev, e, h)
			}
			if err != nil || !(e >= prev*(1-1e-10)) {
				failed++
				break
			}
			prev = e
		}
		if failed > 20 {
			t.Fatal("too many failures")
		}
	}
}

// FuzzExpectedTransactions draws parameters, a customer and a horizon:
// the expectation is a finite, non-negative number, non-decreasing in the
// horizon and equal to the quadrature of its defining integral, or an error
// that says why — never a silent NaN or 0. For a few inputs (the seeds and
// every 64th) it is checked against the big reference too.
func FuzzExpectedTransactions(f *testing.F) {
	for _, s := range [][9]float64{
		{0.0015513, 61.4397, 47246.54, 1006897.6, 0, 0, 268, 365, 1},
		{0.243, 30.9, 0.793, 2.426, 2, 213, 272, 273, 0},
		{1e-4, 1e-5, 1e8, 1e7, 300, 1e-6, 2e-6, 10_000, 1},
		{50, 1e4, 1e-3, 1e-3, 50, 10, 10_000, 10_000, 0},
		{5, 0.5, 1 + 1e-9, 1e5, 5, 1, 10, 10_000, 1},
		{1, 1, 1, 1, 0, 0, 0, 0, 0},
		{math.NaN(), 1, 1, 1, 0, 0, 0, 1, 0},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] > 0)
	}
	calls := 0
	f.Fuzz(func(t *testing.T, r, alpha, a, b, x, tx, T, h float64, modified bool) {
		shift := 0.0
		if modified {
			shift = 1
		}
		m := nbd{r: r, alpha: alpha, a: a, b: b, shift: shift}
		c := Customer{X: x, TX: tx, T: T}
		e, err := m.expected(c, h)
		valid := m.valid() && c.Validate() == nil && h >= 0 && !math.IsInf(h, 1)
		switch {
		case !valid:
			if !errors.Is(err, ErrInvalidData) {
				t.Fatalf("invalid input %+v %+v t %g: %v, %v; want ErrInvalidData", m, c, h, e, err)
			}
			return
		case err != nil:
			if !errors.Is(err, ErrNotComputable) {
				t.Fatalf("%+v %+v t %g: %v", m, c, h, err)
			}
			return
		case !(e >= 0) || math.IsInf(e, 1):
			t.Fatalf("%+v %+v t %g: E = %v", m, c, h, e)
		}
		// Twice the horizon: no fewer expected purchases.
		if e2, err := m.expected(c, 2*h); err == nil && e2 < e*(1-1e-10) {
			t.Fatalf("%+v %+v: E(%g) = %.17g > E(%g) = %.17g", m, c, h, e, 2*h, e2)
		}
		pa, err := m.pAlive(c)
		if err != nil {
			t.Fatal(err)
		}
		sane := saneRange(1e-6, 1e8, a, b, alpha) && saneRange(1e-4, 1e3, r) && x <= 1000 && T <= 1e5 && h > 0 && h <= 1e5
		if !sane || pa < 1e-300 {
			return
		}
		beta, s, scale := b+x+shift, r+x, alpha+T
		if q, ok := tailQuadrature(a, beta, s, scale, h); ok && math.Abs(pa*q-e) > 1e-8*e {
			t.Fatalf("%+v %+v t %g: E = %.17g, quadrature %.17g", m, c, h, e, pa*q)
		}
		calls++
		if calls%64 == 1 {
			if want, ok := refExpected(m, c, h); ok {
				if d := relErr(e, want); d > 1e-8 {
					t.Fatalf("%+v %+v t %g: E = %.17g, reference %s", m, c, h, e, want.Text('g', 20))
				}
			}
		}
	})
}

// squash maps any finite u onto (lo, hi), so that every input of a fuzz
// test is a point of the parameter space.
func squash(u, lo, hi float64) float64 {
	return lo + (hi-lo)*(0.5+math.Atan(u)/math.Pi)
}

// FuzzExpectedLogParams fuzzes the whole space a fit can land on: every
// input maps to ln r in [ln 1e-4, ln 50], ln α in [ln 1e-5, ln 1e4], ln a
// and ln b in [ln 1e-6, ln 1e9], x up to 300, T and t up to 10,000. There
// the expectation must exist, be monotone in t and match the quadrature of
// its defining integral; every 32nd input is checked against the big
// reference.
func FuzzExpectedLogParams(f *testing.F) {
	f.Add(0.0, 0.0, 0.0, 0.0, uint16(0), 0.5, 0.0, 0.0, false)
	f.Add(-3.0, 1.0, 20.0, 40.0, uint16(0), 0.0, 1.0, 1.0, true)
	f.Add(5.0, -50.0, -1.0, 9.0, uint16(300), 0.9, -9.0, 9.0, false)
	calls := 0
	f.Fuzz(func(t *testing.T, ur, ualpha, ua, ub float64, x uint16, fracTX, uT, uh float64, modified bool) {
		for _, u := range []float64{ur, ualpha, ua, ub, fracTX, uT, uh} {
			if !finite(u) {
				return
			}
		}
		shift := 0.0
		if modified {
			shift = 1
		}
		m := nbd{
			r:     math.Exp(squash(ur, math.Log(1e-4), math.Log(50))),
			alpha: math.Exp(squash(ualpha, math.Log(1e-5), math.Log(1e4))),
			a:     math.Exp(squash(ua, math.Log(1e-6), math.Log(1e9))),
			b:     math.Exp(squash(ub, math.Log(1e-6), math.Log(1e9))),
			shift: shift,
		}
		c := Customer{X: float64(x % 301), T: squash(uT, 0, 10_000)}
		if c.X > 0 {
			c.TX = c.T * squash(fracTX, 0, 1)
		}
		h := squash(uh, 0, 10_000)
		e, err := m.expected(c, h)
		if err != nil || !(e >= 0) || math.IsInf(e, 1) {
			t.Fatalf("%+v %+v t %g: E = %v, %v", m, c, h, e, err)
		}
		e2, err := m.expected(c, 2*h)
		if err != nil || e2 < e*(1-1e-10) {
			t.Fatalf("%+v %+v: E(%g) = %.17g, E(%g) = %.17g, %v", m, c, h, e, 2*h, e2, err)
		}
		pa, err := m.pAlive(c)
		if err != nil {
			t.Fatal(err)
		}
		if pa < 1e-300 || h == 0 {
			return
		}
		if q, ok := tailQuadrature(m.a, m.b+c.X+shift, m.r+c.X, m.alpha+c.T, h); !ok || math.Abs(pa*q-e) > 1e-8*e {
			t.Fatalf("%+v %+v t %g: E = %.17g, quadrature %.17g (%v)", m, c, h, e, pa*q, ok)
		}
		calls++
		if calls%32 == 1 {
			if want, ok := refExpected(m, c, h); ok {
				if d := relErr(e, want); d > 1e-8 {
					t.Fatalf("%+v %+v t %g: E = %.17g, reference %s", m, c, h, e, want.Text('g', 20))
				}
			}
		}
	})
}

// TestHyp2F1NearOneAgainstBigReference checks 2F1(s, β; C; z) of the
// published formulas where z is too near 1 for any series: against Euler's
// integral E[(1 − zq)^−s] over q ~ Beta(β, C−β) in big arithmetic, for the
// grid's a > 1 (C > β) with C − β exact in float64.
func TestHyp2F1NearOneAgainstBigReference(t *testing.T) {
	if raceEnabled {
		t.Skip("integrals in math/big take minutes under the race detector; the other reference tests cover -race")
	}
	const tol = 1e-8
	var worst float64
	n := 0
	nearOne := []situation{{alpha: 0.5, T: 10, t: 10_000}, {alpha: 1e-5, T: 1e-6, t: 10_000}}
	for i, a := range []float64{1 + 1e-9, 10, 1e3, 1e5, 1e7} {
		for j, b := range gridAB {
			if testing.Short() && j%3 != 0 {
				continue
			}
			at := nearOne[(i+j)%2]
			r, x := gridR[(i+2*j)%len(gridR)], gridX[(2*i+j)%len(gridX)]
			s, beta := r+x, b+x+1
			c := a + beta - 1
			z := at.t / (at.alpha + at.T + at.t)
			diff := bsub(bf(c), bf(beta))
			if mustBig(diff) <= 0 || bsub(diff, bf(c-beta)).Sign() != 0 {
				continue // C − β is not a float64: the integral would be of another function
			}
			want, ok := refBetaMean(beta, c-beta, func(q, oneMinusQ *big.Float) *big.Float {
				// 1 − zq = (1 − z) + z(1 − q), no cancellation as q → 1
				return bigExp(bmul(bf(-s), bigLog(badd(bf(1-z), bmul(bf(z), oneMinusQ)))))
			})
			if !ok || mustBig(want) > 1e300 {
				continue
			}
			got := hyp2f1(s, beta, c, z)
			e := relErr(got, want)
			if !(e <= tol) {
				t.Errorf("2F1(%g, %g; %.17g; %.17g) = %.17g, reference %s (relative error %.2g)", s, beta, c, z, got, want.Text('g', 20), e)
			}
			worst = math.Max(worst, e)
			n++
		}
	}
	if n < 10 {
		t.Errorf("only %d points checked", n)
	}
	t.Logf("%d points: largest relative error %.2g", n, worst)
}
