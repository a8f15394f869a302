package reports

import (
	"fmt"
	"math"

	"github.com/revisit-hotel/revisit/clv"
	"github.com/revisit-hotel/revisit/warehouse"
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

// fitted is what every fit has: its parameters and likelihood, how well
// the data determine them, or why it failed.
type fitted struct {
	params map[string]float64
	names  []string // the keys of params in the model's order, as FitResult.StdErr has them
	ll     float64
	res    clv.FitResult
	err    error
	// declined is why the backtest declined the model (no identified,
	// sensible fit on the calibration period), or "".
	declined string
}

// usable reports whether targets may rest on the fit: it worked and the
// data identify it.
func (f fitted) usable() bool { return f.err == nil && f.res.Identified && f.declined == "" }

// why says in words how well the data determine the fit, or why it failed.
func (f fitted) why() string {
	if f.declined != "" {
		return "declined by the backtest: " + f.declined
	}
	if f.res.Why != "" {
		return f.res.Why
	}
	if f.err != nil {
		return f.err.Error()
	}
	return ""
}

// reportWith adds the fit's parameters, likelihood and health — converged,
// standard errors, identified, why and the penalty — or its error, to the
// model's entry of analyze --json's "models".
func (f fitted) reportWith(out map[string]any) map[string]any {
	ses := map[string]float64{}
	for i, se := range f.res.StdErr {
		if i < len(f.names) && !math.IsNaN(se) && !math.IsInf(se, 0) {
			ses[f.names[i]] = se
		}
	}
	out["converged"] = f.res.Converged
	out["standard_errors"] = ses
	out["identified"] = f.usable()
	out["why"] = f.why()
	out["penalty"] = f.res.Penalty
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

// modelFit is the fit's row of model_fits; its params JSON is the report,
// health included.
func (f fitted) modelFit(name string, report map[string]any) warehouse.ModelFit {
	params, _ := jsonString(report)
	mf := warehouse.ModelFit{Name: name, Params: params, Converged: f.err == nil, Message: f.why()}
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

// repeatParamNames are the repeat models' parameters as analyze --json and
// model_fits name them, in clv's order.
var repeatParamNames = []string{"r", "alpha", "a", "b"}

// fitRepeat fits the named repeat model on grouped (x, tx, T) triples with
// opt's penalty and starting point.
func fitRepeat(name string, ws []clv.Weighted, opt clv.FitOptions) *repeatFit {
	var (
		m      clv.TransactionModel
		r      clv.FitResult
		err    error
		params [4]float64
	)
	switch name {
	case modelBGNBD:
		var bg clv.BGNBD
		bg, r, err = clv.FitBGNBD(ws, opt)
		m, params = bg, [4]float64{bg.R, bg.Alpha, bg.A, bg.B}
	case modelMBGNBD:
		var mbg clv.MBGNBD
		mbg, r, err = clv.FitMBGNBD(ws, opt)
		m, params = mbg, [4]float64{mbg.R, mbg.Alpha, mbg.A, mbg.B}
	default:
		return &repeatFit{name: name, fitted: fitted{err: fmt.Errorf("unknown model %q", name)}}
	}
	return &repeatFit{
		name: name,
		fitted: fitted{
			params: map[string]float64{"r": params[0], "alpha": params[1], "a": params[2], "b": params[3]},
			names:  repeatParamNames,
			ll:     r.LogLikelihood, res: r, err: err,
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
		fitted: fitted{params: map[string]float64{"p": g.P, "q": g.Q, "gamma": g.Gamma}, names: []string{"p", "q", "gamma"},
			ll: r.LogLikelihood, res: r, err: err},
		expectedSpend: g.ExpectedSpend,
	}
}

func (f *spendFit) report() map[string]any {
	return f.reportWith(map[string]any{"name": modelGG, "currency": "fen"})
}

func (f *spendFit) modelFit() warehouse.ModelFit { return f.fitted.modelFit(modelGG, f.report()) }
