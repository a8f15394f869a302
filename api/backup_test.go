package api

import (
	"context"
	"maps"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
)

func TestBackupThroughTheAPIWritesAFileThatRestores(t *testing.T) {
	h := newHotel(t)
	dir := t.TempDir()
	ts := h.server(t, Config{Now: afternoon, BackupDir: dir})
	admin := h.tokens["admin"]
	ctx := context.Background()
	get(t, ts.URL+"/api/v1/jobs", admin) // a token's first use of the minute is written down: not during the backup
	before, err := h.w.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}

	res, out, _ := call(t, http.MethodPost, ts.URL+"/api/v1/backups", admin, "")
	if res.StatusCode != http.StatusCreated || out["file"] != "revisit-20261122-170000.duckdb" ||
		out["tables"] != float64(len(before)) || out["schema_version"] != float64(warehouse.SchemaVersion()) {
		t.Fatalf("backup: %d %v", res.StatusCode, out)
	}
	path := filepath.Join(dir, out["file"].(string))
	m, err := warehouse.ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(m.Tables, before) || out["rows"] != float64(m.Rows) {
		t.Errorf("the backup holds %v (%v rows), the warehouse %v", m.Tables, out["rows"], before)
	}

	dst := filepath.Join(t.TempDir(), "restored.duckdb")
	if err := warehouse.Restore(ctx, path, warehouse.Config{Path: dst, Threads: 2, MemoryLimit: "1GB"}); err != nil {
		t.Fatal(err)
	}
	r, err := warehouse.Open(ctx, warehouse.Config{Path: dst, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if restored, err := r.TableDigests(ctx); err != nil || !maps.Equal(restored, before) {
		t.Errorf("restored %v, %v; the warehouse held %v", restored, err, before)
	}

	// On record, naming the file and who took it.
	_, body := get(t, ts.URL+"/api/v1/audit", admin)
	items, _ := body["items"].([]any)
	var entries []map[string]any
	for _, it := range items {
		if e := it.(map[string]any); e["action"] == warehouse.AuditBackup {
			entries = append(entries, e)
		}
	}
	if len(entries) != 1 || entries[0]["target"] != out["file"] || entries[0]["actor"] != "admin" || entries[0]["rows"] != out["rows"] {
		t.Errorf("audit entries of the backup: %v", entries)
	}
}

func TestBackupNeedsABackupFolder(t *testing.T) {
	h := newHotel(t)
	for name, dir := range map[string]string{"none configured": "", "missing": filepath.Join(t.TempDir(), "gone")} {
		ts := h.server(t, Config{Now: afternoon, BackupDir: dir})
		res, out, _ := call(t, http.MethodPost, ts.URL+"/api/v1/backups", h.tokens["admin"], "")
		wantProblem(t, name, res, out, http.StatusServiceUnavailable)
	}
}
