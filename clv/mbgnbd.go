package clv

import "fmt"

// MBGNBD is a fitted modified BG/NBD model (Batislam, Denizel & Filiztekin
// 2007): as BGNBD, but a customer may also drop out right after the first
// purchase, so one-time buyers (X = 0) get P(alive) below 1 — b/(a+b) for a
// customer just acquired — instead of BG/NBD's certain 1. Parameters and
// units are those of BGNBD.
type MBGNBD struct {
	R, Alpha, A, B float64
}

func (m MBGNBD) core() nbd { return nbd{r: m.R, alpha: m.Alpha, a: m.A, b: m.B, shift: 1} }

// Name returns NameMBGNBD.
func (MBGNBD) Name() string { return NameMBGNBD }

// String formats the parameters for logs and test output.
func (m MBGNBD) String() string {
	return fmt.Sprintf("MBG/NBD{r %.4g, α %.4g, a %.4g, b %.4g}", m.R, m.Alpha, m.A, m.B)
}

// Validate returns an error wrapping ErrInvalidData unless every parameter
// is finite and positive.
func (m MBGNBD) Validate() error { return m.core().validate() }

// LogLikelihood returns Σ W·ln L(X, TX, T) over ws, or −Inf if m or a row is
// invalid or the sum leaves the float64 range; never NaN.
func (m MBGNBD) LogLikelihood(ws []Weighted) float64 { return m.core().logLikelihood(ws) }

// PAlive returns P(c is active at T): 1/(1 + a/(b+x)·((α+T)/(α+t_x))^(r+x)),
// below 1 for every customer. The error wraps ErrInvalidData if m or c is invalid.
func (m MBGNBD) PAlive(c Customer) (float64, error) { return m.core().pAlive(c) }

// ExpectedTransactions returns the expected number of purchases of c in
// (T, T+t], t in the fitting time unit. Errors as for
// BGNBD.ExpectedTransactions.
func (m MBGNBD) ExpectedTransactions(c Customer, t float64) (float64, error) {
	return m.core().expected(c, t)
}

func (m MBGNBD) expectedCurve(c Customer, ts, out []float64) error {
	return m.core().expectedCurve(c, ts, out)
}

// ExpectedForNewCustomer returns E[X(t)], the expected number of repeat
// purchases in (0, t] of a customer who first bought at time 0:
// b/(a−1)·[1 − (α/(α+t))^r · 2F1(r, b+1; a+b; t/(α+t))]. Errors as for
// BGNBD.ExpectedTransactions.
func (m MBGNBD) ExpectedForNewCustomer(t float64) (float64, error) { return m.core().expectedNew(t) }

// FitMBGNBD fits MBG/NBD to ws by maximum likelihood; see FitBGNBD.
func FitMBGNBD(ws []Weighted, opt FitOptions) (MBGNBD, FitResult, error) {
	p, res, err := fitNBD(ws, 1, opt)
	if err != nil {
		return MBGNBD{}, res, fmt.Errorf("clv: fit MBG/NBD: %w", err)
	}
	return MBGNBD{R: p.r, Alpha: p.alpha, A: p.a, B: p.b}, res, nil
}
