package warehouse

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations in version order. File names are
// NNNN_name.sql; the number is the schema version the file brings.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		body, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest schema this program knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// migrate applies each missing migration in its own transaction, then
// checkpoints so that no DDL is left in the write-ahead log.
func (w *Warehouse) migrate(ctx context.Context) error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("warehouse: migrations: %w", err)
	}
	if _, err := w.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("warehouse: migrations table: %w", err)
	}
	var current int
	if err := w.db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("warehouse: read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("warehouse: %s has schema version %d, newer than this program's %d: use a newer revisit", w.path, current, len(ms))
	}
	applied := false
	for _, m := range ms[current:] {
		if err := w.apply(ctx, m); err != nil {
			return err
		}
		applied = true
	}
	if applied || HasWAL(w.path) {
		if _, err := w.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
			return fmt.Errorf("warehouse: checkpoint after migrations: %w", err)
		}
	}
	return nil
}

func (w *Warehouse) apply(ctx context.Context, m migration) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warehouse: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("warehouse: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations VALUES (?, ?, now())", m.version, m.name); err != nil {
		return fmt.Errorf("warehouse: record migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("warehouse: commit migration %s: %w", m.name, err)
	}
	return nil
}
