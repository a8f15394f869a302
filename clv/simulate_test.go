package clv

import (
	"math"
	"math/rand/v2"
)

// Simulating BG/NBD and MBG/NBD customers, for recovery tests, Monte Carlo
// checks of the expectations, and benchmarks.

// gammaDraw draws from Gamma(shape, rate 1) (Marsaglia & Tsang 2000).
func gammaDraw(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaDraw(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

func betaDraw(rng *rand.Rand, a, b float64) float64 {
	x := gammaDraw(rng, a)
	return x / (x + gammaDraw(rng, b))
}

// simulation describes a population and how long each customer is watched.
type simulation struct {
	r, alpha, a, b float64
	shift          float64 // 0 BG/NBD, 1 MBG/NBD
	minT, maxT     float64 // ages drawn uniformly from [minT, maxT]
	wholeDays      bool    // round times down to whole units, as dates are
}

// customer draws one customer: their calibration summary and, with horizon
// > 0, their purchases in (T, T+horizon].
func (s simulation) customer(rng *rand.Rand, horizon float64) (Customer, float64) {
	lambda := gammaDraw(rng, s.r) / s.alpha
	p := betaDraw(rng, s.a, s.b)
	T := s.minT + rng.Float64()*(s.maxT-s.minT)
	if s.wholeDays {
		T = math.Floor(T)
	}
	alive := s.shift == 0 || rng.Float64() >= p // MBG/NBD: may leave after the first purchase
	var x, last, later float64
	for t := 0.0; alive; {
		t += rng.ExpFloat64() / lambda
		if t > T+horizon {
			break
		}
		if t <= T {
			x++
			last = t
		} else {
			later++
		}
		alive = rng.Float64() >= p
	}
	if s.wholeDays {
		last = math.Floor(last)
	}
	return Customer{X: x, TX: last, T: T}, later
}

func (s simulation) customers(seed uint64, n int) []Customer {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]Customer, n)
	for i := range out {
		out[i], _ = s.customer(rng, 0)
	}
	return out
}
