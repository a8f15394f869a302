package reports

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// wilsonByBisection finds the Wilson limits as the score test defines them,
// the p where |x/n − p| = z √(p(1 − p)/n), by bisection in big.Float: an
// independent route to what wilson's closed form computes.
func wilsonByBisection(x, n int) (lo, hi float64) {
	z := big.NewFloat(z95).SetPrec(200)
	phat := new(big.Float).SetPrec(200).Quo(big.NewFloat(float64(x)), big.NewFloat(float64(n)))
	// g(p) = (phat − p)² − z² p(1 − p)/n: negative inside the interval
	g := func(p *big.Float) *big.Float {
		d := new(big.Float).SetPrec(200).Sub(phat, p)
		d.Mul(d, d)
		v := new(big.Float).SetPrec(200).Sub(big.NewFloat(1), p)
		v.Mul(v, p).Mul(v, z).Mul(v, z).Quo(v, big.NewFloat(float64(n)))
		return d.Sub(d, v)
	}
	root := func(a, b float64) float64 { // g changes sign between a and b
		A, B := big.NewFloat(a).SetPrec(200), big.NewFloat(b).SetPrec(200)
		sa := g(A).Sign()
		for range 200 {
			m := new(big.Float).SetPrec(200).Add(A, B)
			m.Quo(m, big.NewFloat(2))
			if g(m).Sign() == sa {
				A = m
			} else {
				B = m
			}
		}
		f, _ := A.Float64()
		return f
	}
	p := float64(x) / float64(n)
	lo, hi = 0, 1
	if x > 0 {
		lo = root(0, p)
	}
	if x < n {
		hi = root(1, p)
	}
	return lo, hi
}

func TestNewcombeMatchesThePublishedWorkedExamples(t *testing.T) {
	// Newcombe (1998), Table II, method 10, and its limits rebuilt here
	// from Wilson limits found by bisection.
	cases := []struct {
		x1, n1, x2, n2 int
		low, high      float64 // as published, four places
	}{
		{56, 70, 48, 80, 0.0524, 0.3339},
		{9, 10, 3, 10, 0.1705, 0.8090},
		{6, 7, 2, 7, 0.0582, 0.8062},
		{5, 56, 0, 29, -0.0381, 0.1926},
		{0, 10, 0, 20, -0.1611, 0.2775},
		{0, 10, 0, 10, -0.2775, 0.2775},
		{10, 10, 0, 20, 0.6791, 1.0000},
		{10, 10, 0, 10, 0.6075, 1.0000},
	}
	for _, c := range cases {
		low, high, ok := NewcombeInterval(c.x1, c.n1, c.x2, c.n2)
		if !ok {
			t.Fatalf("%d/%d vs %d/%d: no interval", c.x1, c.n1, c.x2, c.n2)
		}
		if math.Abs(low-c.low) > 0.00005 || math.Abs(high-c.high) > 0.00005 {
			t.Errorf("%d/%d vs %d/%d: (%.4f, %.4f), published (%.4f, %.4f)", c.x1, c.n1, c.x2, c.n2, low, high, c.low, c.high)
		}
		l1, u1 := wilsonByBisection(c.x1, c.n1)
		l2, u2 := wilsonByBisection(c.x2, c.n2)
		p1, p2 := float64(c.x1)/float64(c.n1), float64(c.x2)/float64(c.n2)
		wantLow := p1 - p2 - math.Sqrt((p1-l1)*(p1-l1)+(u2-p2)*(u2-p2))
		wantHigh := p1 - p2 + math.Sqrt((u1-p1)*(u1-p1)+(p2-l2)*(p2-l2))
		if math.Abs(low-wantLow) > 1e-9 || math.Abs(high-wantHigh) > 1e-9 {
			t.Errorf("%d/%d vs %d/%d: (%.10f, %.10f), by bisection (%.10f, %.10f)", c.x1, c.n1, c.x2, c.n2, low, high, wantLow, wantHigh)
		}
	}
}

func TestNewcombeRefusesAnEmptyGroup(t *testing.T) {
	if _, _, ok := NewcombeInterval(0, 0, 3, 10); ok {
		t.Error("an interval for an empty contact group")
	}
	if _, _, ok := NewcombeInterval(3, 10, 0, 0); ok {
		t.Error("an interval for an empty holdout")
	}
}

// TestNewcombeCoversNinetyFivePercent draws pairs of binomial samples of
// the sizes a campaign makes and counts how often the interval holds the
// true difference: the published coverage of method 10 is near 95 %.
func TestNewcombeCoversNinetyFivePercent(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1998))
	for _, c := range []struct {
		n1, n2 int
		p1, p2 float64
	}{{450, 50, 0.12, 0.10}, {900, 100, 0.05, 0.05}, {90, 10, 0.3, 0.1}, {2000, 200, 0.02, 0.01}} {
		const draws = 4000
		covered := 0
		for range draws {
			x1, x2 := binomial(rng, c.n1, c.p1), binomial(rng, c.n2, c.p2)
			low, high, _ := NewcombeInterval(x1, c.n1, x2, c.n2)
			if d := c.p1 - c.p2; low <= d && d <= high {
				covered++
			}
		}
		if cov := float64(covered) / draws; cov < 0.93 || cov > 0.975 {
			t.Errorf("n %d/%d p %.2f/%.2f: coverage %.3f, want about 0.95", c.n1, c.n2, c.p1, c.p2, cov)
		}
	}
}

func binomial(rng *rand.Rand, n int, p float64) int {
	x := 0
	for range n {
		if rng.Float64() < p {
			x++
		}
	}
	return x
}
