package warehouse_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
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
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, whtest.Shanghai)
	if _, err := synth.Generate(ctx, synth.Config{OutDir: dir, Guests: guests, Years: 2, Seed: 3, End: end, Loc: whtest.Shanghai}); err != nil {
		b.Fatal(err)
	}
	w, err := warehouse.Open(ctx, warehouse.Config{Path: b.TempDir() + "/w.duckdb", Threads: 2, MemoryLimit: "2GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if _, err := load.Files(ctx, w, []string{dir}, whtest.Options()); err != nil {
		b.Fatal(err)
	}
	var stays, roomStays int64
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE outlet_kind = 'room') FROM stays`).Scan(&stays, &roomStays); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d guests generated: %d stays, %d of them room stays", guests, stays, roomStays)
	warehouse.BenchKPIFamilies(b, w, warehouse.KPIQuery{From: day("2025-11-01"), To: day("2026-10-31"), GroupBy: "month", Now: end})
}
