package warehouse

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"revisit/synth"
)

// BenchmarkKPIFamilies times each family's query of a year's KPI report by
// month on a generated dense hotel of REVISIT_BENCH_GUESTS guests (default
// 10,000; two years of history), so the room-night family's cost reads
// against the others' on the same data.
func BenchmarkKPIFamilies(b *testing.B) {
	if testing.Short() {
		b.Skip("generates a hotel")
	}
	guests := 10000
	if s := os.Getenv("REVISIT_BENCH_GUESTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		guests = n
	}
	ctx := context.Background()
	dir := b.TempDir()
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, shanghai)
	if _, err := synth.Generate(ctx, synth.Config{OutDir: dir, Guests: guests, Years: 2, Seed: 3, End: end, Loc: shanghai}); err != nil {
		b.Fatal(err)
	}
	w, err := Open(ctx, Config{Path: b.TempDir() + "/w.duckdb", Threads: 2, MemoryLimit: "2GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Import(ctx, []string{dir}, testOptions()); err != nil {
		b.Fatal(err)
	}
	var stays, roomStays int64
	if err := w.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE outlet_kind = 'room') FROM stays`).Scan(&stays, &roomStays); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d guests generated: %d stays, %d of them room stays", guests, stays, roomStays)
	p, err := w.kpiParamsOf(KPIQuery{From: day("2025-11-01"), To: day("2026-10-31"), GroupBy: "month", Now: end})
	if err != nil {
		b.Fatal(err)
	}
	for _, fam := range kpiFamilies {
		b.Run(fam.name, func(b *testing.B) {
			for b.Loop() {
				tx, err := w.db.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if err := fam.run(ctx, tx, "month", p, newKPIAccumulator("month", p)); err != nil {
					b.Fatal(err)
				}
				if err := tx.Rollback(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
