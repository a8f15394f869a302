package clv

import "math"

// lgamma returns ln|Γ(x)|.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// lbeta returns ln B(a, b) for a, b > 0.
func lbeta(a, b float64) float64 {
	return lgamma(a) + lgamma(b) - lgamma(a+b)
}

// digamma returns ψ(x) = d ln Γ(x)/dx for x > 0 (NaN otherwise). The standard
// library has no digamma; the gradients of every likelihood here need it.
// Shifting x to at least 10 and using seven terms of the asymptotic series
// gives about 1e-15 relative error.
func digamma(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		if math.IsInf(x, 1) {
			return x
		}
		return math.NaN()
	}
	var acc float64
	for x < 10 {
		acc -= 1 / x
		x++
	}
	f := 1 / (x * x)
	series := f * (1.0/12 - f*(1.0/120-f*(1.0/252-f*(1.0/240-f*(1.0/132-f*(691.0/32760-f/12))))))
	return acc + math.Log(x) - 0.5/x - series
}

// softplus returns ln(1+e^d) and the logistic σ(d) = e^d/(1+e^d) without
// overflow for any finite d.
func softplus(d float64) (sp, sigma float64) {
	if d > 0 {
		e := math.Exp(-d)
		return d + math.Log1p(e), 1 / (1 + e)
	}
	e := math.Exp(d)
	return math.Log1p(e), e / (1 + e)
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

// isNonPositiveInt reports whether x is 0, −1, −2, …: a pole of Γ.
func isNonPositiveInt(x float64) bool {
	return x <= 0 && x == math.Trunc(x)
}

// expm1Over returns (e^{εL} − 1)/ε, and its limit L at ε = 0.
func expm1Over(eps, l float64) float64 {
	if eps == 0 {
		return l
	}
	return math.Expm1(eps*l) / eps
}
