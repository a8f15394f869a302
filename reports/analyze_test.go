package reports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

var shanghai = whtest.Shanghai

func importOptions() load.Options {
	return load.Options{RejectThreshold: 1, Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}}
}

func loadFiles(t *testing.T, w *warehouse.Warehouse, paths ...string) {
	t.Helper()
	res, err := load.Files(context.Background(), w, paths, importOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != load.StatusLoaded {
			t.Fatalf("%s: %s %s", r.Path, r.Status, r.Message)
		}
	}
}

func writeCSV(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func civil(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAnalyzeAGeneratedHotel(t *testing.T) {
	for _, shape := range synth.Shapes {
		t.Run(string(shape), func(t *testing.T) { analyzeGeneratedHotel(t, shape) })
	}
}

func analyzeGeneratedHotel(t *testing.T, shape synth.Shape) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{OutDir: dir, Guests: 1500, Years: 2, Seed: 3,
		End: time.Date(2026, 11, 26, 0, 0, 0, 0, shanghai), Loc: shanghai, Shape: shape}); err != nil {
		t.Fatal(err)
	}
	w := whtest.OpenTemp(t)
	if _, err := load.Files(context.Background(), w, []string{dir}, importOptions()); err != nil {
		t.Fatal(err)
	}
	res, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if res.AsOf != "2026-11-26" || res.Guests < 1000 || res.Visits <= res.Guests {
		t.Errorf("result %+v", res)
	}
	var names []string
	for _, m := range res.Models {
		names = append(names, m["name"].(string))
		if m["error"] != nil {
			t.Errorf("model %v did not fit: %v", m["name"], m["error"])
		}
	}
	if !slices.Equal(names, []string{"bgnbd", "mbgnbd", "gamma_gamma"}) {
		t.Errorf("models %v", names)
	}
	if res.SelectedModel != "bgnbd" && res.SelectedModel != "mbgnbd" {
		t.Errorf("selected %q", res.SelectedModel)
	}
	for _, m := range res.Backtest.Models {
		if m.Guests == 0 || m.ActualTotal == 0 || m.Correlation < 0.3 || m.TopDecileLift <= 0.1 {
			t.Errorf("backtest of %s finds little: %+v", m.Model, m)
		}
	}
	if res.Targets.Due == 0 || res.Targets.Winback == 0 {
		t.Fatalf("targets %+v", res.Targets)
	}

	// Every target's reason is built from its own numbers.
	n := 0
	err = w.TargetRows(context.Background(), civil("2026-11-26"), func(r *warehouse.TargetRow) error {
		n++
		if !strings.Contains(r.ReasonZH, fmt.Sprintf("上次离店 %d 天", r.DaysSinceLast)) ||
			!strings.Contains(r.ReasonEN, fmt.Sprintf("last stay %d days ago", r.DaysSinceLast)) ||
			!strings.Contains(r.ReasonZH, fmt.Sprintf("共 %d 次", r.Visits)) {
			return fmt.Errorf("%s: reason %q / %q does not match its numbers (%d days, %d visits)", r.GuestID, r.ReasonZH, r.ReasonEN, r.DaysSinceLast, r.Visits)
		}
		if r.Kind == kindDue && (r.DueDate == nil || r.DueDate.Before(civil("2026-11-27")) || r.DueDate.After(civil("2026-12-10"))) {
			return fmt.Errorf("%s is due on %v, outside the next 14 days", r.GuestID, r.DueDate)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != res.Targets.Due+res.Targets.Winback {
		t.Errorf("%d target rows, result says %d", n, res.Targets.Due+res.Targets.Winback)
	}

	// Re-running the night gives the same tables.
	before := snapshot(t, w)
	if _, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, w); !slices.Equal(before, after) {
		shown := 0
		for i := range min(len(before), len(after)) {
			if before[i] != after[i] && shown < 3 {
				t.Errorf("changed:\n%s\n%s", before[i], after[i])
				shown++
			}
		}
		t.Error("a second analysis of the same night changed guest_metrics or targets")
	}
}

// snapshot is every metric and target row of the warehouse, as text.
func snapshot(t *testing.T, w *warehouse.Warehouse) []string {
	t.Helper()
	var out []string
	for _, q := range []string{"SELECT * FROM guest_metrics ORDER BY ALL", "SELECT * FROM targets ORDER BY ALL", "SELECT count(*) FROM analysis_runs"} {
		rows, err := w.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(vals...))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
