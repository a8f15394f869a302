package clv

import (
	"errors"
	"math"
	"testing"
)

func TestLifetimeValue(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414 * 7, A: 0.793, B: 2.426} // days
	c := Customer{X: 4, TX: 200, T: 260}
	year := ValueOptions{Horizon: 365, UnitsPerYear: 365}

	// Undiscounted, the value is spend × expected purchases, whatever the steps.
	want := 50 * mustExpected(t, m, c, 365)
	for _, steps := range []int{0, 1, 12, 365} {
		o := year
		o.StepsPerYear = steps
		got, err := LifetimeValue(m, c, 50, o)
		if err != nil || math.Abs(got-want) > 1e-9*want {
			t.Errorf("%d steps, no discount: %v (%v), want %v", steps, got, err, want)
		}
	}

	// Discounting lowers it, more at a higher rate; daily steps discount
	// less than monthly ones (revenue counted earlier), but barely.
	value := func(o ValueOptions) float64 {
		v, err := LifetimeValue(m, c, 50, o)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	three := ValueOptions{Horizon: 3 * 365, UnitsPerYear: 365}
	plain := value(three)
	three.AnnualDiscountRate = 0.1
	monthly := value(three)
	three.StepsPerYear = 365
	daily := value(three)
	three.AnnualDiscountRate = 0.3
	steep := value(three)
	if !(steep < daily && daily < plain && monthly < daily && daily-monthly < 0.01*daily) {
		t.Errorf("undiscounted %v, 10%% monthly %v, 10%% daily %v, 30%% daily %v", plain, monthly, daily, steep)
	}

	// One annual step at rate d: everything discounted by exactly 1/(1+d).
	o := ValueOptions{Horizon: 365, UnitsPerYear: 365, AnnualDiscountRate: 0.1, StepsPerYear: 1}
	if got := value(o); math.Abs(got-want/1.1) > 1e-9*want {
		t.Errorf("one annual step: %v, want %v", got, want/1.1)
	}

	// The horizon need not be a whole number of steps.
	o = ValueOptions{Horizon: 100, UnitsPerYear: 365}
	if got, want := value(o), 50*mustExpected(t, m, c, 100); math.Abs(got-want) > 1e-9*want {
		t.Errorf("100-day horizon: %v, want %v", got, want)
	}

	// The unit does not matter: the same customer and model in weeks.
	weeks := BGNBD{R: m.R, Alpha: m.Alpha / 7, A: m.A, B: m.B}
	cw := Customer{X: c.X, TX: c.TX / 7, T: c.T / 7}
	inDays := value(ValueOptions{Horizon: 364, UnitsPerYear: 364, AnnualDiscountRate: 0.1, StepsPerYear: 52})
	inWeeks, err := LifetimeValue(weeks, cw, 50, ValueOptions{Horizon: 52, UnitsPerYear: 52, AnnualDiscountRate: 0.1, StepsPerYear: 52})
	if err != nil || math.Abs(inDays-inWeeks) > 1e-9*inDays {
		t.Errorf("in days %v, in weeks %v (%v)", inDays, inWeeks, err)
	}
}

func TestLifetimeValueRejects(t *testing.T) {
	m := MBGNBD{R: 0.5, Alpha: 40, A: 0.9, B: 1.6}
	c := Customer{X: 1, TX: 10, T: 20}
	ok := ValueOptions{Horizon: 365, UnitsPerYear: 365}
	for name, tc := range map[string]struct {
		m     TransactionModel
		c     Customer
		spend float64
		o     ValueOptions
	}{
		"negative horizon":   {m, c, 10, ValueOptions{Horizon: -1, UnitsPerYear: 365}},
		"no year length":     {m, c, 10, ValueOptions{Horizon: 365}},
		"rate −100 %":        {m, c, 10, ValueOptions{Horizon: 365, UnitsPerYear: 365, AnnualDiscountRate: -1}},
		"NaN spend":          {m, c, math.NaN(), ok},
		"negative spend":     {m, c, -1, ok},
		"negative steps":     {m, c, 10, ValueOptions{Horizon: 365, UnitsPerYear: 365, StepsPerYear: -1}},
		"a thousand years":   {m, c, 10, ValueOptions{Horizon: 365_000, UnitsPerYear: 365, StepsPerYear: 365}},
		"invalid customer":   {m, Customer{X: 1, TX: 30, T: 20}, 10, ok},
		"invalid parameters": {MBGNBD{}, c, 10, ok},
	} {
		if v, err := LifetimeValue(tc.m, tc.c, tc.spend, tc.o); !errors.Is(err, ErrInvalidData) || v != 0 {
			t.Errorf("%s: %v, %v; want ErrInvalidData", name, v, err)
		}
	}
}

func TestGammaGammaExpectedSpendErrors(t *testing.T) {
	heavy := GammaGamma{P: 2, Q: 0.8, Gamma: 10} // q ≤ 1: the population spend has no mean
	if v, err := heavy.ExpectedSpend(0, 0); !errors.Is(err, ErrNoMean) {
		t.Errorf("q 0.8, x 0: %v, %v; want ErrNoMean", v, err)
	}
	// A repeat customer's own spends give the posterior a mean all the same.
	if v, err := heavy.ExpectedSpend(3, 50); err != nil || !(v > 0) || math.IsInf(v, 1) {
		t.Errorf("q 0.8, x 3: %v, %v", v, err)
	}
	good := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, in := range [][2]float64{{-1, 10}, {1.5, 10}, {2, -3}, {math.NaN(), 1}, {2, math.Inf(1)}} {
		if v, err := good.ExpectedSpend(in[0], in[1]); !errors.Is(err, ErrInvalidData) {
			t.Errorf("x %v, mean %v: %v, %v; want ErrInvalidData", in[0], in[1], v, err)
		}
	}
	if v, err := (GammaGamma{P: -1, Q: 2, Gamma: 1}).ExpectedSpend(1, 10); !errors.Is(err, ErrInvalidData) {
		t.Errorf("invalid model: %v, %v; want ErrInvalidData", v, err)
	}
}
