package clv

import (
	"fmt"
	"math"
)

// Fitting BG/NBD and MBG/NBD. The objective is the per-customer mean
// negative log-likelihood in log-parameters θ = ln(r, α, a, b), with its
// analytic gradient. Terms that depend only on x (the gamma and beta
// functions, their digammas) are computed once per distinct x, and
// ln(α+t) once per distinct time, so a row costs one exp and one log1p.

var nbdParamNames = []string{"r", "α", "a", "b"}

// nbdRow is one distinct (x, t_x, T) with its weight, its values replaced by
// indices into the tables of distinct x and distinct times.
type nbdRow struct {
	w       float64
	x       int32
	iT, iTX int32
}

// nbdXTerms holds, for one distinct x and the current parameters, what every
// row with that x shares.
type nbdXTerms struct {
	rx     float64 // r + x
	c4     float64 // ln(a/(b+k−1)): log-odds of "dropped at t_x" before the time terms
	invB   float64 // 1/(b+k−1)
	second bool    // k > 0: the customer could have dropped out
}

// nbdPartial is one block's share of the sums; padded to a cache line so
// goroutines do not share one.
type nbdPartial struct {
	ll, gR, gAlpha, sW4, sW4InvB float64
	_                            [3]float64
}

// nbdProblem is a validated fitting input and the scratch space of one
// evaluation. It is not safe for concurrent evaluations.
type nbdProblem struct {
	shift   float64
	rows    []nbdRow
	xs, wx  []float64 // distinct x values and the weight of each
	times   []float64 // distinct T and t_x values
	total   float64   // Σ W
	workers int

	xt         []nbdXTerms
	logT, invT []float64
	parts      []nbdPartial
}

// newNBDProblem validates ws and builds the tables. Rows of weight 0 are
// dropped.
func newNBDProblem(ws []Weighted, shift float64, workers int) (*nbdProblem, error) {
	p := &nbdProblem{shift: shift, workers: workers}
	xIndex := map[float64]int32{}
	tIndex := map[float64]int32{}
	timeIndex := func(v float64) int32 {
		i, ok := tIndex[v]
		if !ok {
			i = int32(len(p.times))
			tIndex[v] = i
			p.times = append(p.times, v)
		}
		return i
	}
	var sumT, repeaters float64
	for i, w := range ws {
		if err := w.Validate(); err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		if !(w.W >= 0) || math.IsInf(w.W, 1) {
			return nil, fmt.Errorf("row %d: %w: weight %g", i, ErrInvalidData, w.W)
		}
		if w.W == 0 {
			continue
		}
		xi, ok := xIndex[w.X]
		if !ok {
			xi = int32(len(p.xs))
			xIndex[w.X] = xi
			p.xs = append(p.xs, w.X)
			p.wx = append(p.wx, 0)
		}
		p.wx[xi] += w.W
		p.rows = append(p.rows, nbdRow{w: w.W, x: xi, iT: timeIndex(w.T), iTX: timeIndex(w.TX)})
		p.total += w.W
		sumT += w.W * w.T
		if w.X > 0 {
			repeaters += w.W
		}
	}
	switch {
	case p.total < minCustomers:
		return nil, fmt.Errorf("%w: %g customers, need at least %d", ErrTooLittleData, p.total, minCustomers)
	case repeaters == 0:
		return nil, fmt.Errorf("%w: none of %g customers made a repeat purchase", ErrTooLittleData, p.total)
	case sumT == 0:
		return nil, fmt.Errorf("%w: every customer has age T = 0", ErrTooLittleData)
	}
	p.xt = make([]nbdXTerms, len(p.xs))
	p.logT = make([]float64, len(p.times))
	p.invT = make([]float64, len(p.times))
	p.parts = make([]nbdPartial, blocks(len(p.rows)))
	return p, nil
}

// minCustomers is the fewest customers a fit accepts: with fewer the
// optimum is almost always a parameter running off to 0 or infinity.
const minCustomers = 8

// starts returns the built-in starting points (r, α, a, b). α is set from
// the observed repeat rate so that the starts are right in any time unit.
func (p *nbdProblem) starts() [][]float64 {
	var sumX, sumT float64
	for _, r := range p.rows {
		sumX += r.w * p.xs[r.x]
		sumT += r.w * p.times[r.iT]
	}
	rate := sumX / sumT // repeat purchases per unit of time
	mk := func(r, a, b float64) []float64 { return []float64{r, r / rate, a, b} }
	return [][]float64{
		mk(1, 1, 1),
		mk(0.3, 0.7, 2.5),
		mk(3, 2, 10),
		mk(0.1, 0.2, 0.5),
	}
}

// evaluate is the objectiveFunc.
func (p *nbdProblem) evaluate(theta, grad []float64) float64 {
	for _, v := range theta {
		if !(math.Abs(v) <= logBound) {
			return math.Inf(1)
		}
	}
	r, alpha, a, b := math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2]), math.Exp(theta[3])
	withGrad := grad != nil

	// Terms shared by all rows with the same x.
	lgR, lnAlpha, lgAB, lgB, lnA := lgamma(r), math.Log(alpha), lgamma(a+b), lgamma(b), math.Log(a)
	var psiR, psiAB, psiB float64
	if withGrad {
		psiR, psiAB, psiB = digamma(r), digamma(a+b), digamma(b)
	}
	var ll, dR, dAlpha, dA, dB float64
	for j, x := range p.xs {
		k := x + p.shift
		rx := r + x
		w := p.wx[j]
		ll += w * (lgamma(rx) - lgR + r*lnAlpha + lgAB + lgamma(b+k) - lgB - lgamma(a+b+k))
		t := &p.xt[j]
		*t = nbdXTerms{rx: rx, second: k > 0}
		if k > 0 {
			t.c4 = lnA - math.Log(b+k-1)
			t.invB = 1 / (b + k - 1)
		}
		if withGrad {
			psiABK := digamma(a + b + k)
			dR += w * (digamma(rx) - psiR + lnAlpha)
			dAlpha += w * r / alpha
			dA += w * (psiAB - psiABK)
			dB += w * (psiAB + digamma(b+k) - psiB - psiABK)
		}
	}

	workers := p.workers
	if len(p.rows) < parallelMin {
		workers = 1
	}
	forBlocks(blocks(len(p.times)), workers, func(i int) {
		lo, hi := span(i, len(p.times))
		for j := lo; j < hi; j++ {
			v := alpha + p.times[j]
			p.logT[j] = math.Log(v)
			p.invT[j] = 1 / v
		}
	})
	forBlocks(len(p.parts), workers, func(i int) {
		lo, hi := span(i, len(p.rows))
		p.parts[i] = p.sumRows(p.rows[lo:hi], withGrad)
	})
	var sum nbdPartial
	for _, q := range p.parts {
		sum.ll += q.ll
		sum.gR += q.gR
		sum.gAlpha += q.gAlpha
		sum.sW4 += q.sW4
		sum.sW4InvB += q.sW4InvB
	}
	ll += sum.ll
	f := -ll / p.total
	if !finite(f) {
		return math.Inf(1)
	}
	if withGrad {
		// ∂/∂ln θ = θ·∂/∂θ, and the objective is −LL/N.
		grad[0] = -r * (dR + sum.gR) / p.total
		grad[1] = -alpha * (dAlpha + sum.gAlpha) / p.total
		grad[2] = -a * (dA + sum.sW4/a) / p.total
		grad[3] = -b * (dB - sum.sW4InvB) / p.total
		for _, g := range grad {
			if !finite(g) {
				return math.Inf(1)
			}
		}
	}
	return f
}

// sumRows adds up one block. With w4 = P(dropped at t_x | row), the row's
// log-likelihood beyond its x terms is −(r+x)·ln(α+T) + ln(1 + e^d),
// d = c4 + (r+x)·(ln(α+T) − ln(α+t_x)), and w4 = σ(d).
func (p *nbdProblem) sumRows(rows []nbdRow, withGrad bool) nbdPartial {
	var s nbdPartial
	logT, invT, xt := p.logT, p.invT, p.xt
	for _, row := range rows {
		e := &xt[row.x]
		lT := logT[row.iT]
		rowLL := -e.rx * lT
		if !e.second {
			s.ll += row.w * rowLL
			if withGrad {
				s.gR -= row.w * lT
				s.gAlpha -= row.w * e.rx * invT[row.iT]
			}
			continue
		}
		lTX := logT[row.iTX]
		sp, w4 := softplus(e.c4 + e.rx*(lT-lTX))
		s.ll += row.w * (rowLL + sp)
		if withGrad {
			iT, iTX := invT[row.iT], invT[row.iTX]
			s.gR -= row.w * (lT - w4*(lT-lTX))
			s.gAlpha -= row.w * e.rx * (iT - w4*(iT-iTX))
			s.sW4 += row.w * w4
			s.sW4InvB += row.w * w4 * e.invB
		}
	}
	return s
}

// fitNBD fits the model with the given shift (0 BG/NBD, 1 MBG/NBD), with
// opt.Penalty's L2 penalty, and judges whether the data identify it.
func fitNBD(ws []Weighted, shift float64, opt FitOptions) (nbd, FitResult, error) {
	p, err := newNBDProblem(ws, shift, opt.workers())
	if err != nil {
		return nbd{}, FitResult{}, err
	}
	if !(opt.Penalty >= 0) || math.IsInf(opt.Penalty, 1) {
		return nbd{}, FitResult{}, fmt.Errorf("%w: penalty %g", ErrInvalidData, opt.Penalty)
	}
	obj := penalised(p.evaluate, opt.Penalty, p.centre())
	theta, res, err := minimise(obj, startsWith(opt.Start, p.starts()), nbdParamNames, opt)
	res.Customers, res.Rows, res.Penalty = p.total, len(p.rows), opt.Penalty
	if err != nil {
		return nbd{}, res, err
	}
	m := nbd{r: math.Exp(theta[0]), alpha: math.Exp(theta[1]), a: math.Exp(theta[2]), b: math.Exp(theta[3]), shift: shift}
	res.LogLikelihood = -p.evaluate(theta, nil) * p.total
	assessFit(obj, theta, p.total, nbdParamNames, &res)
	return m, res, nil
}

// centre is the neutral point the penalty pulls towards, in
// log-parameters: r 1 and α the mean time between repeat purchases (a
// population buying at the observed rate, as different as an exponential
// distribution of rates makes them), a 1 and b 1 (a uniform dropout
// probability).
func (p *nbdProblem) centre() []float64 {
	var sumX, sumT float64
	for _, r := range p.rows {
		sumX += r.w * p.xs[r.x]
		sumT += r.w * p.times[r.iT]
	}
	return []float64{0, math.Log(sumT / sumX), 0, 0}
}
