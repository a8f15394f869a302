package clv

import (
	"fmt"
	"math"
)

// Fitting Gamma-Gamma: the per-customer mean negative log-likelihood in
// θ = ln(p, q, γ) with its gradient. Terms of x alone come from a table of
// distinct x; a row costs one log.

var ggParamNames = []string{"p", "q", "γ"}

type ggRow struct {
	x        int32   // index into the distinct-x table
	logM, mx float64 // ln m̄ and m̄·x
}

type ggPartial struct {
	ll, gP, gQ, gGamma float64
	_                  [4]float64
}

type ggProblem struct {
	rows    []ggRow
	xs, wx  []float64
	total   float64
	meanM   float64
	workers int
	parts   []ggPartial
}

func newGGProblem(x, meanSpend []float64, workers int) (*ggProblem, error) {
	if len(x) != len(meanSpend) {
		return nil, fmt.Errorf("%w: %d counts but %d mean spends", ErrInvalidData, len(x), len(meanSpend))
	}
	p := &ggProblem{workers: workers}
	xIndex := map[float64]int32{}
	first := math.NaN()
	varied := false
	for i := range x {
		if err := checkSpender(x[i], meanSpend[i]); err != nil {
			return nil, fmt.Errorf("customer %d: %w", i, err)
		}
		if x[i] == 0 {
			continue
		}
		xi, ok := xIndex[x[i]]
		if !ok {
			xi = int32(len(p.xs))
			xIndex[x[i]] = xi
			p.xs = append(p.xs, x[i])
			p.wx = append(p.wx, 0)
		}
		p.wx[xi]++
		m := meanSpend[i]
		p.rows = append(p.rows, ggRow{x: xi, logM: math.Log(m), mx: m * x[i]})
		p.total++
		p.meanM += m
		if math.IsNaN(first) {
			first = m
		} else if m != first {
			varied = true
		}
	}
	switch {
	case p.total < minCustomers:
		return nil, fmt.Errorf("%w: %g customers with repeat purchases, need at least %d", ErrTooLittleData, p.total, minCustomers)
	case !varied:
		return nil, fmt.Errorf("%w: every customer has the same mean spend %g", ErrTooLittleData, first)
	}
	p.meanM /= p.total
	p.parts = make([]ggPartial, blocks(len(p.rows)))
	return p, nil
}

// starts returns built-in (p, q, γ), each with a population mean spend
// pγ/(q−1) equal to the sample's, so the starts suit any currency.
func (p *ggProblem) starts() [][]float64 {
	mk := func(pp, q float64) []float64 { return []float64{pp, q, p.meanM * (q - 1) / pp} }
	return [][]float64{mk(1, 2), mk(5, 4), mk(0.5, 1.5), mk(20, 10)}
}

func (p *ggProblem) evaluate(theta, grad []float64) float64 {
	for _, v := range theta {
		if !(math.Abs(v) <= logBound) {
			return math.Inf(1)
		}
	}
	pp, q, gamma := math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2])
	withGrad := grad != nil
	lgQ, lnGamma := lgamma(q), math.Log(gamma)
	var psiQ float64
	if withGrad {
		psiQ = digamma(q)
	}
	var ll, dP, dQ, dGamma float64
	for j, x := range p.xs {
		w, px := p.wx[j], pp*x
		lnX := math.Log(x)
		ll += w * (lgamma(px+q) - lgamma(px) - lgQ + q*lnGamma + px*lnX)
		if withGrad {
			psiPXQ := digamma(px + q)
			dP += w * x * (psiPXQ - digamma(px) + lnX)
			dQ += w * (psiPXQ - psiQ + lnGamma)
			dGamma += w * q / gamma
		}
	}
	workers := p.workers
	if len(p.rows) < parallelMin {
		workers = 1
	}
	forBlocks(len(p.parts), workers, func(i int) {
		lo, hi := span(i, len(p.rows))
		var s ggPartial
		for _, r := range p.rows[lo:hi] {
			x := p.xs[r.x]
			px := pp * x
			lg := math.Log(gamma + r.mx)
			s.ll += (px-1)*r.logM - (px+q)*lg
			if withGrad {
				s.gP += x * (r.logM - lg)
				s.gQ -= lg
				s.gGamma -= (px + q) / (gamma + r.mx)
			}
		}
		p.parts[i] = s
	})
	for _, s := range p.parts {
		ll += s.ll
		dP += s.gP
		dQ += s.gQ
		dGamma += s.gGamma
	}
	f := -ll / p.total
	if !finite(f) {
		return math.Inf(1)
	}
	if withGrad {
		grad[0] = -pp * dP / p.total
		grad[1] = -q * dQ / p.total
		grad[2] = -gamma * dGamma / p.total
		for _, g := range grad {
			if !finite(g) {
				return math.Inf(1)
			}
		}
	}
	return f
}

// FitGammaGamma fits the Gamma-Gamma spend model by maximum likelihood to
// customers with x[i] repeat transactions of mean spend meanSpend[i] (spends
// of repeat transactions only: the first purchase is excluded, as in
// Summarise). Customers with x = 0 are skipped; a customer with x > 0 needs
// a positive mean spend. The error wraps ErrInvalidData, ErrTooLittleData
// (fewer than 8 repeat buyers, or all with the same mean spend) or
// ErrNotConverged.
func FitGammaGamma(x, meanSpend []float64, opt FitOptions) (GammaGamma, FitResult, error) {
	p, err := newGGProblem(x, meanSpend, opt.workers())
	if err != nil {
		return GammaGamma{}, FitResult{}, fmt.Errorf("clv: fit Gamma-Gamma: %w", err)
	}
	theta, res, err := minimise(p.evaluate, startsWith(opt.Start, p.starts()), ggParamNames, opt)
	res.Customers, res.Rows = p.total, len(p.rows)
	if err != nil {
		return GammaGamma{}, res, fmt.Errorf("clv: fit Gamma-Gamma: %w", err)
	}
	res.LogLikelihood = -p.evaluate(theta, nil) * p.total
	assessFit(p.evaluate, theta, p.total, ggParamNames, &res)
	return GammaGamma{P: math.Exp(theta[0]), Q: math.Exp(theta[1]), Gamma: math.Exp(theta[2])}, res, nil
}
