package clv

import (
	"errors"
	"fmt"
	"math"
)

// Backtest is how one model did on a holdout period.
type Backtest struct {
	// Model is the model's name.
	Model string
	// Err is why the model could not be fitted; the other fields are then zero.
	Err error
	// LogLikelihood is the calibration log-likelihood.
	LogLikelihood float64
	// MAE and RMSE are the mean absolute and root-mean-square differences
	// between predicted and actual holdout purchases per customer.
	MAE, RMSE float64
	// Predicted and Actual are the holdout purchases of all customers.
	Predicted, Actual float64
	// TotalError is (Predicted − Actual)/Actual: the bias of the aggregate
	// forecast, negative for an under-forecast.
	TotalError float64
}

// Choice is the outcome of ChooseModel: both fits, both backtests, and the
// model to use.
type Choice struct {
	// Best is NameBGNBD or NameMBGNBD: see ChooseModelFrom for the rule.
	Best string
	// Z is the paired z-statistic of the per-customer squared holdout
	// errors, BG/NBD's minus MBG/NBD's, divided by its standard error:
	// positive when MBG/NBD predicted the holdout better. 0 when a model
	// failed to fit.
	Z float64
	// Reason says in a sentence why Best was chosen, for logs.
	Reason string
	// BGNBD and MBGNBD are the fitted models, zero if their fit failed.
	BGNBD  BGNBD
	MBGNBD MBGNBD
	// BGNBDFit and MBGNBDFit describe the fits: their penalty (the weight
	// to use again on the full history), standard errors and whether the
	// data identify them.
	BGNBDFit, MBGNBDFit FitResult
	// BGNBDTest and MBGNBDTest are their backtests. A model declined for
	// want of an identified fit has an Err wrapping ErrNotIdentified.
	BGNBDTest, MBGNBDTest Backtest
}

// Model returns the chosen model.
func (c Choice) Model() TransactionModel {
	if c.Best == NameMBGNBD {
		return c.MBGNBD
	}
	return c.BGNBD
}

// Prior is what the previous night decided, for ChooseModelFrom's
// stability rule.
type Prior struct {
	// Model is the model the targets used last night, NameBGNBD or
	// NameMBGNBD; "" when there was none.
	Model string
	// BGNBDStart and MBGNBDStart are last night's parameters (r, α, a, b),
	// tried first as starting points; nil for none.
	BGNBDStart, MBGNBDStart []float64
}

// SwitchZ is how significant the other model's holdout advantage must be,
// in standard errors of the paired difference, to replace last night's
// model. The test is repeated every night, so 2 — crossed by chance one
// night in 44 — would still swap the targets every few weeks; 3 is crossed
// by chance one night in 740.
const SwitchZ = 3

// ChooseModel is ChooseModelFrom with no previous night.
func ChooseModel(calib []Customer, holdoutActual []float64, horizon float64, opt FitOptions) (Choice, error) {
	return ChooseModelFrom(calib, holdoutActual, horizon, opt, Prior{})
}

// ChooseModelFrom fits BG/NBD and MBG/NBD to the calibration summaries and
// scores each on the holdout period that followed: holdoutActual[i] is the
// number of purchases customer i made in the holdout, horizon its length in
// the time unit of calib. Refit the chosen model on the full history (with
// the same penalty) before predicting. If only one model can be used, it is
// chosen and the other's Backtest.Err says why; if neither, the error joins
// both.
//
// The rule, in order:
//  1. Never a fit the data do not identify. Each model's plain
//     maximum-likelihood fit is used when identified; otherwise its
//     penalised fit with the best holdout RMSE among the identified and
//     sensible ones (see Penalties); otherwise the model is declined.
//  2. Stability: the list a marketing team works from must not swap from
//     one night to the next on noise. Last night's model (prior.Model) is
//     kept unless the other model's holdout root-mean-square error per
//     customer is significantly lower: Z ≥ SwitchZ in its favour.
//  3. With no previous night, the lower holdout RMSE if the difference is
//     significant (|Z| ≥ 2), else the higher calibration log-likelihood —
//     for two models with four parameters each, the AIC and BIC choice.
//
// Not MAE: the models predict a mean, which squared error rewards, while
// absolute error rewards the median — 0 for most customers — and so prefers
// whichever model forecasts lower. In simulations with heavy-tailed purchase
// rates, MAE chose MBG/NBD every time whichever model was true. MAE and the
// aggregate error are reported all the same. A likelihood difference alone
// never replaces last night's model: on a real hotel a difference of 2
// moved every one-visit guest's P(alive) from 0.955 to 0.001.
func ChooseModelFrom(calib []Customer, holdoutActual []float64, horizon float64, opt FitOptions, prior Prior) (Choice, error) {
	switch {
	case len(calib) != len(holdoutActual):
		return Choice{}, fmt.Errorf("clv: choose model: %w: %d customers but %d holdout counts", ErrInvalidData, len(calib), len(holdoutActual))
	case !(horizon > 0) || math.IsInf(horizon, 1):
		return Choice{}, fmt.Errorf("clv: choose model: %w: holdout horizon %g", ErrInvalidData, horizon)
	}
	for i, a := range holdoutActual {
		if !(a >= 0) || math.IsInf(a, 1) {
			return Choice{}, fmt.Errorf("clv: choose model: %w: holdout count %g of customer %d", ErrInvalidData, a, i)
		}
	}
	ws := Group(calib)
	var ch Choice
	o := opt
	o.Start = prior.BGNBDStart
	bg := fitForHoldout(ws, 0, calib, holdoutActual, horizon, o)
	if m, ok := bg.model.(BGNBD); ok && bg.test.Err == nil {
		ch.BGNBD = m
	}
	ch.BGNBDFit, ch.BGNBDTest = bg.res, bg.test
	o.Start = prior.MBGNBDStart
	mbg := fitForHoldout(ws, 1, calib, holdoutActual, horizon, o)
	if m, ok := mbg.model.(MBGNBD); ok && mbg.test.Err == nil {
		ch.MBGNBD = m
	}
	ch.MBGNBDFit, ch.MBGNBDTest = mbg.res, mbg.test

	bgTest, mbgTest := ch.BGNBDTest, ch.MBGNBDTest
	switch {
	case bgTest.Err != nil && mbgTest.Err != nil:
		return ch, fmt.Errorf("clv: choose model: %w", errors.Join(bgTest.Err, mbgTest.Err))
	case bgTest.Err != nil:
		ch.Best, ch.Reason = NameMBGNBD, "BG/NBD cannot be used: "+bgTest.Err.Error()
		return ch, nil
	case mbgTest.Err != nil:
		ch.Best, ch.Reason = NameBGNBD, "MBG/NBD cannot be used: "+mbgTest.Err.Error()
		return ch, nil
	}
	ch.Z = pairedZ(bg.pred, mbg.pred, holdoutActual)
	rmse := fmt.Sprintf("holdout RMSE %.4g (BG/NBD) vs %.4g (MBG/NBD), z = %.2f", bgTest.RMSE, mbgTest.RMSE, ch.Z)
	switch prior.Model {
	case NameBGNBD, NameMBGNBD:
		other, zOther := NameMBGNBD, ch.Z
		if prior.Model == NameMBGNBD {
			other, zOther = NameBGNBD, -ch.Z
		}
		if zOther >= SwitchZ {
			ch.Best = other
			ch.Reason = fmt.Sprintf("switched from last night's %s: %s predicted the holdout significantly better (%s ≥ %d)", prior.Model, other, rmse, SwitchZ)
		} else {
			ch.Best = prior.Model
			ch.Reason = fmt.Sprintf("kept last night's %s: %s does not predict the holdout significantly better (%s; a switch needs z ≥ %d in its favour)", prior.Model, other, rmse, SwitchZ)
		}
		return ch, nil
	}
	switch {
	case ch.Z >= 2:
		ch.Best = NameMBGNBD
	case ch.Z <= -2:
		ch.Best = NameBGNBD
	case mbgTest.LogLikelihood > bgTest.LogLikelihood:
		ch.Best = NameMBGNBD
	default:
		ch.Best = NameBGNBD
	}
	if math.Abs(ch.Z) >= 2 {
		ch.Reason = rmse + "; no earlier night to keep"
	} else {
		ch.Reason = fmt.Sprintf("%s: not distinguishable; calibration log-likelihood %.1f vs %.1f; no earlier night to keep",
			rmse, bgTest.LogLikelihood, mbgTest.LogLikelihood)
	}
	return ch, nil
}

// predictions returns m's expected holdout purchases per customer, or the
// fit's error if m did not fit, or the first prediction's error: a model
// that cannot predict is scored as one that did not fit.
func predictions(m TransactionModel, fitErr error, calib []Customer, horizon float64) ([]float64, error) {
	if fitErr != nil {
		return nil, fitErr
	}
	out := make([]float64, len(calib))
	for i, c := range calib {
		e, err := m.ExpectedTransactions(c, horizon)
		if err != nil {
			return nil, fmt.Errorf("clv: backtest of %s: customer %d: %w", m.Name(), i, err)
		}
		out[i] = e
	}
	return out, nil
}

// pairedZ is mean(d)/se(d) for d_i = (BG/NBD error)² − (MBG/NBD error)².
func pairedZ(bg, mbg, actual []float64) float64 {
	var sum, sumSq float64
	for i, a := range actual {
		e1, e2 := bg[i]-a, mbg[i]-a
		d := e1*e1 - e2*e2
		sum += d
		sumSq += d * d
	}
	n := float64(len(actual))
	mean := sum / n
	variance := (sumSq - n*mean*mean) / max(n-1, 1)
	if !(variance > 0) {
		return 0
	}
	return mean / math.Sqrt(variance/n)
}

// backtest scores one model's predictions against the holdout.
func backtest(name string, res FitResult, fitErr error, predicted, actual []float64) Backtest {
	b := Backtest{Model: name, Err: fitErr}
	if fitErr != nil {
		return b
	}
	b.LogLikelihood = res.LogLikelihood
	var absSum, sqSum float64
	for i, pred := range predicted {
		diff := pred - actual[i]
		absSum += math.Abs(diff)
		sqSum += diff * diff
		b.Predicted += pred
		b.Actual += actual[i]
	}
	n := float64(len(actual))
	b.MAE, b.RMSE = absSum/n, math.Sqrt(sqSum/n)
	if b.Actual > 0 {
		b.TotalError = (b.Predicted - b.Actual) / b.Actual
	}
	return b
}
