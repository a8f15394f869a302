package clv

import (
	"bufio"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/refdata"
)

// The CDNOW sample (Fader & Hardie 2001), read raw from the shared reference
// data: the summaries are built here, from the transactions, the way
// data/README.md describes, not taken from the pre-built file.

const (
	cdnowCalibrationEnd = 272 // 1997-09-30, in days after 1997-01-01
	cdnowDataEnd        = 545 // 1998-06-30
)

// cdnowCustomer is one customer of the sample: purchases in days after
// 1997-01-01, one entry per row of the file (not yet merged by day).
type cdnowCustomer struct {
	id        int
	purchases []Occasion
}

// loadCDNOW reads CDNOW_sample.txt (skipping the test when it is absent,
// failing it when REVISIT_SHARED_DATA=required).
func loadCDNOW(t testing.TB) []cdnowCustomer {
	t.Helper()
	f := refdata.Open(t, "cdnow/CDNOW_sample.txt")
	origin := time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC)
	byID := map[int]int{}
	var out []cdnowCustomer
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text()) // also drops the CR of CRLF
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 5 {
			t.Fatalf("%s:%d: %d fields, want 5", f.Name(), line, len(fields))
		}
		id, err1 := strconv.Atoi(fields[1])
		day, err2 := time.Parse("20060102", fields[2])
		dollars, err3 := strconv.ParseFloat(fields[4], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("%s:%d: %q", f.Name(), line, sc.Text())
		}
		i, ok := byID[id]
		if !ok {
			i = len(out)
			byID[id] = i
			out = append(out, cdnowCustomer{id: id})
		}
		days := day.Sub(origin).Hours() / 24
		out[i].purchases = append(out[i].purchases, Occasion{Time: days, Spend: dollars})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// cdnowData is the sample summarised for the 39-week calibration period.
type cdnowData struct {
	ids       []int
	days      []Summary // calibration summaries in days
	weeks     []Customer
	first     []float64 // day of each customer's first purchase
	holdout   []float64 // repeat occasions after the calibration period
	occasions int       // purchase occasions after merging same-day rows
	rows      int
}

func summariseCDNOW(t testing.TB) cdnowData {
	t.Helper()
	var d cdnowData
	for _, c := range loadCDNOW(t) {
		d.rows += len(c.purchases)
		s, err := Summarise(c.purchases, cdnowCalibrationEnd)
		if err != nil {
			t.Fatalf("customer %d: %v", c.id, err)
		}
		all, err := Summarise(c.purchases, cdnowDataEnd)
		if err != nil {
			t.Fatal(err)
		}
		d.occasions += int(all.X) + 1
		d.ids = append(d.ids, c.id)
		d.days = append(d.days, s)
		d.weeks = append(d.weeks, Customer{X: s.X, TX: s.TX / 7, T: s.T / 7})
		d.first = append(d.first, cdnowCalibrationEnd-s.T)
		d.holdout = append(d.holdout, all.X-s.X)
	}
	return d
}

func (d cdnowData) daysCustomers() []Customer {
	out := make([]Customer, len(d.days))
	for i, s := range d.days {
		out[i] = s.Customer
	}
	return out
}

// round returns v rounded to the given number of decimals, as a paper
// prints it.
func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func TestCDNOWSummary(t *testing.T) {
	d := summariseCDNOW(t)
	var sumX, maxX float64
	var zero, repeat int
	for _, c := range d.weeks {
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		sumX += c.X
		maxX = math.Max(maxX, c.X)
		if c.X == 0 {
			zero++
		} else {
			repeat++
		}
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"rows", float64(d.rows), 6919},
		{"occasions after merging same-day rows", float64(d.occasions), 6696},
		{"customers", float64(len(d.weeks)), 2357},
		{"Σx", sumX, 2457},
		{"customers with x = 0", float64(zero), 1411},
		{"customers with x > 0", float64(repeat), 946},
		{"max x", maxX, 29},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %g, want %g", c.name, c.got, c.want)
		}
	}
}

// TestCDNOWSummaryMatchesLifetimes compares the summary built from the raw
// transactions with the one the lifetimes library ships (2 decimals).
func TestCDNOWSummaryMatchesLifetimes(t *testing.T) {
	d := summariseCDNOW(t)
	f := refdata.Open(t, "cdnow/cdnow_customers_summary.csv")
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ours := map[int]Customer{}
	for i, id := range d.ids {
		ours[id] = d.weeks[i]
	}
	if len(records)-1 != len(ours) {
		t.Fatalf("%d customers in %s, %d built", len(records)-1, f.Name(), len(ours))
	}
	for _, rec := range records[1:] {
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(rec[i], 64); err != nil {
				t.Fatal(err)
			}
		}
		got, ok := ours[int(v[0])]
		if !ok {
			t.Fatalf("customer %v missing", rec)
		}
		if got.X != v[1] || math.Abs(got.TX-v[2]) > 0.005+1e-9 || math.Abs(got.T-v[3]) > 0.005+1e-9 {
			t.Errorf("customer %s: built %+v, lifetimes has %v", rec[0], got, rec[1:])
		}
	}
}

// TestCDNOWBGNBD reproduces Fader, Hardie & Lee (2005), table 2.
func TestCDNOWBGNBD(t *testing.T) {
	d := summariseCDNOW(t)
	weeks, res, err := FitBGNBD(Group(d.weeks), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("weeks: r %.6f α %.6f a %.6f b %.6f, LL %.4f, %+v", weeks.R, weeks.Alpha, weeks.A, weeks.B, res.LogLikelihood, res)
	published := []struct {
		name      string
		got, want float64
		decimals  int
	}{
		{"r", weeks.R, 0.243, 3},
		{"α", weeks.Alpha, 4.414, 3},
		{"a", weeks.A, 0.793, 3},
		{"b", weeks.B, 2.426, 3},
		{"LL", res.LogLikelihood, -9582.4, 1},
	}
	for _, p := range published {
		if got := round(p.got, p.decimals); got != p.want {
			t.Errorf("%s = %.6f, rounds to %g; published %g", p.name, p.got, got, p.want)
		}
	}

	// The same customers in days: α is 7× larger, r, a, b unchanged, and
	// the log-likelihood lower by Σx·ln 7 (each of the Σx purchase-time
	// densities is per day instead of per week).
	days, resDays, err := FitBGNBD(Group(d.daysCustomers()), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("days: r %.6f α %.6f a %.6f b %.6f, LL %.4f", days.R, days.Alpha, days.A, days.B, resDays.LogLikelihood)
	if got := round(days.Alpha, 2); got != 30.90 {
		t.Errorf("α in days = %.4f, want 30.90", days.Alpha)
	}
	for _, p := range []struct {
		name        string
		days, weeks float64
	}{{"r", days.R, weeks.R}, {"α/7", days.Alpha / 7, weeks.Alpha}, {"a", days.A, weeks.A}, {"b", days.B, weeks.B}} {
		if math.Abs(p.days/p.weeks-1) > 1e-5 {
			t.Errorf("%s: %.7f in days, %.7f in weeks", p.name, p.days, p.weeks)
		}
	}
	shift := 2457 * math.Log(7)
	if got := resDays.LogLikelihood - res.LogLikelihood; math.Abs(got+shift) > 1e-6 {
		t.Errorf("LL(days) − LL(weeks) = %.8f, want −Σx·ln 7 = %.8f", got, -shift)
	}
	if got := round(resDays.LogLikelihood, 1); got != -14363.5 {
		t.Errorf("LL in days = %.4f, want −14,363.5", resDays.LogLikelihood)
	}
}

// TestCDNOWFitMethodsAgree checks BFGS against the derivative-free
// Nelder–Mead: both should find the published optimum.
func TestCDNOWFitMethodsAgree(t *testing.T) {
	d := summariseCDNOW(t)
	ws := Group(d.weeks)
	quasi, rq, err := FitBGNBD(ws, FitOptions{AllStarts: true})
	if err != nil {
		t.Fatal(err)
	}
	simplex, rs, err := FitBGNBD(ws, FitOptions{Method: NelderMead, AllStarts: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("BFGS %v: %d evaluations; Nelder-Mead %v: %d evaluations", quasi, rq.Evaluations, simplex, rs.Evaluations)
	for _, p := range [][2]float64{{quasi.R, simplex.R}, {quasi.Alpha, simplex.Alpha}, {quasi.A, simplex.A}, {quasi.B, simplex.B}} {
		if math.Abs(p[0]/p[1]-1) > 1e-4 {
			t.Errorf("BFGS %v, Nelder-Mead %v", quasi, simplex)
			break
		}
	}
	if math.Abs(rq.LogLikelihood-rs.LogLikelihood) > 1e-6 {
		t.Errorf("LL: BFGS %.9f, Nelder-Mead %.9f", rq.LogLikelihood, rs.LogLikelihood)
	}
}

// TestCDNOWConditionalExpectation checks the example Fader, Hardie & Lee
// (2005) give for customer 1 (x = 2, t_x = 30.43, T = 38.86 weeks): 1.226
// expected purchases in the next 39 weeks.
func TestCDNOWConditionalExpectation(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426} // the published estimates
	c := Customer{X: 2, TX: 30.43, T: 38.86}
	if got := mustExpected(t, m, c, 39); round(got, 3) != 1.226 {
		t.Errorf("E[Y(39) | x=2, t_x=30.43, T=38.86] = %.5f, want 1.226", got)
	}
	// In days with α in days, the same number.
	days := BGNBD{R: m.R, Alpha: 7 * m.Alpha, A: m.A, B: m.B}
	cd := Customer{X: 2, TX: 7 * 30.43, T: 7 * 38.86}
	if got, want := mustExpected(t, days, cd, 273), mustExpected(t, m, c, 39); math.Abs(got-want) > 1e-12 {
		t.Errorf("in days %.15f, in weeks %.15f", got, want)
	}
	if got, want := mustPAlive(t, days, cd), mustPAlive(t, m, c); math.Abs(got-want) > 1e-12 {
		t.Errorf("P(alive) in days %.15f, in weeks %.15f", got, want)
	}
}

// TestCDNOWForecast sums E[X(t)] over the cohort's ages: the cumulative
// repeat-sales forecast of Fader, Hardie & Lee (2005), figure 2. Actual: 2,457
// repeat occasions by week 39, 4,339 by week 78; BG/NBD is about 4 % under at
// week 78.
func TestCDNOWForecast(t *testing.T) {
	d := summariseCDNOW(t)
	m, _, err := FitBGNBD(Group(d.weeks), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	forecast := func(lastDay float64) float64 {
		var sum float64
		for _, first := range d.first {
			sum += mustNew(t, m, (lastDay-first)/7)
		}
		return sum
	}
	var actual78 float64
	for i := range d.weeks {
		actual78 += d.weeks[i].X + d.holdout[i]
	}
	if actual78 != 4339 {
		t.Errorf("actual repeat occasions by week 78 = %g, want 4,339", actual78)
	}
	at39, at78 := forecast(cdnowCalibrationEnd), forecast(cdnowDataEnd)
	under := (at78 - actual78) / actual78
	t.Logf("forecast: week 39 %.1f (actual 2,457), week 78 %.1f (actual 4,339): %+.2f %%", at39, at78, 100*under)
	if math.Abs(at39/2457-1) > 0.02 {
		t.Errorf("week 39 forecast %.1f, want within 2 %% of 2,457", at39)
	}
	if under > -0.02 || under < -0.06 {
		t.Errorf("week 78 forecast %.1f is %+.2f %% off 4,339; the paper's BG/NBD is about −4 %%", at78, 100*under)
	}
}

// TestCDNOWGammaGamma reproduces Fader & Hardie (2013): p = 6.25, q = 3.74,
// γ = 15.44 on the 946 repeat buyers' mean repeat-day spend.
func TestCDNOWGammaGamma(t *testing.T) {
	d := summariseCDNOW(t)
	var x, spend []float64
	for _, s := range d.days {
		x = append(x, s.X)
		spend = append(spend, s.MeanSpend)
	}
	g, res, err := FitGammaGamma(x, spend, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("p %.6f q %.6f γ %.6f, LL %.4f, %+v", g.P, g.Q, g.Gamma, res.LogLikelihood, res)
	if res.Customers != 946 {
		t.Errorf("fitted %g customers, want the 946 repeat buyers", res.Customers)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"p", g.P, 6.25}, {"q", g.Q, 3.74}, {"γ", g.Gamma, 15.44}} {
		if round(p.got, 2) != p.want {
			t.Errorf("%s = %.5f, published %.2f", p.name, p.got, p.want)
		}
	}
	// The conditional mean lies between the population mean and the
	// customer's own, nearer their own the more they bought.
	pop := g.PopulationMeanSpend()
	few, many := mustSpend(t, g, 1, 100), mustSpend(t, g, 20, 100)
	if !(pop < few && few < many && many < 100) {
		t.Errorf("population %.2f, x=1 %.2f, x=20 %.2f, own mean 100", pop, few, many)
	}
}

// TestCDNOWMBGNBD fits MBG/NBD (Batislam et al. report other data, so there
// is nothing to reproduce): it must fit about as well as BG/NBD and give
// one-time buyers a P(alive) below 1, where BG/NBD gives exactly 1.
func TestCDNOWMBGNBD(t *testing.T) {
	d := summariseCDNOW(t)
	ws := Group(d.weeks)
	bg, bgRes, err := FitBGNBD(ws, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mbg, res, err := FitMBGNBD(ws, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MBG/NBD r %.6f α %.6f a %.6f b %.6f, LL %.4f (BG/NBD %.4f), %+v", mbg.R, mbg.Alpha, mbg.A, mbg.B, res.LogLikelihood, bgRes.LogLikelihood, res)
	if math.Abs(res.LogLikelihood-bgRes.LogLikelihood) > 10 {
		t.Errorf("MBG/NBD LL %.2f, BG/NBD %.2f", res.LogLikelihood, bgRes.LogLikelihood)
	}
	oneTime := Customer{X: 0, TX: 0, T: 38}
	if p := mustPAlive(t, bg, oneTime); p != 1 {
		t.Errorf("BG/NBD P(alive | x = 0) = %v, want 1", p)
	}
	if p := mustPAlive(t, mbg, oneTime); !(p > 0 && p < 1) {
		t.Errorf("MBG/NBD P(alive | x = 0) = %v, want in (0, 1)", p)
	}
	if got, want := mustPAlive(t, mbg, Customer{}), mbg.B/(mbg.A+mbg.B); math.Abs(got-want) > 1e-15 {
		t.Errorf("MBG/NBD P(alive) of a customer just acquired = %v, want b/(a+b) = %v", got, want)
	}
}

// TestCDNOWChooseModel backtests both models on the 39-week holdout.
func TestCDNOWChooseModel(t *testing.T) {
	d := summariseCDNOW(t)
	ch, err := ChooseModel(d.weeks, d.holdout, 39, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []Backtest{ch.BGNBDTest, ch.MBGNBDTest} {
		t.Logf("%-7s LL %.2f  MAE %.4f  RMSE %.4f  predicted %.1f  actual %.0f  (%+.2f %%)",
			b.Model, b.LogLikelihood, b.MAE, b.RMSE, b.Predicted, b.Actual, 100*b.TotalError)
		if b.Err != nil || b.Actual != 4339-2457 || !(b.MAE > 0) {
			t.Errorf("%s: %+v", b.Model, b)
		}
	}
	t.Logf("best: %s: %s", ch.Best, ch.Reason)
	if ch.Model().Name() != ch.Best || ch.Reason == "" {
		t.Errorf("best %s, model %s, reason %q", ch.Best, ch.Model().Name(), ch.Reason)
	}
}
