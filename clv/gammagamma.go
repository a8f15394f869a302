package clv

import (
	"fmt"
	"math"
)

// GammaGamma is a fitted Gamma-Gamma model of spend per transaction (Fader
// & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): a customer's
// spends are Gamma(P, ν) with mean P/ν, and ν ~ Gamma(Q, Gamma) across
// customers. Gamma is in the currency of the spends; P and Q have no unit.
// It assumes spend per transaction is independent of how often a customer
// buys: check that on the data before trusting the combination with BG/NBD.
type GammaGamma struct {
	P, Q, Gamma float64
}

// String formats the parameters for logs and test output.
func (g GammaGamma) String() string {
	return fmt.Sprintf("Gamma-Gamma{p %.4g, q %.4g, γ %.4g}", g.P, g.Q, g.Gamma)
}

func (g GammaGamma) valid() bool {
	for _, v := range [...]float64{g.P, g.Q, g.Gamma} {
		if !(v > 0) || math.IsInf(v, 1) {
			return false
		}
	}
	return true
}

// Validate returns an error wrapping ErrInvalidData unless every parameter
// is finite and positive.
func (g GammaGamma) Validate() error {
	if !g.valid() {
		return fmt.Errorf("%w: parameters p %g, q %g, γ %g must be finite and positive", ErrInvalidData, g.P, g.Q, g.Gamma)
	}
	return nil
}

// PopulationMeanSpend returns the mean spend per transaction across
// customers, pγ/(q−1): the estimate for a customer with no repeat purchase.
// It is +Inf when q ≤ 1 (the spend distribution then has no mean) and NaN
// for an invalid model.
func (g GammaGamma) PopulationMeanSpend() float64 {
	switch {
	case !g.valid():
		return math.NaN()
	case g.Q <= 1:
		return math.Inf(1)
	}
	return g.P * g.Gamma / (g.Q - 1)
}

// ExpectedSpend returns E[spend per transaction | x transactions with mean
// spend meanSpend] = p(γ + m̄x)/(px + q − 1): a weighted average of the
// population mean and the customer's own mean, the weight on their own mean
// growing with x. For x = 0 it is PopulationMeanSpend. The error wraps
// ErrInvalidData for an invalid model, a negative or fractional x, or a
// negative mean spend, and ErrNoMean when the mean does not exist
// (px + q ≤ 1, which for x = 0 means q ≤ 1): never a silent Inf or NaN.
func (g GammaGamma) ExpectedSpend(x, meanSpend float64) (float64, error) {
	switch {
	case !g.valid():
		return math.NaN(), fmt.Errorf("clv: Gamma-Gamma: expected spend for x=%g mean %g: %w", x, meanSpend, g.Validate())
	case !(x >= 0) || x != math.Trunc(x) || math.IsInf(x, 1) ||
		!(meanSpend >= 0) || math.IsInf(meanSpend, 1):
		return math.NaN(), fmt.Errorf("clv: Gamma-Gamma: expected spend: %w: x %g, mean spend %g", ErrInvalidData, x, meanSpend)
	case g.P*x+g.Q <= 1:
		return math.Inf(1), fmt.Errorf("clv: Gamma-Gamma: expected spend for x=%g mean %g: %w (p·x + q = %g ≤ 1)",
			x, meanSpend, ErrNoMean, g.P*x+g.Q)
	case x == 0:
		return g.PopulationMeanSpend(), nil
	}
	return g.P * (g.Gamma + meanSpend*x) / (g.P*x + g.Q - 1), nil
}

// LogLikelihood returns the log-likelihood of the customers with x[i] ≥ 1
// repeat transactions of mean spend meanSpend[i] — the full density of a
// customer's mean spend given x (Fader & Hardie 2013) — or −Inf if the model
// or any input is invalid or the sum leaves the float64 range; never NaN.
// Customers with x = 0 carry no spend information and are skipped.
func (g GammaGamma) LogLikelihood(x, meanSpend []float64) float64 {
	if !g.valid() || len(x) != len(meanSpend) {
		return math.Inf(-1)
	}
	var ll float64
	for i := range x {
		if err := checkSpender(x[i], meanSpend[i]); err != nil {
			return math.Inf(-1)
		}
		if x[i] == 0 {
			continue
		}
		ll += g.customerLogLikelihood(x[i], meanSpend[i])
	}
	if !finite(ll) {
		return math.Inf(-1)
	}
	return ll
}

// customerLogLikelihood is the log-density of the mean m of x spends:
// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ+mx).
func (g GammaGamma) customerLogLikelihood(x, m float64) float64 {
	px := g.P * x
	return lgamma(px+g.Q) - lgamma(px) - lgamma(g.Q) + g.Q*math.Log(g.Gamma) +
		(px-1)*math.Log(m) + px*math.Log(x) - (px+g.Q)*math.Log(g.Gamma+m*x)
}

// checkSpender validates one customer's spend summary.
func checkSpender(x, m float64) error {
	switch {
	case !finite(x) || !finite(m):
		return fmt.Errorf("%w: non-finite value in (x %g, mean spend %g)", ErrInvalidData, x, m)
	case x < 0 || x != math.Trunc(x):
		return fmt.Errorf("%w: x %g is not a whole number ≥ 0", ErrInvalidData, x)
	case x > 0 && !(m > 0):
		return fmt.Errorf("%w: mean spend %g with %g repeat purchases (must be positive; leave out zero-spend customers)", ErrInvalidData, m, x)
	}
	return nil
}
