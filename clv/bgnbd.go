package clv

import "fmt"

// TransactionModel is what CLV and ChooseModel need of a purchase-count
// model; BGNBD and MBGNBD implement it.
type TransactionModel interface {
	// Name is the model's conventional name, "BG/NBD" or "MBG/NBD".
	Name() string
	// PAlive is the probability that c is still an active customer at T.
	// The error wraps ErrInvalidData for an invalid model or customer.
	PAlive(c Customer) (float64, error)
	// ExpectedTransactions is the expected number of purchases of c in
	// (T, T+t]. The error wraps ErrInvalidData for invalid input and
	// ErrNotComputable for a value that could not be computed; it names
	// the model, the customer and the horizon. Never a silent NaN or 0.
	ExpectedTransactions(c Customer, t float64) (float64, error)
}

// Model names, as Name returns them and Choice.Best holds them.
const (
	NameBGNBD  = "BG/NBD"
	NameMBGNBD = "MBG/NBD"
)

// BGNBD is a fitted beta-geometric/negative-binomial model (Fader, Hardie &
// Lee 2005): purchase rates λ ~ Gamma(R, Alpha) while active; after each
// repeat purchase a customer drops out with probability p ~ Beta(A, B).
// Alpha is a time scale in the unit of the data it was fitted on (CDNOW:
// 4.414 in weeks, 30.90 in days); R, A and B have no unit. A customer with no
// repeat purchase has never had a chance to drop out, so BG/NBD holds them
// certainly alive: use MBGNBD where one-time buyers are common.
type BGNBD struct {
	R, Alpha, A, B float64
}

func (m BGNBD) core() nbd { return nbd{r: m.R, alpha: m.Alpha, a: m.A, b: m.B} }

// Name returns NameBGNBD.
func (BGNBD) Name() string { return NameBGNBD }

// String formats the parameters for logs and test output.
func (m BGNBD) String() string {
	return fmt.Sprintf("BG/NBD{r %.4g, α %.4g, a %.4g, b %.4g}", m.R, m.Alpha, m.A, m.B)
}

// Validate returns an error wrapping ErrInvalidData unless every parameter
// is finite and positive.
func (m BGNBD) Validate() error { return m.core().validate() }

// LogLikelihood returns Σ W·ln L(X, TX, T) over ws, L being Fader, Hardie &
// Lee's individual likelihood with λ and p integrated out, or −Inf if m or a
// row is invalid or the sum leaves the float64 range; never NaN.
func (m BGNBD) LogLikelihood(ws []Weighted) float64 { return m.core().logLikelihood(ws) }

// PAlive returns P(c is active at T): 1/(1 + a/(b+x−1)·((α+T)/(α+t_x))^(r+x))
// for x > 0, exactly 1 when c.X is 0. The error wraps ErrInvalidData if m or c is invalid.
func (m BGNBD) PAlive(c Customer) (float64, error) { return m.core().pAlive(c) }

// ExpectedTransactions returns the expected number of purchases of c in
// (T, T+t], t in the fitting time unit: Fader, Hardie & Lee's conditional
// expectation, P(alive) times (a+b+x−1)/(a−1)·[1 − ((α+T)/(α+T+t))^(r+x) ·
// 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))], computed without its 0/0 at a = 1
// and to about 1e-10 relative wherever a fit can land. The error wraps
// ErrInvalidData if m or c is invalid or t is negative or infinite, and
// ErrNotComputable if no method could vouch for the value.
func (m BGNBD) ExpectedTransactions(c Customer, t float64) (float64, error) {
	return m.core().expected(c, t)
}

func (m BGNBD) expectedCurve(c Customer, ts, out []float64) error {
	return m.core().expectedCurve(c, ts, out)
}

// ExpectedForNewCustomer returns E[X(t)], the expected number of repeat
// purchases in (0, t] of a customer who first bought at time 0:
// (a+b−1)/(a−1)·[1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]. Summed over a
// cohort's ages it is the cumulative repeat-sales forecast. Errors as for
// ExpectedTransactions.
func (m BGNBD) ExpectedForNewCustomer(t float64) (float64, error) { return m.core().expectedNew(t) }

// FitBGNBD fits BG/NBD to ws by maximum likelihood. The FitResult describes
// the search even when the error is not nil; the error wraps ErrInvalidData,
// ErrTooLittleData or ErrNotConverged.
func FitBGNBD(ws []Weighted, opt FitOptions) (BGNBD, FitResult, error) {
	p, res, err := fitNBD(ws, 0, opt)
	if err != nil {
		return BGNBD{}, res, fmt.Errorf("clv: fit BG/NBD: %w", err)
	}
	return BGNBD{R: p.r, Alpha: p.alpha, A: p.a, B: p.b}, res, nil
}
