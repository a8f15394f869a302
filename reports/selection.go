package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/clv"
	"github.com/revisit-hotel/revisit/warehouse"
)

// Which model tonight's targets rest on. A marketing team works from the
// win-back list every morning; if it swaps wholesale from one night to the
// next it stops being trusted. So the rule has stability in it: tonight's
// targets use last night's model unless the backtest shows the other
// significantly better (clv.ChooseModelFrom), fits start from last night's
// parameters, and a fit the data do not identify is never used at all.

// priorNight is what the latest earlier analysis decided.
type priorNight struct {
	asOf   string               // YYYY-MM-DD, "" when there was none
	model  string               // bgnbd | mbgnbd | rhythm
	params map[string][]float64 // model → r, α, a, b
}

// loadPrior reads the latest analysis before the as-of day.
func loadPrior(ctx context.Context, wh *warehouse.Warehouse, asOf time.Time) (priorNight, error) {
	p := priorNight{params: map[string][]float64{}}
	s, err := wh.LatestAnalysisBefore(ctx, asOf)
	if errors.Is(err, warehouse.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("reports: last night's models: %w", err)
	}
	p.asOf, p.model = s.AsOf.Format(time.DateOnly), s.SelectedModel
	for _, f := range s.Fits {
		if f.Name != modelBGNBD && f.Name != modelMBGNBD || !f.Converged {
			continue
		}
		var params map[string]any
		if err := json.Unmarshal([]byte(f.Params), &params); err != nil {
			return p, fmt.Errorf("reports: last night's %s parameters: %w", f.Name, err)
		}
		var start []float64
		for _, k := range repeatParamNames {
			if v, ok := params[k].(float64); ok {
				start = append(start, v)
			}
		}
		if len(start) == len(repeatParamNames) {
			p.params[f.Name] = start
		}
	}
	return p, nil
}

// clvPrior is the prior in clv's terms.
func (p priorNight) clvPrior() clv.Prior {
	return clv.Prior{Model: clvName(p.model), BGNBDStart: p.params[modelBGNBD], MBGNBDStart: p.params[modelMBGNBD]}
}

// clvName maps a model name of the warehouse to clv's; "" for the rhythm.
func clvName(name string) string {
	switch name {
	case modelBGNBD:
		return clv.NameBGNBD
	case modelMBGNBD:
		return clv.NameMBGNBD
	}
	return ""
}

// fullFitOptions are the options of tonight's fit of name on the whole
// history: the penalty its backtest settled on, starting from last night's
// parameters.
func fullFitOptions(name string, choice *clv.Choice, prior priorNight) clv.FitOptions {
	opt := clv.FitOptions{Start: prior.params[name]}
	if choice == nil {
		return opt
	}
	switch name {
	case modelBGNBD:
		opt.Penalty = choice.BGNBDFit.Penalty
	case modelMBGNBD:
		opt.Penalty = choice.MBGNBDFit.Penalty
	}
	return opt
}

// fitTonight fits name on the whole history. The plain maximum-likelihood
// fit is used when the data identify it; otherwise the penalty its backtest
// settled on (the backtest found it sensible on the holdout), then the
// larger weights of clv.Penalties in turn, and the first identified fit is
// kept. If none is, the plain attempt is kept, and says why. A model the
// backtest declined keeps its plain fit, marked declined: it is reported,
// never used.
func fitTonight(name string, ws []clv.Weighted, choice *clv.Choice, prior priorNight) *repeatFit {
	opt := fullFitOptions(name, choice, prior)
	chosen := opt.Penalty
	opt.Penalty = 0
	plain := fitRepeat(name, ws, opt)
	if d := declined(name, choice); d != "" {
		plain.declined = d
		return plain
	}
	if plain.usable() ||
		errors.Is(plain.err, clv.ErrTooLittleData) || errors.Is(plain.err, clv.ErrInvalidData) {
		return plain
	}
	tried := map[float64]bool{0: true}
	for _, w := range append([]float64{chosen}, clv.Penalties...) {
		if w < chosen || tried[w] {
			continue
		}
		tried[w] = true
		o := opt
		o.Penalty = w
		if f := fitRepeat(name, ws, o); f.usable() {
			return f
		}
	}
	return plain
}

// declined says why the backtest declined name (no identified, sensible
// fit on the calibration period), or "".
func declined(name string, choice *clv.Choice) string {
	if choice == nil {
		return ""
	}
	t := choice.BGNBDTest
	if name == modelMBGNBD {
		t = choice.MBGNBDTest
	}
	if errors.Is(t.Err, clv.ErrNotIdentified) {
		return t.Err.Error()
	}
	return ""
}

// selectModel picks the model tonight's targets use: the backtest's
// choice, else last night's model, else BG/NBD, else MBG/NBD — the first
// whose fit tonight is identified and that the backtest did not decline —
// else the guests' own rhythm. message explains any departure from the
// backtest's choice.
func selectModel(fits map[string]*repeatFit, bt BacktestReport, choice *clv.Choice, prior priorNight) (name, message string) {
	var why []string
	tried := map[string]bool{}
	for _, n := range []string{bt.Selected, prior.model, modelBGNBD, modelMBGNBD} {
		f := fits[n]
		if f == nil || tried[n] {
			continue
		}
		tried[n] = true
		switch {
		case !f.usable():
			why = append(why, fmt.Sprintf("%s not used: %s", clvName(n), f.why()))
		default:
			if n != bt.Selected && len(why) > 0 {
				return n, strings.Join(why, "; ") + "; targets use " + clvName(n)
			}
			return n, ""
		}
	}
	return modelRhythm, "no lifetime model fits the data well enough to target with: targets use each guest's own rhythm only (" + strings.Join(why, "; ") + ")"
}
