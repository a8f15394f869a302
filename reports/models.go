package reports

import (
	"fmt"

	"revisit/clv"
	"revisit/warehouse"
)

// Model names, as analyze --json and the model_fits table give them.
const (
	modelBGNBD  = "bgnbd"
	modelMBGNBD = "mbgnbd"
	modelGG     = "gamma_gamma"
	modelRhythm = "rhythm" // no model fitted: targets rest on each guest's rhythm
)

// repeatFit is a fitted BG/NBD or MBG/NBD model (time unit: days), or the
// reason it could not be fitted.
type repeatFit struct {
	name     string
	params   map[string]float64
	ll       float64
	pAlive   func(c customer) float64
	expected func(c customer, days float64) float64
	err      error
}

func (c customer) clv() clv.Customer { return clv.Customer{X: c.x, TX: c.tx, T: c.t} }

// fitRepeat fits the named repeat model on grouped (x, tx, T) triples.
func fitRepeat(name string, cs []customer) *repeatFit {
	in := make([]clv.Customer, len(cs))
	for i, c := range cs {
		in[i] = c.clv()
	}
	ws := clv.Group(in)
	f := &repeatFit{name: name}
	switch name {
	case modelBGNBD:
		m, r, err := clv.FitBGNBD(ws, clv.FitOptions{})
		f.err, f.ll = err, r.LogLikelihood
		f.params = map[string]float64{"r": m.R, "alpha": m.Alpha, "a": m.A, "b": m.B}
		f.pAlive = func(c customer) float64 { return m.PAlive(c.clv()) }
		f.expected = func(c customer, t float64) float64 { return m.ExpectedTransactions(c.clv(), t) }
	case modelMBGNBD:
		m, r, err := clv.FitMBGNBD(ws, clv.FitOptions{})
		f.err, f.ll = err, r.LogLikelihood
		f.params = map[string]float64{"r": m.R, "alpha": m.Alpha, "a": m.A, "b": m.B}
		f.pAlive = func(c customer) float64 { return m.PAlive(c.clv()) }
		f.expected = func(c customer, t float64) float64 { return m.ExpectedTransactions(c.clv(), t) }
	default:
		f.err = fmt.Errorf("unknown model %q", name)
	}
	return f
}

// report is the model's entry in analyze --json's "models".
func (f *repeatFit) report() map[string]any {
	out := map[string]any{"name": f.name, "time_unit": "day"}
	if f.err != nil {
		out["error"] = f.err.Error()
		return out
	}
	for k, v := range f.params {
		out[k] = v
	}
	out["log_likelihood"] = f.ll
	return out
}

func (f *repeatFit) modelFit() warehouse.ModelFit {
	return modelFitOf(f.name, f.report(), f.ll, f.err)
}

// spendFit is a fitted Gamma-Gamma spend model (money in fen).
type spendFit struct {
	params        map[string]float64
	ll            float64
	expectedSpend func(x, meanSpend float64) float64
	err           error
}

// fitSpend fits Gamma-Gamma on the repeat guests' mean repeat-visit spend.
func fitSpend(guests []warehouse.GuestSummary) *spendFit {
	var xs, means []float64
	for i := range guests {
		g := &guests[i]
		if x := g.Visits - 1; x > 0 && g.RepeatSpendCents > 0 {
			xs = append(xs, float64(x))
			means = append(means, float64(g.RepeatSpendCents)/float64(x))
		}
	}
	g, r, err := clv.FitGammaGamma(xs, means, clv.FitOptions{})
	return &spendFit{
		params:        map[string]float64{"p": g.P, "q": g.Q, "gamma": g.Gamma},
		ll:            r.LogLikelihood,
		expectedSpend: g.ExpectedSpend,
		err:           err,
	}
}

func (f *spendFit) report() map[string]any {
	out := map[string]any{"name": modelGG, "currency": "fen"}
	if f.err != nil {
		out["error"] = f.err.Error()
		return out
	}
	for k, v := range f.params {
		out[k] = v
	}
	out["log_likelihood"] = f.ll
	return out
}

func (f *spendFit) modelFit() warehouse.ModelFit {
	return modelFitOf(modelGG, f.report(), f.ll, f.err)
}

func modelFitOf(name string, report map[string]any, ll float64, err error) warehouse.ModelFit {
	params, _ := jsonString(report)
	mf := warehouse.ModelFit{Name: name, Params: params, Converged: err == nil, Message: "ok"}
	if err != nil {
		mf.Message = err.Error()
	} else {
		mf.LogLikelihood = finite(ll)
	}
	return mf
}
