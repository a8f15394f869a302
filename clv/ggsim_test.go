package clv

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ggSimulation draws spend histories from the Gamma-Gamma model's own story
// (Fader & Hardie 2013): each customer's rate ν ~ Gamma(q, rate γ), each of
// their transactions' spend ~ Gamma(p, rate ν); how many repeat
// transactions a customer makes is drawn apart from their spend, as the
// model assumes.
type ggSimulation struct {
	truth   GammaGamma
	repeats func(rng *rand.Rand) int // x ≥ 1, the shape of the hotel
}

// draw returns x and mean spend per customer, and every spend's total and
// count for the brute-force population mean.
func (s ggSimulation) draw(seed uint64, n int) (x, mean []float64, sum float64, count int) {
	rng := rand.New(rand.NewPCG(seed, 2))
	for range n {
		nu := gammaDraw(rng, s.truth.Q) / s.truth.Gamma
		k := s.repeats(rng)
		var total float64
		for range k {
			total += gammaDraw(rng, s.truth.P) / nu
		}
		x = append(x, float64(k))
		mean = append(mean, total/float64(k))
		sum += total
		count += k
	}
	return x, mean, sum, count
}

// ggLogLikelihood is the Gamma-Gamma log-likelihood written out from the
// paper's density of a customer's mean spend m over x transactions,
//
//	f(m | p, q, γ, x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · x^(px) · m^(px−1) / (γ + m x)^(px+q),
//
// term by term with math.Lgamma, apart from the package's code.
func ggLogLikelihood(g GammaGamma, x, mean []float64) float64 {
	var ll float64
	for i := range x {
		px := g.P * x[i]
		a, _ := math.Lgamma(px + g.Q)
		b, _ := math.Lgamma(px)
		c, _ := math.Lgamma(g.Q)
		ll += a - b - c + g.Q*math.Log(g.Gamma) + px*math.Log(x[i]) + (px-1)*math.Log(mean[i]) - (px+g.Q)*math.Log(g.Gamma+mean[i]*x[i])
	}
	return ll
}

// chi2Df3At999 is the 99.9th percentile of χ² with 3 degrees of freedom.
const chi2Df3At999 = 16.266

// TestFitGammaGammaRecoversSimulatedTruth runs without the reference data:
// customers simulated from known parameters (near the published CDNOW fit,
// p 6.25, q 3.74, γ 15.44) must give them back. The tolerance is the
// likelihood-ratio test: 2(ℓ(fit) − ℓ(truth)) follows χ² with 3 degrees of
// freedom when the fit is right, so it must lie in [0, 16.27], the truth
// inside the fit's 99.9 % confidence region. Unlike a per-parameter band it
// allows for p and γ moving together (only their ratio is well pinned),
// and a wrong likelihood or gradient puts the optimum far outside it; the
// seeds are fixed, so it never flakes. ℓ here is computed by the test's own
// formula, the standard errors must be under 15 % (enough data for the test
// to mean something), and, apart from any likelihood, the fitted population
// mean spend pγ/(q−1) must match the plain average of every simulated
// spend. Two hotels: regulars who come back often, and a sparse one where
// most repeat buyers come back once.
func TestFitGammaGammaRecoversSimulatedTruth(t *testing.T) {
	truth := GammaGamma{P: 6, Q: 4, Gamma: 15}
	for _, hotel := range []struct {
		name    string
		n       int
		repeats func(*rand.Rand) int
	}{
		{"dense regulars", 8_000, func(rng *rand.Rand) int { return 1 + rng.IntN(12) }},
		{"sparse, mostly one return", 12_000, func(rng *rand.Rand) int {
			if rng.Float64() < 0.8 {
				return 1
			}
			return 2 + rng.IntN(2)
		}},
	} {
		t.Run(hotel.name, func(t *testing.T) {
			x, mean, sum, count := ggSimulation{truth: truth, repeats: hotel.repeats}.draw(7, hotel.n)
			g, res, err := FitGammaGamma(x, mean, FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.StdErr) != 3 {
				t.Fatalf("no standard errors: %+v", res)
			}
			lr := 2 * (ggLogLikelihood(g, x, mean) - ggLogLikelihood(truth, x, mean))
			t.Logf("%v, standard errors %.3g, likelihood ratio %.3f", g, res.StdErr, lr)
			if lr < -1e-6 || lr > chi2Df3At999 {
				t.Errorf("likelihood ratio against the truth %.3f, want within [0, %.2f]", lr, chi2Df3At999)
			}
			for i, want := range []float64{truth.P, truth.Q, truth.Gamma} {
				if se := res.StdErr[i]; se/want > 0.15 {
					t.Errorf("parameter %d: standard error %.3g is over 15 %% of %g: too little data to test recovery", i, se, want)
				}
			}
			if own, ours := res.LogLikelihood, ggLogLikelihood(g, x, mean); math.Abs(own-ours) > 1e-6*math.Abs(ours) {
				t.Errorf("the fit reports log-likelihood %.6f, the paper's formula gives %.6f", own, ours)
			}
			// pγ/(q−1) = 20 for the truth; the sample's own average differs
			// from it by sampling error only, a few per cent at these sizes
			// (spends have a finite variance for q > 2).
			if got, avg := g.PopulationMeanSpend(), sum/float64(count); math.Abs(got/avg-1) > 0.05 {
				t.Errorf("fitted population mean spend %.3f, the simulated spends average %.3f", got, avg)
			}
		})
	}
}
