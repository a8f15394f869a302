package clv

import (
	"math"
	"slices"
)

// optResult is where an optimiser stopped.
type optResult struct {
	theta                   []float64
	f                       float64
	iterations, evaluations int
	converged               bool
}

// maxStep caps a BFGS step at 5 in every log-parameter (a factor of e⁵):
// the first steps are taken before the Hessian estimate means anything.
const maxStep = 5.0

// bfgs minimises obj from x0 by BFGS with a strong-Wolfe line search. It
// converges when the largest gradient component is at most gtol — or at most
// stalledFactor·gtol when rounding stops all progress first, which on a
// per-customer mean of a million terms can happen a little above 1e-9.
func bfgs(obj objectiveFunc, x0 []float64, maxIter int, gtol float64) optResult {
	n := len(x0)
	x := slices.Clone(x0)
	g := make([]float64, n)
	f := obj(x, g)
	res := optResult{theta: x, f: f, evaluations: 1}
	if !finite(f) {
		return res
	}
	h := identity(n) // inverse Hessian estimate
	p := make([]float64, n)
	s := make([]float64, n)
	y := make([]float64, n)
	scaled, stalled := false, false
	for res.iterations < maxIter && !stalled {
		if normInf(g) <= gtol {
			break
		}
		matVec(h, g, p)
		for i := range p {
			p[i] = -p[i]
		}
		if dot(p, g) >= 0 { // not a descent direction: restart from steepest descent
			h = identity(n)
			for i := range p {
				p[i] = -g[i]
			}
		}
		stepMax := maxStep / normInf(p)
		step, fNew, gNew, evals, ok := wolfeSearch(obj, x, f, g, p, math.Min(1, stepMax), stepMax)
		res.evaluations += evals
		res.iterations++
		if !ok {
			// No acceptable step along p: restart from steepest descent
			// once; stop if that fails too.
			stalled = isIdentity(h)
			h = identity(n)
			continue
		}
		for i := range x {
			s[i] = step * p[i]
			y[i] = gNew[i] - g[i]
			x[i] += s[i]
		}
		fPrev := f
		f = fNew
		copy(g, gNew)
		sy := dot(s, y)
		if sy > 1e-12*math.Sqrt(dot(s, s)*dot(y, y)) {
			if !scaled { // Nocedal & Wright (6.20): scale before the first update
				gamma := sy / dot(y, y)
				for i := range h {
					h[i][i] = gamma
				}
				scaled = true
			}
			bfgsUpdate(h, s, y, sy)
		}
		stalled = fPrev-f <= 1e-16*math.Abs(f) && normInf(s) < 1e-12
	}
	res.f = f
	gn := normInf(g)
	res.converged = gn <= gtol || (stalled && gn <= stalledFactor*gtol)
	return res
}

// stalledFactor is how far above the tolerance a gradient may stay when
// rounding, not the optimiser, stops progress. At 1e-6 the parameters are
// within about 0.1 % of the optimum, far inside their standard errors.
const stalledFactor = 1000

// bfgsUpdate applies H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, ρ = 1/(yᵀs).
func bfgsUpdate(h [][]float64, s, y []float64, sy float64) {
	n := len(s)
	rho := 1 / sy
	hy := make([]float64, n)
	matVec(h, y, hy)
	yhy := dot(y, hy)
	for i := range n {
		for j := range n {
			h[i][j] += -rho*(s[i]*hy[j]+hy[i]*s[j]) + (rho*rho*yhy+rho)*s[i]*s[j]
		}
	}
}

// wolfeSearch finds a step along p satisfying the strong Wolfe conditions
// (Nocedal & Wright, algorithms 3.5 and 3.6). Near the optimum, decreases of
// the objective drown in rounding long before the gradient is small; there
// it accepts Hager & Zhang's approximate Wolfe conditions, which trust the
// slope rather than the value, so BFGS can drive the gradient further down.
// An objective of +Inf counts as no decrease, so the search backs off from
// the edge of the domain. ok is false when no acceptable step was found.
func wolfeSearch(obj objectiveFunc, x []float64, f0 float64, g0, p []float64, step, stepMax float64) (float64, float64, []float64, int, bool) {
	const c1, c2 = 1e-4, 0.9
	d0 := dot(g0, p)
	noise := 1e-13 * (1 + math.Abs(f0))
	n := len(x)
	xt := make([]float64, n)
	gt := make([]float64, n)
	evals := 0
	type point struct{ a, f, d float64 }
	eval := func(a float64) point {
		for i := range x {
			xt[i] = x[i] + a*p[i]
		}
		f := obj(xt, gt)
		evals++
		if !finite(f) {
			return point{a, math.Inf(1), 0}
		}
		return point{a, f, dot(gt, p)}
	}
	inNoise := func(pt point) bool { return math.Abs(pt.f-f0) <= noise }
	acceptable := func(pt point) bool {
		strong := pt.f <= f0+c1*pt.a*d0 && math.Abs(pt.d) <= -c2*d0
		approx := inNoise(pt) && pt.d >= c2*d0 && pt.d <= -(1-2*0.1)*d0
		return strong || approx
	}
	done := func(pt point) (float64, float64, []float64, int, bool) {
		return pt.a, pt.f, slices.Clone(gt), evals, true
	}
	zoom := func(lo, hi point) (float64, float64, []float64, int, bool) {
		for range 50 {
			a := (lo.a + hi.a) / 2
			if finite(hi.f) && !inNoise(hi) { // minimiser of the quadratic through lo (value, slope) and hi
				den := 2 * (hi.f - lo.f - lo.d*(hi.a-lo.a))
				if den > 0 {
					q := lo.a - lo.d*(hi.a-lo.a)*(hi.a-lo.a)/den
					lowEnd, highEnd := math.Min(lo.a, hi.a), math.Max(lo.a, hi.a)
					margin := 0.1 * (highEnd - lowEnd)
					if q > lowEnd+margin && q < highEnd-margin {
						a = q
					}
				}
			}
			pt := eval(a)
			if acceptable(pt) {
				return done(pt)
			}
			switch {
			case finite(pt.f) && inNoise(pt): // values say nothing: follow the slope
				if pt.d*(hi.a-lo.a) >= 0 {
					hi = pt
				} else {
					lo = pt
				}
			case pt.f > f0+c1*a*d0 || pt.f >= lo.f:
				hi = pt
			default:
				if pt.d*(hi.a-lo.a) >= 0 {
					hi = lo
				}
				lo = pt
			}
			if math.Abs(hi.a-lo.a) <= 1e-14*math.Max(1, lo.a) {
				break
			}
		}
		return 0, f0, nil, evals, false
	}
	prev := point{0, f0, d0}
	a := step
	for i := 0; i < 50; i++ {
		pt := eval(a)
		if acceptable(pt) {
			return done(pt)
		}
		if finite(pt.f) && inNoise(pt) {
			if pt.d >= 0 {
				return zoom(prev, pt)
			}
		} else if pt.f > f0+c1*a*d0 || (i > 0 && pt.f >= prev.f) {
			return zoom(prev, pt)
		}
		if pt.d >= 0 {
			return zoom(pt, prev)
		}
		if a >= stepMax { // the largest step allowed still goes downhill: take it
			return done(pt)
		}
		prev = pt
		a = math.Min(2*a, stepMax)
	}
	return 0, f0, nil, evals, false
}

// nelderMead minimises obj from x0 with the adaptive Nelder–Mead simplex of
// Gao & Han (2012). It converges when the simplex values agree within ftol
// (relative) and its vertices within 1e-8.
func nelderMead(obj objectiveFunc, x0 []float64, maxIter int, ftol float64) optResult {
	n := len(x0)
	nf := float64(n)
	alpha, beta, gamma, delta := 1.0, 1+2/nf, 0.75-1/(2*nf), 1-1/nf
	res := optResult{}
	eval := func(x []float64) float64 {
		res.evaluations++
		f := obj(x, nil)
		if !finite(f) {
			return math.Inf(1)
		}
		return f
	}
	simplex := make([][]float64, n+1)
	values := make([]float64, n+1)
	for i := range simplex {
		simplex[i] = slices.Clone(x0)
		if i > 0 {
			simplex[i][i-1] += 0.5
		}
		values[i] = eval(simplex[i])
	}
	order := make([]int, n+1)
	centroid := make([]float64, n)
	trial := func(from []float64, coef float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = centroid[i] + coef*(from[i]-centroid[i])
		}
		return out
	}
	for res.iterations < maxIter {
		res.iterations++
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int { return cmpFloat(values[i], values[j]) })
		simplex, values = permute(simplex, order), permuteF(values, order)
		if simplexConverged(simplex, values, ftol) {
			res.converged = true
			break
		}
		for i := range centroid {
			centroid[i] = 0
			for _, v := range simplex[:n] {
				centroid[i] += v[i] / nf
			}
		}
		worst := simplex[n]
		xr := trial(worst, -alpha)
		fr := eval(xr)
		switch {
		case fr < values[0]:
			xe := trial(worst, -alpha*beta)
			if fe := eval(xe); fe < fr {
				simplex[n], values[n] = xe, fe
			} else {
				simplex[n], values[n] = xr, fr
			}
		case fr < values[n-1]:
			simplex[n], values[n] = xr, fr
		default:
			var xc []float64
			if fr < values[n] {
				xc = trial(worst, -alpha*gamma) // outside contraction
			} else {
				xc = trial(worst, gamma) // inside contraction
			}
			if fc := eval(xc); fc < math.Min(fr, values[n]) {
				simplex[n], values[n] = xc, fc
				continue
			}
			for i := 1; i <= n; i++ { // shrink towards the best vertex
				for j := range simplex[i] {
					simplex[i][j] = simplex[0][j] + delta*(simplex[i][j]-simplex[0][j])
				}
				values[i] = eval(simplex[i])
			}
		}
	}
	best := 0
	for i := range values {
		if values[i] < values[best] {
			best = i
		}
	}
	res.theta, res.f = simplex[best], values[best]
	return res
}

func simplexConverged(simplex [][]float64, values []float64, ftol float64) bool {
	if !finite(values[0]) {
		return false
	}
	for i := 1; i < len(values); i++ {
		if math.Abs(values[i]-values[0]) > ftol*(1+math.Abs(values[0])) {
			return false
		}
		for j := range simplex[i] {
			if math.Abs(simplex[i][j]-simplex[0][j]) > 1e-8 {
				return false
			}
		}
	}
	return true
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func permute(v [][]float64, order []int) [][]float64 {
	out := make([][]float64, len(v))
	for i, j := range order {
		out[i] = v[j]
	}
	return out
}

func permuteF(v []float64, order []int) []float64 {
	out := make([]float64, len(v))
	for i, j := range order {
		out[i] = v[j]
	}
	return out
}

func identity(n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		m[i][i] = 1
	}
	return m
}

func isIdentity(m [][]float64) bool {
	for i := range m {
		for j := range m[i] {
			want := 0.0
			if i == j {
				want = 1
			}
			if m[i][j] != want {
				return false
			}
		}
	}
	return true
}

func matVec(m [][]float64, v, out []float64) {
	for i := range m {
		out[i] = dot(m[i], v)
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func normInf(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
