package warehouse

import (
	"context"
	"testing"
)

// What the external tests (package warehouse_test, which load files through
// package load and so cannot be inside package warehouse) need of the
// package's internals and of its internal tests' helpers.
var (
	KFig       = kfig
	KCount     = kcount
	SameFigure = sameFigure
	FigText    = figText

	KPIDay        = kpiDay
	FirstLine     = firstLine
	SeedTask      = seedTask
	MustTask      = mustTask
	SLAFixture    = slaFixture
	FiguresByName = figuresByName
)

// Total sums a report's rows as ForgetGuest does.
func (r *ForgetReport) Total() { r.total() }

// BenchKPIFamilies times each KPI family's query of q on w, one
// sub-benchmark per family, so the families' costs read side by side.
func BenchKPIFamilies(b *testing.B, w *Warehouse, q KPIQuery) {
	ctx := context.Background()
	p, err := w.kpiParamsOf(q)
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
				if err := fam.run(ctx, tx, q.GroupBy, p, newKPIAccumulator(q.GroupBy, p)); err != nil {
					b.Fatal(err)
				}
				if err := tx.Rollback(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
