package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Issue 13 row 6: the warehouse file holds every guest's name and mobile;
// created 0644 it was readable by any local user.
func TestOpenCreatesTheWarehousePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(context.Background(), Config{Path: path, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("a new warehouse file has mode %#o, want 0600", perm)
	}
	if len(w.Exposed()) != 0 {
		t.Errorf("a new warehouse reports exposed files: %v", w.Exposed())
	}
}

// An existing file left readable by others is reported (not silently
// changed: its owner may have widened it on purpose), its WAL too.
func TestOpenReportsAnExistingLooserFileAndWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, Config{Path: path, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	// A WAL left by a process that did not close: an empty one is replayed
	// as nothing.
	if err := os.WriteFile(walPath(path), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(walPath(path), 0o640); err != nil {
		t.Fatal(err)
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
	got := w.Exposed()
	want := []ExposedFile{{Path: path, Mode: 0o644}, {Path: walPath(path), Mode: 0o640}}
	if !slices.Equal(got, want) {
		t.Fatalf("exposed files %v, want %v", got, want)
	}
	if s := got[0].String(); s != path+" (mode 0644)" {
		t.Errorf("exposed file reads %q", s)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("open changed an existing file's mode to %#o", st.Mode().Perm())
	}
}
