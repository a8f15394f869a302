package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Issue 13 row 7: a file staged by a run that was killed (it never removed
// its folder) is gone once the warehouse opens again, and the staging area
// is private and beside the warehouse, not in the system's temp folder.
func TestStagedFilesOfAKilledRunAreGoneAtTheNextOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, Config{Path: path, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := w.StagingFolder("upload-")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(filepath.Dir(dir)) != filepath.Dir(path) {
		t.Errorf("staged in %s, not beside the warehouse %s", dir, path)
	}
	area, err := os.Stat(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if perm := area.Mode().Perm(); perm != 0o700 {
		t.Errorf("the staging area has mode %#o, want 0700", perm)
	}
	left := filepath.Join(dir, "住客_1123.csv")
	if err := os.WriteFile(left, []byte("客户编号,姓名,证件号码\nG1,张伟,11010519491231002X\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // the folder is never removed: as after kill -9
		t.Fatal(err)
	}
	if _, err := os.Stat(left); err != nil {
		t.Fatalf("the leftover is not there to be cleaned: %v", err)
	}
	w, err = Open(ctx, Config{Path: path, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("the staged file of the killed run is still there: %v", err)
	}
	entries, err := os.ReadDir(stagingDir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("the staging area holds %d entries after open", len(entries))
	}
}
