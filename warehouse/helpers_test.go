package warehouse

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/revisit-hotel/revisit/internal/dbtest"
)

var shanghai = dbtest.Shanghai

// hotelTime is a Shanghai-local "YYYY-MM-DD HH:MM".
var hotelTime = dbtest.HotelTime

// openTemp opens a fresh warehouse in a temp dir and closes it at the end.
func openTemp(t *testing.T) *Warehouse {
	t.Helper()
	w, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	return w
}

// queryStrings runs q and returns each row's columns joined by "|", in order.
func queryStrings(t *testing.T, w *Warehouse, q string, args ...any) []string {
	t.Helper()
	return dbtest.QueryStrings(t, w.DB(), q, args...)
}

func queryInt(t *testing.T, w *Warehouse, q string, args ...any) int64 {
	t.Helper()
	return dbtest.QueryInt(t, w.DB(), q, args...)
}
