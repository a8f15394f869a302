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
	fitted
	name     string
	pAlive   func(c customer) (float64, error)
	expected func(c customer, days float64) (float64, error)
}

// fitted is what every fit has: its parameters and likelihood, or why it
// failed.
type fitted struct {
	params map[string]float64
	ll     float64
	err    error
}

// reportWith adds the fit's parameters and likelihood, or its error, to the
// model's entry of analyze --json's "models".
func (f fitted) reportWith(out map[string]any) map[string]any {
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

// modelFit is the fit's row of model_fits.
func (f fitted) modelFit(name string, report map[string]any) warehouse.ModelFit {
	params, _ := jsonString(report)
	mf := warehouse.ModelFit{Name: name, Params: params, Converged: f.err == nil, Message: "ok"}
	if f.err != nil {
		mf.Message = f.err.Error()
	} else {
		mf.LogLikelihood = finite(f.ll)
	}
	return mf
}

func (c customer) clv() clv.Customer { return clv.Customer{X: c.x, TX: c.tx, T: c.t} }

// groupCustomers turns guests into the grouped triples the models fit on.
func groupCustomers(cs []customer) []clv.Weighted {
	in := make([]clv.Customer, len(cs))
	for i, c := range cs {
		in[i] = c.clv()
	}
	return clv.Group(in)
}

// fitRepeat fits the named repeat model on grouped (x, tx, T) triples.
func fitRepeat(name string, ws []clv.Weighted) *repeatFit {
	var (
		m      clv.TransactionModel
		r      clv.FitResult
		err    error
		params [4]float64
	)
	switch name {
	case modelBGNBD:
		var bg clv.BGNBD
		bg, r, err = clv.FitBGNBD(ws, clv.FitOptions{})
		m, params = bg, [4]float64{bg.R, bg.Alpha, bg.A, bg.B}
	case modelMBGNBD:
		var mbg clv.MBGNBD
		mbg, r, err = clv.FitMBGNBD(ws, clv.FitOptions{})
		m, params = mbg, [4]float64{mbg.R, mbg.Alpha, mbg.A, mbg.B}
	default:
		return &repeatFit{name: name, fitted: fitted{err: fmt.Errorf("unknown model %q", name)}}
	}
	return &repeatFit{
		name: name,
		fitted: fitted{
			params: map[string]float64{"r": params[0], "alpha": params[1], "a": params[2], "b": params[3]},
			ll:     r.LogLikelihood, err: err,
		},
		pAlive:   func(c customer) (float64, error) { return m.PAlive(c.clv()) },
		expected: func(c customer, t float64) (float64, error) { return m.ExpectedTransactions(c.clv(), t) },
	}
}

// report is the model's entry in analyze --json's "models".
func (f *repeatFit) report() map[string]any {
	return f.reportWith(map[string]any{"name": f.name, "time_unit": "day"})
}

func (f *repeatFit) modelFit() warehouse.ModelFit { return f.fitted.modelFit(f.name, f.report()) }

// spendFit is a fitted Gamma-Gamma spend model (money in fen).
type spendFit struct {
	fitted
	expectedSpend func(x, meanSpend float64) (float64, error)
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
		fitted:        fitted{params: map[string]float64{"p": g.P, "q": g.Q, "gamma": g.Gamma}, ll: r.LogLikelihood, err: err},
		expectedSpend: g.ExpectedSpend,
	}
}

func (f *spendFit) report() map[string]any {
	return f.reportWith(map[string]any{"name": modelGG, "currency": "fen"})
}

func (f *spendFit) modelFit() warehouse.ModelFit { return f.fitted.modelFit(modelGG, f.report()) }
