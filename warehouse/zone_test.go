package warehouse

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The hotel's zone is resolved once, at Open: a zone Go cannot load is an
// error there, and Location gives the zone everything else computes in.
func TestZoneIsResolvedOnceAtOpen(t *testing.T) {
	ctx := context.Background()
	_, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 1, MemoryLimit: "512MB", TimeZone: "Mars/Olympus"})
	if err == nil || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Fatalf("opening with an unknown zone: %v, want an error naming it", err)
	}
	w, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 1, MemoryLimit: "512MB", TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	// 2026-07-01 12:00 UTC is 08:00 in New York (EDT, UTC-4), whatever the
	// machine's zone.
	if got := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).In(w.Location()).Hour(); got != 8 {
		t.Errorf("noon UTC is %d h in the warehouse's zone, want 8 (New York in summer)", got)
	}
	if w.Location().String() != "America/New_York" {
		t.Errorf("Location %q", w.Location())
	}
}
