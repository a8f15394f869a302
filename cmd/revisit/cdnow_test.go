package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/refdata"
)

// The CDNOW sample (Fader & Hardie 2001) through the product as a hotel
// would send it: one guest profile per customer, one stay per purchase row
// (arrival and departure the purchase date as a bare date, spend the
// dollars), loaded by `revisit ingest` and analysed by `revisit analyze
// --as-of 1997-09-30`, the end of the 39-week calibration period. The
// results are checked against the published BG/NBD fit (Fader, Hardie &
// Lee 2005, "Counting Your Customers the Easy Way", Table 2) and against R
// BTYD's per-customer P(alive), computed here at BTYD's own estimates.

// cdnowRow is one purchase row of CDNOW_sample.txt.
type cdnowRow struct {
	id      string // sample id, 0001–2357
	day     time.Time
	dollars string // as written
}

func readCDNOWSample(t *testing.T) []cdnowRow {
	t.Helper()
	f := refdata.Open(t, "cdnow/CDNOW_sample.txt")
	var rows []cdnowRow
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text()) // drops the CR of CRLF too
		if len(fields) == 0 {
			continue
		}
		day, err := time.Parse("20060102", fields[2])
		if len(fields) != 5 || err != nil {
			t.Fatalf("%s:%d: %q", f.Name(), line, sc.Text())
		}
		rows = append(rows, cdnowRow{id: fields[1], day: day, dollars: fields[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// writeCDNOWExports writes the sample as a hotel's guests and stays CSVs.
func writeCDNOWExports(t *testing.T, rows []cdnowRow) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exports")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	guests := []string{"客户编号,姓名"}
	stays := []string{"单号,客户编号,到店时间,离店时间,消费金额"}
	seen := map[string]bool{}
	for i, r := range rows {
		if !seen[r.id] {
			seen[r.id] = true
			guests = append(guests, fmt.Sprintf("C%s,CDNOW %s", r.id, r.id))
		}
		day := r.day.Format(time.DateOnly)
		stays = append(stays, fmt.Sprintf("R%05d,C%s,%s,%s,%s", i+1, r.id, day, day, r.dollars))
	}
	for name, lines := range map[string][]string{"guests.csv": guests, "stays.csv": stays} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// btydSummary is one customer's 39-week calibration summary in weeks, built
// from the raw rows as the data's README describes (same-day purchases are
// one occasion; the first is the trial).
type btydSummary struct {
	x, tx, T float64
}

func btydSummaries(rows []cdnowRow, end time.Time) map[string]btydSummary {
	days := map[string][]time.Time{}
	for _, r := range rows {
		if !r.day.After(end) && !slices.ContainsFunc(days[r.id], r.day.Equal) {
			days[r.id] = append(days[r.id], r.day)
		}
	}
	out := map[string]btydSummary{}
	for id, ds := range days {
		slices.SortFunc(ds, time.Time.Compare)
		first, last := ds[0], ds[len(ds)-1]
		out[id] = btydSummary{
			x:  float64(len(ds) - 1),
			tx: last.Sub(first).Hours() / 24 / 7,
			T:  end.Sub(first).Hours() / 24 / 7,
		}
	}
	return out
}

// btydPAlive is BTYD's bgnbd.PAlive: 1/(1 + [x>0]·a/(b+x−1)·((α+T)/(α+t_x))^(r+x)).
func btydPAlive(r, alpha, a, b float64, s btydSummary) float64 {
	if s.x == 0 {
		return 1
	}
	return 1 / (1 + a/(b+s.x-1)*math.Pow((alpha+s.T)/(alpha+s.tx), r+s.x))
}

func TestCDNOWThroughIngestAndAnalyzeReproducesBTYD(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and analyses 6,919 purchases")
	}
	rows := readCDNOWSample(t)
	dir := writeCDNOWExports(t, rows)
	env := map[string]string{"REVISIT_DB": filepath.Join(t.TempDir(), "cdnow.duckdb")}

	code, stdout, stderr := runCLI(t, env, "ingest", "--json", dir)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	var ing struct{ Loaded, Rejected, Warnings int64 }
	if err := json.Unmarshal([]byte(stdout), &ing); err != nil {
		t.Fatalf("ingest --json: %v\n%s", err, stdout)
	}
	sums := btydSummaries(rows, time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC))
	if want := int64(len(rows) + len(sums)); ing.Loaded != want || ing.Rejected != 0 {
		t.Fatalf("ingest loaded %d rows and rejected %d, want all %d loaded (%d purchases, %d customers)",
			ing.Loaded, ing.Rejected, want, len(rows), len(sums))
	}

	// The summary built here is the published one (data/README.md's checks).
	var sumX float64
	var once int
	for _, s := range sums {
		sumX += s.x
		if s.x == 0 {
			once++
		}
	}
	if len(sums) != 2357 || sumX != 2457 || once != 1411 {
		t.Fatalf("independent summary: %d customers, Σx %g, %d with x = 0; want 2357, 2457, 1411", len(sums), sumX, once)
	}

	// What the automatic choice takes, for the record; the checks below ask
	// for BG/NBD, whose published numbers they compare with.
	code, stdout, stderr = runCLI(t, env, "analyze", "--as-of", "1997-09-30", "--json")
	if code != 0 {
		t.Fatalf("analyze (auto): exit %d\n%s", code, stderr)
	}
	var auto struct {
		SelectedModel string `json:"selected_model"`
	}
	if err := json.Unmarshal([]byte(stdout), &auto); err != nil {
		t.Fatalf("analyze --json: %v", err)
	}
	t.Logf("analyze --model auto selects %s", auto.SelectedModel)

	code, stdout, stderr = runCLI(t, env, "analyze", "--as-of", "1997-09-30", "--model", "bgnbd", "--json")
	if code != 0 {
		t.Fatalf("analyze: exit %d\n%s", code, stderr)
	}
	var res struct {
		Guests        int64            `json:"guests"`
		Visits        int64            `json:"visits"`
		Models        []map[string]any `json:"models"`
		SelectedModel string           `json:"selected_model"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("analyze --json: %v\n%s", err, stdout)
	}
	if res.Guests != 2357 || res.Visits != 2357+2457 || res.SelectedModel != "bgnbd" {
		t.Errorf("analyze: %d guests, %d visits, model %q; want 2357, %d, bgnbd", res.Guests, res.Visits, res.SelectedModel, 2357+2457)
	}
	i := slices.IndexFunc(res.Models, func(m map[string]any) bool { return m["name"] == "bgnbd" })
	if i < 0 {
		t.Fatalf("no bgnbd in models: %v", res.Models)
	}
	fit := res.Models[i]
	published := map[string]float64{"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426} // α per day
	for k, want := range published {
		got, ok := fit[k].(float64)
		if !ok || math.Abs(got-want)/want > 0.015 {
			t.Errorf("BG/NBD %s = %v, published %.4g (±1.5 %%)", k, fit[k], want)
		}
	}

	code, stdout, stderr = runCLI(t, env, "export", "guests", "--format", "json", "--as-of", "1997-09-30")
	if code != 0 {
		t.Fatalf("export guests: exit %d\n%s", code, stderr)
	}
	var guests []struct {
		GuestID     string   `json:"guest_id"`
		RecencyDays int      `json:"recency_days"`
		AgeDays     int      `json:"age_days"`
		PAlive      *float64 `json:"p_alive"`
	}
	if err := json.Unmarshal([]byte(stdout), &guests); err != nil {
		t.Fatalf("export guests --format json: %v", err)
	}
	if len(guests) != len(sums) {
		t.Fatalf("%d guests exported, want %d", len(guests), len(sums))
	}
	const r, alpha, a, b = 0.2425945, 4.413589, 0.7929366, 2.425891 // BTYD's estimates, α per week
	worst, worstID := 0.0, ""
	var offDays int
	for _, g := range guests {
		s, ok := sums[strings.TrimPrefix(g.GuestID, "C")]
		if !ok || g.PAlive == nil {
			t.Fatalf("guest %q: in the sample %v, P(alive) %v", g.GuestID, ok, g.PAlive)
		}
		if float64(g.RecencyDays) != math.Round(s.tx*7) || float64(g.AgeDays) != math.Round(s.T*7) {
			if offDays++; offDays == 1 {
				t.Errorf("guest %s: recency %d, age %d days; BTYD's t_x %g, T %g days",
					g.GuestID, g.RecencyDays, g.AgeDays, s.tx*7, s.T*7)
			}
		}
		if d := math.Abs(*g.PAlive - btydPAlive(r, alpha, a, b, s)); d > worst {
			worst, worstID = d, g.GuestID
		}
	}
	if offDays > 0 {
		t.Errorf("%d guests' recency or age differ from BTYD's t_x and T", offDays)
	}
	if worst > 0.01 {
		t.Errorf("P(alive) differs from BTYD's by up to %.4f (guest %s), want at most 0.01", worst, worstID)
	}
	t.Logf("BG/NBD r %.4g α %.4g/day a %.4g b %.4g; P(alive) within %.4f of BTYD", fit["r"], fit["alpha"], fit["a"], fit["b"], worst)
}
