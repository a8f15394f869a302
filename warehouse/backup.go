package warehouse

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/warehouse/csvstage"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// A backup is a second DuckDB file holding every table of the warehouse as
// of one snapshot, taken while the warehouse serves. It is made with
// ATTACH of a new file and COPY FROM DATABASE inside one transaction: the
// copy is a single statement of that transaction, so it is one consistent
// snapshot, and the digests counted in the same transaction describe
// exactly what was copied; the tables' primary keys and the guest_visits
// macro come along. Measured on 2M stays (a 23 MB file, 2 cores): COPY
// FROM DATABASE 1.2–1.3 s; EXPORT DATABASE to Parquet and IMPORT DATABASE
// into a fresh file 1.7–3.1 s, through a 58 MB folder in between; reads
// took 3–9 ms during either, as before. Copying the file's bytes would
// need every writer stopped and a checkpoint first. On one thread (under
// InBackground) the copy takes twice as long. A generated hotel of 50,000
// guests (26 MB, 541k rows): `revisit backup` 0.83 s all told, restore
// with its checks 0.13 s.

// Digest sums up a table: its rows, and the sum of DuckDB's hash of every
// row. The sum does not depend on row order, and unlike an XOR two equal
// rows do not cancel out. It is DuckDB's hash: compare digests made by the
// same DuckDB version.
type Digest struct {
	Rows int64  `json:"rows"`
	Hash string `json:"hash"` // decimal
}

// BackupManifest is the JSON file beside a backup: what it holds, to check
// a copy against before restoring it.
type BackupManifest struct {
	File          string            `json:"file"`           // the backup's file name
	Source        string            `json:"source"`         // the warehouse file it was taken from
	TakenAt       time.Time         `json:"taken_at"`       // the snapshot's moment
	SchemaVersion int               `json:"schema_version"` // of the copied schema_migrations
	DuckDB        string            `json:"duckdb_version"`
	Rows          int64             `json:"rows"` // over every table
	Tables        map[string]Digest `json:"tables"`
}

// BackupResult is a backup written: its file and what it holds.
type BackupResult struct {
	Path     string
	Manifest BackupManifest
}

// ManifestPath is where the manifest of the backup at path is.
func ManifestPath(path string) string { return path + ".json" }

// Backup writes a consistent copy of the whole warehouse into dir, a folder
// that must exist, as revisit-YYYYMMDD-HHMMSS.duckdb (hotel time of
// audit.At; -2, -3, … when taken within the same second) with its manifest
// beside it. Reads and writes go on meanwhile. The file appears only when
// it is complete, and the backup is in the audit log before it does: a
// backup holds every guest's personal data.
func (w *Warehouse) Backup(ctx context.Context, dir string, audit AuditEntry) (BackupResult, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return BackupResult{}, fmt.Errorf("warehouse: backup: %s is not an existing folder", dir)
	}
	if audit.At.IsZero() {
		audit.At = time.Now()
	}
	audit.Action = AuditBackup
	if err := checkAuditEntry(audit); err != nil {
		return BackupResult{}, fmt.Errorf("warehouse: backup: audit: %w", err)
	}
	base := "revisit-" + audit.At.In(w.location()).Format("20060102-150405")
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	partial := filepath.Join(dir, base+".duckdb."+hex.EncodeToString(suffix)+".partial")
	alias := "revisit_backup_" + hex.EncodeToString(suffix)
	defer os.Remove(partial)
	defer os.Remove(walPath(partial))

	m, err := w.copyInto(ctx, partial, alias)
	if err != nil {
		return BackupResult{}, fmt.Errorf("warehouse: backup: %w", err)
	}
	if err := os.Chmod(partial, 0o600); err != nil {
		return BackupResult{}, fmt.Errorf("warehouse: backup: %w", err)
	}
	audit.Rows = m.Rows
	path, err := publishBackup(dir, base, partial, &m, func(name string) error {
		audit.Target = name
		return w.Audit(ctx, audit)
	})
	if err != nil {
		return BackupResult{}, fmt.Errorf("warehouse: backup: %w", err)
	}
	return BackupResult{Path: path, Manifest: m}, nil
}

// copyInto copies every table into a new DuckDB file at path, attached as
// alias for the while, and returns its manifest but for the file name.
func (w *Warehouse) copyInto(ctx context.Context, path, alias string) (BackupManifest, error) {
	m := BackupManifest{Source: w.path}
	if abs, err := filepath.Abs(w.path); err == nil {
		m.Source = abs
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return m, err
	}
	defer conn.Close()
	var source string
	if err := conn.QueryRowContext(ctx, "SELECT current_database(), version()").Scan(&source, &m.DuckDB); err != nil {
		return m, err
	}
	if _, err := conn.ExecContext(ctx, "ATTACH "+csvstage.Quote(path)+" AS "+alias); err != nil {
		return m, fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	defer conn.ExecContext(context.Background(), "DETACH DATABASE IF EXISTS "+alias)
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return m, err
	}
	// After a failed statement DuckDB's COMMIT quietly rolls back: every
	// error returns before it, and the ROLLBACK ends what is left.
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	if err := conn.QueryRowContext(ctx, "SELECT now(), (SELECT max(version) FROM schema_migrations)").
		Scan(&m.TakenAt, &m.SchemaVersion); err != nil {
		return m, err
	}
	if m.Tables, err = tableDigests(ctx, conn, source); err != nil {
		return m, err
	}
	if _, err := conn.ExecContext(ctx, "COPY FROM DATABASE "+sqlIdent(source)+" TO "+alias); err != nil {
		return m, fmt.Errorf("copy: %w", err)
	}
	copied, err := tableDigests(ctx, conn, alias)
	if err != nil {
		return m, err
	}
	if err := sameDigests(m.Tables, copied, true); err != nil {
		return m, fmt.Errorf("the copy differs from the warehouse: %w", err)
	}
	for _, d := range m.Tables {
		m.Rows += d.Rows
	}
	// Once committed, the copy's tables are in every connection's catalog
	// until DETACH, and a query that names a table by schema and name only
	// would find two: the loader's column lookup (csvColumns, which does
	// not filter on table_catalog) runs under the writer lock, so hold it
	// for these milliseconds. Before COMMIT no one else sees the copy.
	w.writeMu.Lock()
	err = commitAndDetach(ctx, conn, alias)
	w.writeMu.Unlock()
	if err != nil {
		return m, err
	}
	if HasWAL(path) {
		return m, errors.New("the copy left a write-ahead log behind")
	}
	return m, nil
}

// commitAndDetach commits the copy, writes it out and detaches it; on an
// error it still detaches it before returning.
func commitAndDetach(ctx context.Context, conn *sql.Conn, alias string) error {
	for _, step := range []string{"COMMIT", "CHECKPOINT " + alias, "DETACH " + alias} {
		if _, err := conn.ExecContext(ctx, step); err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			_, _ = conn.ExecContext(context.Background(), "DETACH DATABASE IF EXISTS "+alias)
			return fmt.Errorf("%s: %w", strings.ToLower(strings.Fields(step)[0]), err)
		}
	}
	return nil
}

// publishBackup gives the complete copy at partial its name: the first of
// base.duckdb, base-2.duckdb, … not taken. The manifest is created first,
// exclusively, which reserves the name; record runs next (the audit), and
// only then does the copy appear under the name.
func publishBackup(dir, base, partial string, m *BackupManifest, record func(name string) error) (string, error) {
	for i := 1; i < 100; i++ {
		name := base + ".duckdb"
		if i > 1 {
			name = base + "-" + strconv.Itoa(i) + ".duckdb"
		}
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err == nil {
			continue
		}
		m.File = name
		err := writeManifest(ManifestPath(path), m)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := record(name); err != nil {
			os.Remove(ManifestPath(path))
			return "", err
		}
		if err := os.Link(partial, path); err != nil {
			os.Remove(ManifestPath(path))
			return "", fmt.Errorf("name the copy %s: %w", name, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("%s holds 99 backups of %s already", dir, base)
}

func writeManifest(path string, m *BackupManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// ReadManifest reads the manifest beside the backup at path.
func ReadManifest(path string) (BackupManifest, error) {
	var m BackupManifest
	b, err := os.ReadFile(ManifestPath(path))
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("%s has no manifest beside it (%s): not a revisit backup, or its manifest was lost",
			path, filepath.Base(ManifestPath(path)))
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil || len(m.Tables) == 0 {
		return m, fmt.Errorf("%s is not a backup manifest", ManifestPath(path))
	}
	return m, nil
}

// TableDigests sums up every table of the warehouse, all in one snapshot.
func (w *Warehouse) TableDigests(ctx context.Context) (map[string]Digest, error) {
	var out map[string]Digest
	err := w.InSnapshot(ctx, func(s *Snapshot) error {
		var db string
		if err := s.conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&db); err != nil {
			return err
		}
		var err error
		out, err = tableDigests(ctx, s.conn, db)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("warehouse: table digests: %w", err)
	}
	return out, nil
}

// tableDigests sums up every table of the database catalog; tables outside
// the main schema are named schema.table.
func tableDigests(ctx context.Context, q querier, catalog string) (map[string]Digest, error) {
	rows, err := q.QueryContext(ctx, `SELECT schema_name, table_name FROM duckdb_tables()
		WHERE database_name = ? AND NOT internal ORDER BY schema_name, table_name`, catalog)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var tables [][2]string
	for rows.Next() {
		var schema, table string
		if err := rows.Scan(&schema, &table); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list tables: %w", err)
		}
		tables = append(tables, [2]string{schema, table})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	out := make(map[string]Digest, len(tables))
	for _, t := range tables {
		var d Digest
		if err := q.QueryRowContext(ctx, "SELECT count(*), CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) FROM "+
			sqlIdent(catalog)+"."+sqlIdent(t[0])+"."+sqlIdent(t[1])+" AS t").Scan(&d.Rows, &d.Hash); err != nil {
			return nil, fmt.Errorf("digest of %s: %w", t[1], err)
		}
		name := t[1]
		if t[0] != "main" {
			name = t[0] + "." + t[1]
		}
		out[name] = d
	}
	return out, nil
}

// sameDigests says how got differs from want; hashes are compared only
// when withHash (digests of the same DuckDB version).
func sameDigests(want, got map[string]Digest, withHash bool) error {
	var diffs []string
	for _, name := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[name]
		switch {
		case !ok:
			diffs = append(diffs, name+" is missing")
		case g.Rows != want[name].Rows:
			diffs = append(diffs, fmt.Sprintf("%s has %d rows, not %d", name, g.Rows, want[name].Rows))
		case withHash && g.Hash != want[name].Hash:
			diffs = append(diffs, name+"'s content differs")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, name+" is extra")
		}
	}
	if len(diffs) > 0 {
		return errors.New(strings.Join(diffs, "; "))
	}
	return nil
}

// Restore makes dst.Path a copy of the backup at src, after checking the
// copy against the backup's manifest; then it opens it as a warehouse,
// which brings its schema up to date, and closes it. It refuses a dst.Path
// that exists (or has a write-ahead log): restoring never overwrites a
// warehouse. Nothing is left at dst.Path when a check fails.
func Restore(ctx context.Context, src string, dst Config) (err error) {
	if dst.Path == "" {
		return errors.New("warehouse: restore: no path to restore into")
	}
	for _, p := range []string{dst.Path, walPath(dst.Path)} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("warehouse: restore: %s exists: restore into a new path, never over a warehouse", p)
		}
	}
	m, err := ReadManifest(src)
	if err != nil {
		return fmt.Errorf("warehouse: restore: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst.Path), 0o755); err != nil {
		return fmt.Errorf("warehouse: restore: %w", err)
	}
	partial, err := copyToPartial(src, dst.Path)
	if err != nil {
		return fmt.Errorf("warehouse: restore: %w", err)
	}
	defer os.Remove(partial)
	defer os.Remove(walPath(partial))
	// The bytes checked are the bytes restored.
	if err := verifyBackup(ctx, partial, m, dst); err != nil {
		return fmt.Errorf("warehouse: restore: %s: %w", src, err)
	}
	if err := os.Link(partial, dst.Path); err != nil {
		return fmt.Errorf("warehouse: restore: %w", err)
	}
	defer func() {
		if err != nil {
			os.Remove(dst.Path)
			os.Remove(walPath(dst.Path))
		}
	}()
	w, err := Open(ctx, dst)
	if err != nil {
		return fmt.Errorf("warehouse: restore: the copy does not open as a warehouse: %w", err)
	}
	return w.Close()
}

// copyToPartial copies src beside dst under a name of its own.
func copyToPartial(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.partial")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// verifyBackup opens the copy at path read-only and checks its tables
// against the manifest: every table, its rows, and, when the manifest was
// made by this DuckDB, each table's content hash. DuckDB checks its blocks'
// checksums as it reads them, so a damaged file fails here too.
func verifyBackup(ctx context.Context, path string, m BackupManifest, cfg Config) error {
	q := url.Values{}
	q.Set("access_mode", "READ_ONLY")
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	if cfg.Threads > 0 {
		q.Set("threads", strconv.Itoa(cfg.Threads))
	}
	if cfg.MemoryLimit != "" {
		q.Set("memory_limit", cfg.MemoryLimit)
	}
	connector, err := duckdb.NewConnector(path+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("does not open: %w", err)
	}
	defer connector.Close()
	db := sql.OpenDB(connector)
	defer db.Close()
	var catalog, version string
	if err := db.QueryRowContext(ctx, "SELECT current_database(), version()").Scan(&catalog, &version); err != nil {
		return fmt.Errorf("does not open: %w", err)
	}
	got, err := tableDigests(ctx, db, catalog)
	if err != nil {
		return err
	}
	if err := sameDigests(m.Tables, got, version == m.DuckDB); err != nil {
		return fmt.Errorf("does not match its manifest: %w", err)
	}
	return nil
}

// location is the hotel's zone, for names people read.
func (w *Warehouse) location() *time.Location {
	return w.loc
}

// sqlIdent quotes a name for SQL.
func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
