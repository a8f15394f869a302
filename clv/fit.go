package clv

import (
	"fmt"
	"math"
	"runtime"
)

// Method selects the optimiser a fit uses.
type Method int

const (
	// BFGS is a quasi-Newton method on analytic gradients: the default, and
	// several times faster than Nelder–Mead on large inputs.
	BFGS Method = iota
	// NelderMead is the derivative-free simplex method, kept as a cross-check.
	NelderMead
)

// String returns the method's name.
func (m Method) String() string {
	switch m {
	case BFGS:
		return "BFGS"
	case NelderMead:
		return "Nelder-Mead"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// FitOptions tunes a fit; the zero value is the recommended setting.
type FitOptions struct {
	// Method is the optimiser; BFGS by default.
	Method Method
	// MaxIterations bounds the optimiser's iterations from each start; 0
	// means 500 for BFGS and 5000 for Nelder–Mead.
	MaxIterations int
	// Tolerance is the convergence threshold on the per-customer mean
	// log-likelihood: the largest gradient component in log-parameters for
	// BFGS (or 1000 times that when rounding stops progress first), the
	// spread of the simplex values for Nelder–Mead. 0 means 1e-9 and 1e-12.
	Tolerance float64
	// Workers is how many goroutines share the likelihood sum of a large
	// input; 0 means runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
	// Start, if set, is tried before the built-in starting points, in the
	// model's natural parameters: r, α, a, b for BG/NBD and MBG/NBD; p, q, γ
	// for Gamma-Gamma. Yesterday's fit is a good start. A start of the wrong
	// length or with a value that is not finite and positive is ignored.
	Start []float64
	// AllStarts runs every built-in start; by default the search stops once
	// two starts have converged to the same optimum.
	AllStarts bool
}

func (o FitOptions) maxIterations() int {
	switch {
	case o.MaxIterations > 0:
		return o.MaxIterations
	case o.Method == NelderMead:
		return 5000
	}
	return 500
}

func (o FitOptions) tolerance() float64 {
	switch {
	case o.Tolerance > 0:
		return o.Tolerance
	case o.Method == NelderMead:
		return 1e-12
	}
	return 1e-9
}

func (o FitOptions) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// FitResult describes a fit: what it found and what the search cost.
type FitResult struct {
	// LogLikelihood is the total log-likelihood Σ W·ln L at the returned
	// parameters (not the per-customer mean the optimiser works on).
	LogLikelihood float64
	// Customers is the number of customers fitted, Σ W.
	Customers float64
	// Rows is the number of distinct rows the likelihood was summed over.
	Rows int
	// Starts is the number of starting points tried.
	Starts int
	// Iterations and Evaluations count optimiser iterations and likelihood
	// evaluations over all starts.
	Iterations, Evaluations int
	// Converged reports whether the best start met the tolerance.
	Converged bool
	// GradientNorm is the largest gradient component of the per-customer mean
	// log-likelihood in log-parameters at the returned parameters.
	GradientNorm float64
}

// logBound confines log-parameters to [−logBound, logBound] (about 2e-9 to
// 5e8): beyond it the objective is +Inf. An optimum beyond edgeBound is
// a parameter running away, reported as ErrNotConverged.
const (
	logBound  = 20
	edgeBound = 18
)

// objectiveFunc is a per-customer mean negative log-likelihood in
// log-parameters; with grad non-nil it also writes the gradient there. It
// returns +Inf where the likelihood is not finite, never NaN.
type objectiveFunc func(theta, grad []float64) float64

// minimise runs the chosen optimiser from each start (natural parameters)
// and returns the best point in log-parameters. names label the parameters
// in errors.
func minimise(obj objectiveFunc, starts [][]float64, names []string, opt FitOptions) ([]float64, FitResult, error) {
	var (
		res        FitResult
		best       optResult
		found      bool
		convergedF []float64 // optimum of every start that converged
		tolerance  = opt.tolerance()
	)
	grad := make([]float64, len(names))
	for _, s := range starts {
		theta := make([]float64, len(s))
		for i, v := range s {
			theta[i] = math.Log(v)
		}
		res.Starts++
		var r optResult
		if opt.Method == NelderMead {
			r = nelderMead(obj, theta, opt.maxIterations(), tolerance)
		} else {
			r = bfgs(obj, theta, opt.maxIterations(), tolerance)
		}
		res.Iterations += r.iterations
		res.Evaluations += r.evaluations
		if !finite(r.f) {
			continue
		}
		if r.converged {
			convergedF = append(convergedF, r.f)
		}
		if !found || r.f < best.f {
			best, found = r, true
		}
		if !opt.AllStarts && best.converged && agreeing(convergedF, best.f) >= 2 {
			break
		}
	}
	if !found {
		return nil, res, fmt.Errorf("%w: likelihood not finite from any of %d starts", ErrNotConverged, res.Starts)
	}
	obj(best.theta, grad)
	res.Evaluations++
	res.GradientNorm = normInf(grad)
	res.Converged = best.converged
	if !best.converged {
		return nil, res, fmt.Errorf("%w: %s stopped with gradient %.3g (tolerance %.3g) after %d iterations from %d starts",
			ErrNotConverged, opt.Method, res.GradientNorm, tolerance, res.Iterations, res.Starts)
	}
	for i, v := range best.theta {
		if math.Abs(v) > edgeBound {
			return nil, res, fmt.Errorf("%w: %s ran to %.3g, the edge of the search space: the data do not identify the model",
				ErrNotConverged, names[i], math.Exp(v))
		}
	}
	return best.theta, res, nil
}

// agreeing counts the optima within 1e-9 (relative) of best.
func agreeing(optima []float64, best float64) int {
	n := 0
	for _, f := range optima {
		if f <= best+1e-9*(1+math.Abs(best)) {
			n++
		}
	}
	return n
}

// startsWith puts the caller's start, when it has the right length and is
// positive and finite, before the built-in ones.
func startsWith(user []float64, builtin [][]float64) [][]float64 {
	if len(user) != len(builtin[0]) {
		return builtin
	}
	for _, v := range user {
		if !(v > 0) || math.IsInf(v, 1) {
			return builtin
		}
	}
	return append([][]float64{user}, builtin...)
}
