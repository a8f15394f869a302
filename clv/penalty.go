package clv

import (
	"errors"
	"fmt"
	"math"
)

// Penalties is the grid of L2 weights (FitOptions.Penalty) a backtest
// tries, after the unpenalised fit, when that fit is not identified. The
// weights add to a per-customer mean, so each acts like a prior whose pull
// grows with the number of customers: 1e-5 barely moves a fit of 10,000
// guests, 1e-2 holds every parameter within a few per cent of the neutral
// point. The holdout decides between them.
var Penalties = []float64{1e-5, 1e-4, 1e-3, 1e-2}

// ErrNotIdentified marks a model declined because no fit of it — plain or
// penalised — was both identified by the data and sensible on the holdout.
var ErrNotIdentified = errors.New("fit not identified")

// maxTotalError is how far a penalised fit's forecast of all holdout
// purchases may miss the actual total (relatively) and still count as
// sensible: a penalty strong enough to pin the parameters can also pin
// them somewhere that forecasts half or twice what happened, and such a
// list is no use to anyone.
const maxTotalError = 0.5

// modelFit is one model's chosen fit on the calibration period and its
// holdout backtest.
type modelFit struct {
	model TransactionModel
	res   FitResult
	pred  []float64
	test  Backtest
}

// fitForHoldout fits the model (shift 0 BG/NBD, 1 MBG/NBD) and scores it on
// the holdout. The plain maximum-likelihood fit is kept when the data
// identify it (so a well-determined fit is the published one, exactly).
// Otherwise the weights of Penalties are tried from the weakest, and the
// identified, sensible fit with the lowest holdout RMSE is kept (the search
// stops once the error rises again); if there is none, the model is
// declined: the Backtest's Err wraps ErrNotIdentified and says why.
func fitForHoldout(ws []Weighted, shift float64, calib []Customer, holdout []float64, horizon float64, opt FitOptions) modelFit {
	name := NameBGNBD
	if shift == 1 {
		name = NameMBGNBD
	}
	fit := func(penalty float64) modelFit {
		o := opt
		o.Penalty = penalty
		m, res, err := fitModel(ws, shift, o)
		pred, err := predictions(m, err, calib, horizon)
		return modelFit{model: m, res: res, pred: pred, test: backtest(name, res, err, pred, holdout)}
	}
	plain := fit(0)
	switch {
	case plain.test.Err == nil && plain.res.Identified:
		return plain
	case errors.Is(plain.test.Err, ErrInvalidData), errors.Is(plain.test.Err, ErrTooLittleData):
		return plain // no penalty adds data
	}
	var best *modelFit
	for _, w := range Penalties {
		f := fit(w)
		if f.test.Err != nil || !f.res.Identified || math.Abs(f.test.TotalError) > maxTotalError {
			continue
		}
		if best != nil && f.test.RMSE > best.test.RMSE {
			break // past the lowest holdout error: stronger shrinkage only moves further from the data
		}
		best = &f
	}
	if best != nil {
		return *best
	}
	why := plain.res.Why
	if why == "" && plain.test.Err != nil {
		why = plain.test.Err.Error()
	}
	plain.test.Err = fmt.Errorf("clv: fit %s: %w: %s, and no penalty up to %g gave an identified fit forecasting the holdout within %.0f %%",
		name, ErrNotIdentified, why, Penalties[len(Penalties)-1], 100*maxTotalError)
	plain.pred = nil
	return plain
}

// fitModel fits BG/NBD (shift 0) or MBG/NBD (shift 1).
func fitModel(ws []Weighted, shift float64, opt FitOptions) (TransactionModel, FitResult, error) {
	if shift == 1 {
		return FitMBGNBD(ws, opt)
	}
	return FitBGNBD(ws, opt)
}
