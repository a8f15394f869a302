package clv

import (
	"math"
	"sync"
	"testing"
	"time"
)

// Benchmarks on a synthetic hotel: a million guests drawn from a BG/NBD
// process with known parameters (in days, CDNOW's shape: r 0.25, α 30,
// a 0.8, b 2.5), acquired over two years, times in whole days as the
// warehouse delivers them. Run with
//
//	go test ./clv -run XXX -bench . -benchtime 1x

var million = sync.OnceValue(func() []Customer {
	sim := simulation{r: 0.25, alpha: 30, a: 0.8, b: 2.5, minT: 1, maxT: 731, wholeDays: true}
	return sim.customers(2026, 1_000_000)
})

func skipShort(b *testing.B) {
	if testing.Short() {
		b.Skip("the 1M-customer benchmarks are slow; not under -short")
	}
}

func BenchmarkGroup1M(b *testing.B) {
	skipShort(b)
	cs := million()
	var rows int
	for b.Loop() {
		rows = len(Group(cs))
	}
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkFitBGNBD1M is the fit the nightly pipeline runs: grouped rows,
// BFGS from the built-in starts. The Nelder–Mead run is the comparison the
// choice of BFGS rests on.
func BenchmarkFitBGNBD1M(b *testing.B) {
	skipShort(b)
	ws := Group(million())
	for _, method := range []Method{BFGS, NelderMead} {
		b.Run(method.String(), func(b *testing.B) {
			var m BGNBD
			var res FitResult
			var err error
			for b.Loop() {
				m, res, err = FitBGNBD(ws, FitOptions{Method: method})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Rows), "rows")
			b.ReportMetric(float64(res.Evaluations), "evaluations")
			b.ReportMetric(float64(res.Starts), "starts")
			b.Logf("%s: %v from %d rows, %d evaluations, %d starts", method, m, res.Rows, res.Evaluations, res.Starts)
			// The truth is r 0.25, α 30, a 0.8, b 2.5; whole days shift it a little.
			if math.Abs(m.R/0.25-1) > 0.05 || math.Abs(m.Alpha/30-1) > 0.1 || math.Abs(m.A/0.8-1) > 0.15 || math.Abs(m.B/2.5-1) > 0.15 {
				b.Errorf("fitted %v, truth r 0.25, α 30, a 0.8, b 2.5", m)
			}
		})
	}
}

// BenchmarkObjective1M is one evaluation of the likelihood and its gradient.
func BenchmarkObjective1M(b *testing.B) {
	skipShort(b)
	ws := Group(million())
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			p, err := newNBDProblem(ws, 0, workers)
			if err != nil {
				b.Fatal(err)
			}
			theta := []float64{math.Log(0.25), math.Log(30), math.Log(0.8), math.Log(2.5)}
			grad := make([]float64, 4)
			start := time.Now()
			n := 0
			for b.Loop() {
				p.evaluate(theta, grad)
				n++
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(n)/1e6, "ns/customer")
		})
	}
}

// BenchmarkPredict is the per-guest work after a fit: P(alive), expected
// stays in 90 and 365 days, and a three-year value with monthly discounting.
func BenchmarkPredict(b *testing.B) {
	m := BGNBD{R: 0.25, Alpha: 30, A: 0.8, B: 2.5}
	cs := simulation{r: 0.25, alpha: 30, a: 0.8, b: 2.5, minT: 1, maxT: 731, wholeDays: true}.customers(1, 1000)
	opt := ValueOptions{Horizon: 3 * 365, UnitsPerYear: 365, AnnualDiscountRate: 0.1}
	b.Run("PAlive+E90+E365", func(b *testing.B) {
		for b.Loop() {
			for _, c := range cs {
				_ = mustPAlive(b, m, c) + mustExpected(b, m, c, 90) + mustExpected(b, m, c, 365)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(cs)), "ns/customer")
	})
	b.Run("LifetimeValue3y", func(b *testing.B) {
		for b.Loop() {
			for _, c := range cs {
				if _, err := LifetimeValue(m, c, 100, opt); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(cs)), "ns/customer")
	})
}

// BenchmarkExpectedTransactions is the cost of one guest's expected visits
// in 365 days, by the size of the fitted parameters: CDNOW's in weeks
// (small), in days (CDNOW-like), the sparse hotel of the report (a 4.7e4,
// b 1e6), and a, b of 1e6–1e7 with z near 1 (α 0.5, a new guest). Each
// sub-benchmark cycles through guests of x 0..50 and ages up to two years.
func BenchmarkExpectedTransactions(b *testing.B) {
	guests := []Customer{{T: 0}, {T: 268}, {X: 1, TX: 30, T: 400}, {X: 5, TX: 200, T: 700}, {X: 50, TX: 600, T: 730}}
	for _, bc := range []struct {
		name string
		m    TransactionModel
		unit float64 // days per time unit of the model
	}{
		{"small", BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, 7},
		{"cdnow-days", MBGNBD{R: 0.243, Alpha: 30.9, A: 0.793, B: 2.426}, 1},
		{"sparse-report", MBGNBD{R: 0.0015513, Alpha: 61.4397, A: 47246.54, B: 1006897.6}, 1},
		{"huge-z-near-1", MBGNBD{R: 0.02, Alpha: 0.5, A: 3e6, B: 1e7}, 1},
		{"huge-bg", BGNBD{R: 5, Alpha: 1, A: 1e7, B: 5e6}, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cs := make([]Customer, len(guests))
			for i, c := range guests {
				cs[i] = Customer{X: c.X, TX: c.TX / bc.unit, T: c.T / bc.unit}
			}
			h := 365 / bc.unit
			var sum float64
			n := 0
			for b.Loop() {
				e, err := bc.m.ExpectedTransactions(cs[n%len(cs)], h)
				if err != nil {
					b.Fatal(err)
				}
				sum += e
				n++
			}
			if !(sum >= 0) {
				b.Fatal(sum)
			}
		})
	}
}
