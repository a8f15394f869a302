package load_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// BenchmarkImportStays loads 200,000 stays that name 1,000 known guests; the
// full-size comparison with DuckDB's COPY is the bench/ingest harness.
func BenchmarkImportStays(b *testing.B) {
	dir := b.TempDir()
	guests, stays := whtest.WriteBigStays(b, dir, 200_000)
	info, err := os.Stat(stays)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	for i := 0; i < b.N; i++ {
		w, err := warehouse.Open(context.Background(), warehouse.Config{Path: filepath.Join(dir, "b.duckdb"), Threads: 2, MemoryLimit: "2GB"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := load.Files(context.Background(), w, []string{guests, stays}, whtest.Options()); err != nil {
			b.Fatal(err)
		}
		w.Close()
		os.Remove(filepath.Join(dir, "b.duckdb"))
	}
}
