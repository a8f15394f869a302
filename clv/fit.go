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
	// Penalty is the weight of an L2 penalty on the log-parameters, added
	// to the per-customer mean negative log-likelihood: Penalty·Σ(ln θᵢ −
	// ln cᵢ)², with c a neutral point (r 1, α the observed mean time between
	// repeat purchases, a 1, b 1), so the penalty means the same in any time
	// unit. It pulls a parameter the data cannot place back from 0 or
	// infinity, as lifetimes' penalizer does; 0, the default, is plain
	// maximum likelihood. BG/NBD and MBG/NBD only; Gamma-Gamma ignores it.
	Penalty float64
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
	// evaluations over all starts, the latter with the 2 per parameter the
	// standard errors take.
	Iterations, Evaluations int
	// Converged reports whether the best start met the tolerance.
	Converged bool
	// GradientNorm is the largest gradient component of the per-customer mean
	// log-likelihood in log-parameters at the returned parameters.
	GradientNorm float64
	// Penalty is the L2 weight the fit used (FitOptions.Penalty).
	Penalty float64
	// StdErr is each parameter's standard error in its natural units, in the
	// model's order (r, α, a, b; or p, q, γ): from the inverse Hessian of the
	// total negative log-likelihood (penalty included) in log-parameters,
	// by the delta method. Nil when the Hessian is not positive definite.
	StdErr []float64
	// LogStdErr is each log-parameter's standard error, which is also the
	// parameter's relative standard error.
	LogStdErr []float64
	// Condition is the condition number of that Hessian.
	Condition float64
	// Identified reports whether the data pin the fit down: it converged,
	// no parameter is near the edge of the search, the Hessian is positive
	// definite and well-conditioned, and every relative standard error is
	// at most MaxRelativeStdErr. Use an unidentified fit for nothing.
	Identified bool
	// Why says in words why the fit is or is not identified: "all
	// parameters estimated to within 29 %", or "b ran to 0.0006 with
	// standard error 40×: the data cannot tell when guests drop out".
	Why string
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
		res.Why = "the likelihood could not be computed from any starting point"
		return nil, res, fmt.Errorf("%w: likelihood not finite from any of %d starts", ErrNotConverged, res.Starts)
	}
	obj(best.theta, grad)
	res.Evaluations++
	res.GradientNorm = normInf(grad)
	res.Converged = best.converged
	if !best.converged {
		res.Why = fmt.Sprintf("the optimiser did not converge (gradient %.3g): the estimates are not an optimum", res.GradientNorm)
		return nil, res, fmt.Errorf("%w: %s stopped with gradient %.3g (tolerance %.3g) after %d iterations from %d starts",
			ErrNotConverged, opt.Method, res.GradientNorm, tolerance, res.Iterations, res.Starts)
	}
	for i, v := range best.theta {
		if math.Abs(v) > edgeBound {
			res.Why = fmt.Sprintf("%s ran to %.3g, the edge of the search: the data cannot tell %s", names[i], math.Exp(v), paramMeaning[names[i]])
			return nil, res, fmt.Errorf("%w: %s ran to %.3g, the edge of the search space: the data do not identify the model",
				ErrNotConverged, names[i], math.Exp(v))
		}
	}
	return best.theta, res, nil
}

// penalised adds weight·Σ(θᵢ − centreᵢ)² to obj, and its gradient.
func penalised(obj objectiveFunc, weight float64, centre []float64) objectiveFunc {
	if weight == 0 {
		return obj
	}
	return func(theta, grad []float64) float64 {
		f := obj(theta, grad)
		if !finite(f) {
			return f
		}
		for i, v := range theta {
			d := v - centre[i]
			f += weight * d * d
			if grad != nil {
				grad[i] += 2 * weight * d
			}
		}
		return f
	}
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
