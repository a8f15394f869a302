package synth

import (
	"context"
	"testing"
)

func benchmarkGenerate(b *testing.B, cfg Config) {
	if testing.Short() {
		b.Skip("writes a full-size hotel")
	}
	var rows int
	for b.Loop() {
		cfg.OutDir = b.TempDir()
		sum, err := Generate(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		rows = 0
		for _, f := range sum.Files {
			rows += f.Rows
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkGenerateClean is the bulk-load benchmark's input: a million guests
// and about ten million stays.
func BenchmarkGenerateClean(b *testing.B) {
	benchmarkGenerate(b, Config{End: testEnd, Guests: 1_000_000, Clean: true})
}

// BenchmarkGenerateMessy is a large hotel's exports with all their mess.
func BenchmarkGenerateMessy(b *testing.B) {
	benchmarkGenerate(b, Config{End: testEnd, Guests: 100_000})
}

// BenchmarkGenerateCleanSparse is the sparse analyze benchmark's input: a
// million guests, most of whom come once (about 2.2 million stays).
func BenchmarkGenerateCleanSparse(b *testing.B) {
	benchmarkGenerate(b, Config{End: testEnd, Guests: 1_000_000, Clean: true, Shape: ShapeSparse})
}

// BenchmarkGenerateMessySparse is a large sparse hotel's exports.
func BenchmarkGenerateMessySparse(b *testing.B) {
	benchmarkGenerate(b, Config{End: testEnd, Guests: 100_000, Shape: ShapeSparse})
}
