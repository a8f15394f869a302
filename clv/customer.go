package clv

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Errors the models return, wrapped with what was being done; test with errors.Is.
var (
	// ErrInvalidData marks input no model can use: NaN or infinite values,
	// negative counts or durations, a recency after the customer's age.
	ErrInvalidData = errors.New("invalid data")
	// ErrTooLittleData marks valid input that cannot identify a model: too
	// few customers, or no repeat purchases to learn a purchase rate from.
	ErrTooLittleData = errors.New("too little data to fit")
	// ErrNotConverged marks a fit whose optimiser failed from every start,
	// or whose optimum has a parameter running off to 0 or infinity.
	ErrNotConverged = errors.New("fit did not converge")
	// ErrNotComputable marks a prediction no method could compute to the
	// precision promised, for valid input. It is not expected to happen: it
	// is returned in place of a number that would be wrong, such as a
	// silent 0 or NaN.
	ErrNotComputable = errors.New("not computable")
	// ErrNoMean marks an expected spend asked of a Gamma-Gamma model whose
	// spend distribution has no mean (q ≤ 1): a property of the fit, not
	// a failure of the arithmetic.
	ErrNoMean = errors.New("the spend distribution has no mean")
)

// Customer is one customer's calibration summary in the caller's time unit
// (Revisit uses days).
type Customer struct {
	// X is the number of repeat purchase occasions: purchases after the
	// first, with same-day purchases merged into one.
	X float64
	// TX is the recency t_x: time from the first to the last purchase, 0
	// when X is 0.
	TX float64
	// T is the customer's age: time from the first purchase to the end of
	// the calibration period.
	T float64
}

// Validate returns an error wrapping ErrInvalidData unless c is a summary the
// models can use: X a whole number ≥ 0, 0 ≤ TX ≤ T, TX = 0 when X = 0, all
// finite.
func (c Customer) Validate() error {
	switch {
	case !finite(c.X) || !finite(c.TX) || !finite(c.T):
		return fmt.Errorf("%w: non-finite value in (x %g, t_x %g, T %g)", ErrInvalidData, c.X, c.TX, c.T)
	case c.X < 0 || c.X != math.Trunc(c.X):
		return fmt.Errorf("%w: x %g is not a whole number ≥ 0", ErrInvalidData, c.X)
	case c.TX < 0:
		return fmt.Errorf("%w: t_x %g is negative", ErrInvalidData, c.TX)
	case c.T < c.TX:
		return fmt.Errorf("%w: T %g is before t_x %g", ErrInvalidData, c.T, c.TX)
	case c.X == 0 && c.TX != 0:
		return fmt.Errorf("%w: t_x %g with no repeat purchase (x = 0 needs t_x = 0)", ErrInvalidData, c.TX)
	}
	return nil
}

// Weighted is a Customer summary standing for W identical customers. Fits
// take weighted rows so that a few hundred thousand distinct summaries can
// stand for millions of customers.
type Weighted struct {
	Customer
	W float64
}

// Group collapses identical summaries into weighted rows, W counting the
// customers behind each, sorted by (X, T, TX). With durations in whole days
// there are few distinct summaries: a million simulated guests over two
// years make 336,000 rows, ten million make 1.5 million.
func Group(cs []Customer) []Weighted {
	index := make(map[Customer]int, len(cs)/8+16)
	var out []Weighted
	for _, c := range cs {
		if i, ok := index[c]; ok {
			out[i].W++
			continue
		}
		index[c] = len(out)
		out = append(out, Weighted{Customer: c, W: 1})
	}
	slices.SortFunc(out, func(p, q Weighted) int {
		return cmp.Or(cmp.Compare(p.X, q.X), cmp.Compare(p.T, q.T), cmp.Compare(p.TX, q.TX))
	})
	return out
}

// Occasion is one purchase: when, in the caller's time unit, and how much.
type Occasion struct {
	Time  float64
	Spend float64
}

// Summary is a Customer summary together with the mean spend of the X repeat
// occasions (0 when X is 0), the input of FitGammaGamma.
type Summary struct {
	Customer
	MeanSpend float64
}

// Summarise builds one customer's calibration summary from their purchases,
// counting only those at or before end. Purchases at the same Time are one
// occasion (their spend summed), so pass whole days to merge same-day
// purchases — unmerged, every number of every model is wrong. The first
// occasion is the trial: it is not counted in X nor in the mean spend. The
// input is not modified. It returns an error wrapping ErrInvalidData for a
// non-finite time or spend, a negative spend, or no purchase by end.
func Summarise(purchases []Occasion, end float64) (Summary, error) {
	sorted := purchases
	if !slices.IsSortedFunc(purchases, byTime) {
		sorted = slices.Clone(purchases)
		slices.SortStableFunc(sorted, byTime)
	}
	var (
		s           Summary
		first, last float64
		occasions   int
		daySpend    float64 // spend of the occasion being merged
		repeatSpend float64
	)
	for _, o := range sorted {
		if !finite(o.Time) || !finite(o.Spend) || o.Spend < 0 {
			return Summary{}, fmt.Errorf("%w: purchase at %g spending %g", ErrInvalidData, o.Time, o.Spend)
		}
		if o.Time > end {
			continue
		}
		switch {
		case occasions == 0:
			first, last, occasions, daySpend = o.Time, o.Time, 1, o.Spend
		case o.Time == last:
			daySpend += o.Spend
		default:
			if occasions > 1 {
				repeatSpend += daySpend
			}
			last, daySpend = o.Time, o.Spend
			occasions++
		}
	}
	if occasions == 0 {
		return Summary{}, fmt.Errorf("%w: no purchase at or before %g", ErrInvalidData, end)
	}
	if occasions > 1 {
		repeatSpend += daySpend
	}
	s.X = float64(occasions - 1)
	s.TX = last - first
	s.T = end - first
	if s.X > 0 {
		s.MeanSpend = repeatSpend / s.X
	}
	return s, nil
}

func byTime(p, q Occasion) int { return cmp.Compare(p.Time, q.Time) }
