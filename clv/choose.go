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
	// Best is NameBGNBD or NameMBGNBD: see ChooseModel for the rule.
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
	// BGNBDTest and MBGNBDTest are their backtests.
	BGNBDTest, MBGNBDTest Backtest
}

// Model returns the chosen model.
func (c Choice) Model() TransactionModel {
	if c.Best == NameMBGNBD {
		return c.MBGNBD
	}
	return c.BGNBD
}

// ChooseModel fits BG/NBD and MBG/NBD to the calibration summaries and
// scores each on the holdout period that followed: holdoutActual[i] is the
// number of purchases customer i made in the holdout, horizon its length in
// the time unit of calib. Refit the chosen model on the full history before
// predicting. If only one model fits, it is chosen and the other's
// Backtest.Err says why; if neither does, the error joins both.
//
// Which model describes a business is an empirical question — MBG/NBD for
// many one-time buyers is folklore, not a law — so the choice is by
// backtest, not habit: the model with the lower holdout root-mean-square
// error per customer, if the difference is significant (|Z| ≥ 2). Holdout
// counts are noisy, and often it is not: then the calibration
// log-likelihood decides, which for two models with four parameters each is
// the AIC and BIC choice. Not MAE: the models predict a mean, which squared
// error rewards, while absolute error rewards the median — 0 for most
// customers — and so prefers whichever model forecasts lower. In
// simulations with heavy-tailed purchase rates, MAE chose MBG/NBD every time
// whichever model was true. MAE and the aggregate error are reported all the
// same.
func ChooseModel(calib []Customer, holdoutActual []float64, horizon float64, opt FitOptions) (Choice, error) {
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
	bg, res, err := FitBGNBD(ws, opt)
	ch.BGNBD = bg
	bgPred, err := predictions(bg, err, calib, horizon)
	ch.BGNBDTest = backtest(bg.Name(), res, err, bgPred, holdoutActual)
	mbg, res, err := FitMBGNBD(ws, opt)
	ch.MBGNBD = mbg
	mbgPred, err := predictions(mbg, err, calib, horizon)
	ch.MBGNBDTest = backtest(mbg.Name(), res, err, mbgPred, holdoutActual)

	bgTest, mbgTest := ch.BGNBDTest, ch.MBGNBDTest
	switch {
	case bgTest.Err != nil && mbgTest.Err != nil:
		return ch, fmt.Errorf("clv: choose model: %w", errors.Join(bgTest.Err, mbgTest.Err))
	case bgTest.Err != nil:
		ch.Best, ch.Reason = NameMBGNBD, "BG/NBD did not fit"
		return ch, nil
	case mbgTest.Err != nil:
		ch.Best, ch.Reason = NameBGNBD, "MBG/NBD did not fit"
		return ch, nil
	}
	ch.Z = pairedZ(bgPred, mbgPred, holdoutActual)
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
		ch.Reason = fmt.Sprintf("holdout RMSE %.4g (BG/NBD) vs %.4g (MBG/NBD), z = %.2f",
			bgTest.RMSE, mbgTest.RMSE, ch.Z)
	} else {
		ch.Reason = fmt.Sprintf("holdout RMSE %.4g (BG/NBD) vs %.4g (MBG/NBD) not distinguishable (z = %.2f); calibration log-likelihood %.1f vs %.1f",
			bgTest.RMSE, mbgTest.RMSE, ch.Z, bgTest.LogLikelihood, mbgTest.LogLikelihood)
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
