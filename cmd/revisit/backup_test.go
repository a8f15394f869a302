package main

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// smallWarehouse ingests a few guests and stays into a new warehouse and
// returns its path and the environment that names it.
func smallWarehouse(t *testing.T) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	if err := os.WriteFile(filepath.Join(dir, "guests.csv"), []byte("客户编号,姓名,手机\nG1,张伟,13812345678\nG2,李娜,13900002222\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stays.csv"), []byte("单号,客户编号,到店时间,离店时间,管家\n"+
		"S1,G1,2026-11-20 15:00,2026-11-22 11:00,B01\nS2,G2,2026-11-21 15:00,2026-11-22 10:00,B02\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"REVISIT_DB": db}
	if code, _, stderr := runCLI(t, env, "ingest", dir); code != 0 {
		t.Fatalf("ingest: %d %s", code, stderr)
	}
	return db, env
}

// digestsOf opens the warehouse at path and sums up its tables.
func digestsOf(t *testing.T, path string) map[string]warehouse.Digest {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.Config{Path: path, Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	d, err := w.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// withoutAuditLog is d but the audit log, which a backup adds its own entry to.
func withoutAuditLog(d map[string]warehouse.Digest) map[string]warehouse.Digest {
	c := maps.Clone(d)
	delete(c, "audit_log")
	return c
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	db, env := smallWarehouse(t)
	before := digestsOf(t, db)
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, env, "backup", "--out", out)
	if code != 0 {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	path := strings.TrimSpace(stdout)
	if filepath.Dir(path) != out || !strings.HasPrefix(filepath.Base(path), "revisit-") || !strings.Contains(stderr, "backed up") {
		t.Fatalf("backup said %q on stdout, %q on stderr", stdout, stderr)
	}
	m, err := warehouse.ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(m.Tables, before) {
		t.Errorf("the backup holds %v, the warehouse held %v", m.Tables, before)
	}
	if after := digestsOf(t, db); !maps.Equal(withoutAuditLog(after), withoutAuditLog(before)) ||
		after["audit_log"].Rows != before["audit_log"].Rows+1 {
		t.Errorf("after the backup the warehouse holds %v, before %v: want one audit entry more", after, before)
	}

	restored := filepath.Join(t.TempDir(), "restored.duckdb")
	code, stdout, stderr = runCLI(t, nil, "restore", "--from", path, "--db", restored)
	if code != 0 || !strings.Contains(stdout, "restored "+filepath.Base(path)) || !strings.Contains(stderr, "ID-number key") {
		t.Fatalf("restore: exit %d: %q %q", code, stdout, stderr)
	}
	if got := digestsOf(t, restored); !maps.Equal(got, m.Tables) {
		t.Errorf("restored %v, the backup holds %v", got, m.Tables)
	}

	// Never over a warehouse, and only a folder that exists.
	if code, _, stderr := runCLI(t, nil, "restore", "--from", path, "--db", restored); code != 1 || !strings.Contains(stderr, "exists") {
		t.Errorf("restore over a warehouse: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "backup", "--out", filepath.Join(out, "nope")); code != exitUsage || !strings.Contains(stderr, "not an existing folder") {
		t.Errorf("backup into a missing folder: exit %d, %q", code, stderr)
	}
}

func TestBackupOfAWarehouseHeldByAServerGoesThroughIt(t *testing.T) {
	db, env := smallWarehouse(t)
	code, token, stderr := runCLI(t, env, "token", "create", "--role", "admin", "--name", "ops")
	if code != 0 {
		t.Fatalf("token: %d %s", code, stderr)
	}
	token = strings.TrimSpace(token)
	serverDir := t.TempDir()
	addr := freeAddr(t)
	var logs bytes.Buffer
	server := revisitProcess("serve", "--db", db, "--addr", addr, "--nightly", "off", "--backup-dir", serverDir)
	server.Stderr = &logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Process.Kill()
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never became ready:\n%s", logs.String())
		}
	}

	// Without the server's address: told who holds it and what to do.
	out := t.TempDir()
	code, _, stderr = runCLI(t, env, "backup", "--out", out)
	if code != 1 || !strings.Contains(stderr, "in use by PID "+strconv.Itoa(server.Process.Pid)) || !strings.Contains(stderr, "--server URL --token") {
		t.Errorf("backup of a held warehouse: exit %d, %q", code, stderr)
	}
	// With it (from the environment): the server writes the backup.
	env["REVISIT_SERVER"], env["REVISIT_TOKEN"] = base, token
	code, stdout, stderr := runCLI(t, env, "backup", "--out", out)
	if code != 0 || !strings.Contains(stderr, "through the server") {
		t.Fatalf("backup through the server: exit %d, %q", code, stderr)
	}
	path := filepath.Join(serverDir, strings.TrimSpace(stdout))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the server says it wrote %q: %v", stdout, err)
	}
	if left, err := os.ReadDir(out); err != nil || len(left) > 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("--out got %s: the server writes into its own folder", left[0].Name())
	}
	// A token that is not an admin's is told so.
	env["REVISIT_TOKEN"] = "rv_nonsense"
	if code, _, stderr := runCLI(t, env, "backup"); code != 1 || !strings.Contains(stderr, "401") {
		t.Errorf("backup with a bad token: exit %d, %q", code, stderr)
	}

	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := server.Wait(); err != nil {
		t.Fatalf("serve: %v\n%s", err, logs.String())
	}
	restored := filepath.Join(t.TempDir(), "restored.duckdb")
	if code, _, stderr := runCLI(t, nil, "restore", "--from", path, "--db", restored); code != 0 {
		t.Fatalf("restore: exit %d: %s", code, stderr)
	}
	m, err := warehouse.ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := digestsOf(t, restored); !maps.Equal(got, m.Tables) {
		t.Errorf("restored %v, the backup holds %v", got, m.Tables)
	}
	if d := digestsOf(t, db); d["stays"] != m.Tables["stays"] || d["profiles"] != m.Tables["profiles"] {
		t.Errorf("the backup's stays and profiles differ from the warehouse's")
	}
}
