package warehouse_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"

	"github.com/revisit-hotel/revisit/api/roles"
)

// backupT0 is when the backups of these tests are asked for.
var backupT0 = time.Date(2026, 11, 22, 17, 0, 0, 0, whtest.Shanghai)

// hotelToBackUp is a warehouse with guests, stays, feedback, a token and
// audit entries.
func hotelToBackUp(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	var guests, stays []string
	guests = append(guests, "客户编号,姓名,手机")
	stays = append(stays, "单号,客户编号,消费场所,到店时间,离店时间,消费金额")
	for i := range 300 {
		guests = append(guests, fmt.Sprintf("G%03d,客人%d,139%08d", i, i, i))
		for v := range 3 {
			a := time.Date(2025, 1, 1, 15, 0, 0, 0, whtest.Shanghai).AddDate(0, 0, i+40*v)
			stays = append(stays, fmt.Sprintf("S%03d-%d,G%03d,客房,%s,%s,%d", i, v, i,
				a.Format("2006-01-02 15:04"), a.Add(44*time.Hour).Format("2006-01-02 15:04"), 300+i))
		}
	}
	whtest.Import(t, w, whtest.Options(),
		whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines(guests...)),
		whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines(stays...)),
		whtest.WriteFile(t, dir, "feedback.csv", whtest.CSVLines("表单号,单号,总体满意度,意见建议,投诉",
			"F1,S001-0,2,房间太吵,是", "F2,S002-1,5,很好,否")))
	if _, _, err := w.CreateToken(context.Background(), "ops", roles.Admin, "", nil, "cli", backupT0); err != nil {
		t.Fatal(err)
	}
	return w
}

func backupAs(actor string) warehouse.AuditEntry {
	return warehouse.AuditEntry{At: backupT0, Actor: actor, Role: roles.Admin, ClientIP: "10.0.0.5"}
}

func TestBackupIsOneSnapshotWhileReadsAndWritesGoOn(t *testing.T) {
	w := hotelToBackUp(t)
	ctx := context.Background()
	before, err := w.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// One goroutine keeps reading, one keeps writing audit entries, from
	// before the backup starts until after it ends.
	var started, ended atomic.Int64 // the backup's start and end, UnixNano
	var readsDuring, readErrs, writes atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			t0 := time.Now().UnixNano()
			var n int64
			if err := w.DB().QueryRowContext(ctx, "SELECT count(*) FROM stays WHERE spend_cents > 0").Scan(&n); err != nil || n != 900 {
				readErrs.Add(1)
			}
			if s := started.Load(); s != 0 && t0 > s && ended.Load() == 0 {
				readsDuring.Add(1)
			}
		}
	})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := w.Audit(ctx, warehouse.AuditEntry{At: backupT0, Actor: "probe", Role: roles.Admin, Action: warehouse.AuditExport, Target: fmt.Sprint(i)}); err != nil {
				t.Error(err)
				return
			}
			writes.Add(1)
		}
	})
	for writes.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	dir := t.TempDir()
	started.Store(time.Now().UnixNano())
	res, err := w.Backup(ctx, dir, backupAs("ops"))
	ended.Store(time.Now().UnixNano())
	for n := writes.Load(); writes.Load() < n+3; {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("during the backup: %d reads", readsDuring.Load())
	if readErrs.Load() > 0 || readsDuring.Load() == 0 {
		t.Errorf("reads during the backup: %d, %d failed", readsDuring.Load(), readErrs.Load())
	}

	// The file, its manifest, and nothing half-written beside them.
	if filepath.Base(res.Path) != "revisit-20261122-170000.duckdb" || filepath.Dir(res.Path) != dir {
		t.Errorf("backup written to %s", res.Path)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "revisit-20261122-170000.duckdb revisit-20261122-170000.duckdb.json" {
		t.Errorf("the backup folder holds %v", names)
	}
	m, err := warehouse.ReadManifest(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	if m.File != filepath.Base(res.Path) || m.SchemaVersion != warehouse.SchemaVersion() || !maps.Equal(m.Tables, res.Manifest.Tables) ||
		m.Rows != res.Manifest.Rows || m.DuckDB == "" || m.TakenAt.IsZero() || !filepath.IsAbs(m.Source) {
		t.Errorf("manifest %+v", m)
	}
	if len(m.Tables) != len(before) || m.Tables["schema_migrations"].Rows != int64(warehouse.SchemaVersion()) {
		t.Errorf("backup of %d tables, the warehouse has %d: %v", len(m.Tables), len(before), m.Tables)
	}

	// The snapshot: what nobody wrote is as it was; the audit log, written
	// throughout, is copied up to a moment, with no entry missing before it.
	for name, d := range before {
		if name != "audit_log" && m.Tables[name] != d {
			t.Errorf("%s: backed up %+v, the warehouse held %+v", name, m.Tables[name], d)
		}
	}
	after, err := w.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Tables["audit_log"].Rows; got <= before["audit_log"].Rows || got >= after["audit_log"].Rows {
		t.Errorf("audit log: %d entries backed up, %d before the backup, %d after", got, before["audit_log"].Rows, after["audit_log"].Rows)
	}

	// Restored, it holds exactly what the manifest says, opens as a
	// warehouse, and the macro of migration 0002 works in it.
	dst := filepath.Join(t.TempDir(), "restored", "w.duckdb")
	if err := warehouse.Restore(ctx, res.Path, warehouse.Config{Path: dst, Threads: 2, MemoryLimit: "1GB"}); err != nil {
		t.Fatal(err)
	}
	r, err := warehouse.Open(ctx, warehouse.Config{Path: dst, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	restored, err := r.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(restored, m.Tables) {
		t.Errorf("restored digests %v\ndiffer from the backup's %v", restored, m.Tables)
	}
	if n := whtest.QueryInt(t, r, "SELECT max(entry_id) - count(*) FROM audit_log"); n != 0 {
		t.Errorf("the restored audit log misses %d entries", n)
	}
	if n := whtest.QueryInt(t, r, "SELECT count(*) FROM guest_visits(TIMESTAMPTZ '2030-01-01 00:00:00+08')"); n != 900 {
		t.Errorf("guest_visits in the restored warehouse: %d visits, want 900", n)
	}

	// The backup is on record, with its file and its rows.
	log, err := w.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range log {
		if e.Action == warehouse.AuditBackup {
			found = true
			if e.Actor != "ops" || e.Target != filepath.Base(res.Path) || e.Rows != m.Rows || e.ClientIP != "10.0.0.5" {
				t.Errorf("audit entry %+v", e)
			}
		}
	}
	if !found {
		t.Error("the backup is not in the audit log")
	}
}

func TestBackupRefusesAMissingFolderAndNamesTwoOfOneSecondApart(t *testing.T) {
	w := hotelToBackUp(t)
	ctx := context.Background()
	if _, err := w.Backup(ctx, filepath.Join(t.TempDir(), "nope"), backupAs("ops")); err == nil || !strings.Contains(err.Error(), "not an existing folder") {
		t.Errorf("backup into a missing folder: %v", err)
	}
	dir := t.TempDir()
	var got []string
	for range 2 {
		res, err := w.Backup(ctx, dir, backupAs("ops"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, filepath.Base(res.Path))
	}
	if want := "revisit-20261122-170000.duckdb revisit-20261122-170000-2.duckdb"; strings.Join(got, " ") != want {
		t.Errorf("two backups of one second named %v, want %s", got, want)
	}
}

func TestRestoreRefusesAnExistingPathAndADamagedBackup(t *testing.T) {
	w := hotelToBackUp(t)
	ctx := context.Background()
	res, err := w.Backup(ctx, t.TempDir(), backupAs("ops"))
	if err != nil {
		t.Fatal(err)
	}
	good := whtest.MustRead(t, res.Path)
	manifest := whtest.MustRead(t, warehouse.ManifestPath(res.Path))

	cases := []struct {
		name    string
		damage  func(db, manifest []byte) ([]byte, []byte)
		want    string
		present string // a file already at the restore path: "db" or "wal"
	}{
		{name: "an existing warehouse", present: "db", want: "exists"},
		{name: "a write-ahead log left at the path", present: "wal", want: "exists"},
		{name: "a truncated file", damage: func(db, m []byte) ([]byte, []byte) { return db[:len(db)/2], m }, want: "does not open"},
		// A byte flipped in every 4 KiB past the file's three headers: in
		// every block, the ones in use too.
		{name: "damaged blocks", damage: func(db, m []byte) ([]byte, []byte) {
			db = append([]byte(nil), db...)
			for i := 3*4096 + 100; i < len(db); i += 4096 {
				db[i] ^= 0xff
			}
			return db, m
		}, want: "checksum"},
		{name: "a manifest that disagrees", damage: func(db, m []byte) ([]byte, []byte) {
			var man warehouse.BackupManifest
			if err := json.Unmarshal(m, &man); err != nil {
				t.Fatal(err)
			}
			d := man.Tables["stays"]
			d.Hash += "1"
			man.Tables["stays"] = d
			m, _ = json.Marshal(man)
			return db, m
		}, want: "stays's content differs"},
		{name: "no manifest", damage: func(db, m []byte) ([]byte, []byte) { return db, nil }, want: "no manifest"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "b.duckdb")
			db, m := good, manifest
			if tc.damage != nil {
				db, m = tc.damage(good, manifest)
			}
			whtest.WriteFile(t, filepath.Dir(src), filepath.Base(src), db)
			if m != nil {
				whtest.WriteFile(t, filepath.Dir(src), filepath.Base(warehouse.ManifestPath(src)), m)
			}
			dstDir := t.TempDir()
			dst := filepath.Join(dstDir, "w.duckdb")
			switch tc.present {
			case "db":
				whtest.WriteFile(t, dstDir, "w.duckdb", []byte("the live warehouse"))
			case "wal":
				whtest.WriteFile(t, dstDir, "w.duckdb.wal", []byte("a log"))
			}
			err := warehouse.Restore(ctx, src, warehouse.Config{Path: dst, Threads: 1, MemoryLimit: "1GB"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore: %v; want an error saying %q", err, tc.want)
			}
			left, err := os.ReadDir(dstDir)
			if err != nil {
				t.Fatal(err)
			}
			if tc.present == "" && len(left) > 0 {
				t.Errorf("a refused restore left %v", left[0].Name())
			}
			if tc.present == "db" && string(whtest.MustRead(t, dst)) != "the live warehouse" {
				t.Error("the restore overwrote an existing warehouse")
			}
		})
	}
}
