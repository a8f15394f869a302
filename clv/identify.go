package clv

import (
	"fmt"
	"math"
)

// Whether the data identify a fit. A maximum-likelihood optimum can be a
// point the data barely prefer: with few repeat buyers the likelihood is
// nearly flat along some direction, the optimiser stops somewhere on the
// ridge (b ran to 0.0006 one quarter, to 2 the next), and every guest's
// P(alive) follows it. The curvature of the log-likelihood at the optimum
// says how far each parameter could move before the data would notice: its
// inverse is the covariance of the estimate, and its square-rooted diagonal
// the standard errors.

// Identification thresholds.
const (
	// MaxRelativeStdErr is the largest relative standard error (the standard
	// error of the log-parameter) of an identified fit: beyond 1 the data
	// place a parameter only within a factor of e either way. CDNOW's
	// BG/NBD, 2,357 customers, has its largest at 0.29 (b).
	MaxRelativeStdErr = 1.0
	// maxCondition is the largest condition number of the Hessian in
	// log-parameters of an identified fit: beyond it some combination of
	// parameters is so flat that finite differences of the gradient can no
	// longer tell its curvature from rounding.
	maxCondition = 1e9
	// nearEdge is how close to logBound a log-parameter may come: past it
	// the fit is a parameter running off to 0 or infinity.
	nearEdge = edgeBound - 2
)

// paramMeaning says what the data would have to show to pin a parameter
// down, for the why of a fit that is not identified.
var paramMeaning = map[string]string{
	"r": "how much guests differ in how often they come",
	"α": "how often guests come",
	"a": "when guests drop out",
	"b": "when guests drop out",
	"p": "what guests spend per visit",
	"q": "how much guests differ in what they spend",
	"γ": "what guests spend per visit",
}

// assessFit computes the standard errors of the optimum theta of obj (a
// per-customer mean over n customers) and judges whether the data identify
// it, filling res's StdErr, LogStdErr, Identified and Why.
func assessFit(obj objectiveFunc, theta []float64, n float64, names []string, res *FitResult) {
	res.StdErr, res.LogStdErr = nil, nil
	h, ok := hessian(obj, theta)
	res.Evaluations += 2 * len(theta)
	if !ok {
		res.Identified = false
		res.Why = "the likelihood's curvature could not be computed at the optimum: the data do not identify the model"
		return
	}
	for i := range h {
		for j := range h[i] {
			h[i][j] *= n // the curvature of the total log-likelihood
		}
	}
	res.Condition = condition(h)
	cov, pd := invertSPD(h)
	if pd {
		res.LogStdErr = make([]float64, len(theta))
		res.StdErr = make([]float64, len(theta))
		for i := range theta {
			res.LogStdErr[i] = math.Sqrt(cov[i][i])
			res.StdErr[i] = math.Exp(theta[i]) * res.LogStdErr[i] // delta method: d e^θ = e^θ dθ
		}
	}
	res.Identified, res.Why = judge(theta, names, res, pd)
}

// judge applies the rule of an identified fit, in order of what the user
// most needs to hear, and says it in words.
func judge(theta []float64, names []string, res *FitResult, pd bool) (bool, string) {
	if !res.Converged {
		return false, fmt.Sprintf("the optimiser did not converge (gradient %.3g): the estimates are not an optimum", res.GradientNorm)
	}
	for i, v := range theta {
		if math.Abs(v) > nearEdge {
			return false, fmt.Sprintf("%s ran to %.3g, the edge of the search: the data cannot tell %s",
				names[i], math.Exp(v), paramMeaning[names[i]])
		}
	}
	if !pd {
		return false, "the likelihood is flat or saddle-shaped at the optimum (its curvature is not positive definite): the data do not identify the model"
	}
	if res.Condition > maxCondition {
		return false, fmt.Sprintf("the likelihood is nearly flat along a combination of parameters (condition number %.2g): the data do not identify the model", res.Condition)
	}
	worst, worstRSE := 0, 0.0
	for i, s := range res.LogStdErr {
		if s > worstRSE {
			worst, worstRSE = i, s
		}
	}
	if worstRSE > MaxRelativeStdErr {
		return false, fmt.Sprintf("%s ran to %.3g with standard error %s: the data cannot tell %s",
			names[worst], math.Exp(theta[worst]), relativeWords(worstRSE), paramMeaning[names[worst]])
	}
	return true, fmt.Sprintf("all parameters estimated to within %.0f %%", math.Ceil(100*worstRSE))
}

// relativeWords writes a relative standard error as people read it: "40×"
// for 40 times the estimate, "85 %" below that.
func relativeWords(rse float64) string {
	if rse >= 2 {
		return fmt.Sprintf("%.0f×", rse)
	}
	return fmt.Sprintf("%.0f %%", 100*rse)
}

// hessian is the symmetrised central difference of obj's gradient at
// theta. The step suits log-parameters: 1e-4 is a 0.01 % change of the
// parameter, small against any standard error worth reporting and large
// against the gradient's rounding (about 1e-12 on a per-customer mean).
func hessian(obj objectiveFunc, theta []float64) ([][]float64, bool) {
	const step = 1e-4
	n := len(theta)
	h := make([][]float64, n)
	plus, minus := make([]float64, n), make([]float64, n)
	x := make([]float64, n)
	for j := range n {
		h[j] = make([]float64, n)
		copy(x, theta)
		x[j] = theta[j] + step
		if !finite(obj(x, plus)) {
			return nil, false
		}
		x[j] = theta[j] - step
		if !finite(obj(x, minus)) {
			return nil, false
		}
		for i := range n {
			h[j][i] = (plus[i] - minus[i]) / (2 * step)
		}
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			m := (h[i][j] + h[j][i]) / 2
			h[i][j], h[j][i] = m, m
		}
	}
	return h, true
}

// invertSPD inverts a symmetric positive-definite matrix by Cholesky
// factorisation; ok is false when the matrix is not positive definite.
func invertSPD(a [][]float64) ([][]float64, bool) {
	n := len(a)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
	}
	for j := range n {
		d := a[j][j]
		for k := range j {
			d -= l[j][k] * l[j][k]
		}
		if !(d > 0) || !finite(d) {
			return nil, false
		}
		l[j][j] = math.Sqrt(d)
		for i := j + 1; i < n; i++ {
			s := a[i][j]
			for k := range j {
				s -= l[i][k] * l[j][k]
			}
			l[i][j] = s / l[j][j]
		}
	}
	// Solve L Lᵀ X = I column by column.
	inv := make([][]float64, n)
	for i := range inv {
		inv[i] = make([]float64, n)
	}
	y := make([]float64, n)
	for c := range n {
		for i := range n {
			s := 0.0
			if i == c {
				s = 1
			}
			for k := range i {
				s -= l[i][k] * y[k]
			}
			y[i] = s / l[i][i]
		}
		for i := n - 1; i >= 0; i-- {
			s := y[i]
			for k := i + 1; k < n; k++ {
				s -= l[k][i] * inv[k][c]
			}
			inv[i][c] = s / l[i][i]
		}
	}
	return inv, true
}

// condition is the ratio of the largest to the smallest eigenvalue
// magnitude of a symmetric matrix, by cyclic Jacobi rotations (exact enough
// for the 3×3 and 4×4 Hessians here); +Inf when an eigenvalue is 0.
func condition(a [][]float64) float64 {
	n := len(a)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append([]float64(nil), a[i]...)
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += m[i][j] * m[i][j]
			}
		}
		if off < 1e-30 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				if m[p][q] == 0 {
					continue
				}
				theta := (m[q][q] - m[p][p]) / (2 * m[p][q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n { // rotate columns p and q
					mkp, mkq := m[k][p], m[k][q]
					m[k][p], m[k][q] = c*mkp-s*mkq, s*mkp+c*mkq
				}
				for k := range n { // and rows p and q
					mpk, mqk := m[p][k], m[q][k]
					m[p][k], m[q][k] = c*mpk-s*mqk, s*mpk+c*mqk
				}
			}
		}
	}
	lo, hi := math.Inf(1), 0.0
	for i := range n {
		v := math.Abs(m[i][i])
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo == 0 {
		return math.Inf(1)
	}
	return hi / lo
}
