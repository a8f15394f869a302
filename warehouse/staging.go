package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/revisit-hotel/revisit/warehouse/csvstage"
)

// The staging area is a folder beside the warehouse file, its owner's
// alone (0700), where files wait while they load: uploads, as they arrive.
// They hold guests' data, so they never go to the system's temporary
// folder, where a process killed mid-upload would leave them for good:
// here, what a killed run left is removed the next time the warehouse
// opens (holding its lock, no one else can be using it).

// stagingDir is the staging area of the warehouse at path.
func stagingDir(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".staging")
}

// resetStaging empties the staging area (or makes it) and makes it private.
func resetStaging(path string) error {
	dir := stagingDir(path)
	if err := os.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("warehouse: clear the staging area %s: %w", dir, err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return fmt.Errorf("warehouse: make the staging area %s: %w", dir, err)
	}
	return nil
}

// StagingFolder makes a private folder in the warehouse's staging area for
// one load's files (an upload's), named after prefix. The caller removes
// it when done; a folder left by a killed process goes at the next Open.
func (w *Warehouse) StagingFolder(prefix string) (string, error) {
	dir := stagingDir(w.path)
	if err := os.MkdirAll(dir, 0o700); err != nil { // removed under us: made again
		return "", fmt.Errorf("warehouse: staging area: %w", err)
	}
	sub, err := os.MkdirTemp(dir, prefix)
	if err != nil {
		return "", fmt.Errorf("warehouse: staging folder: %w", err)
	}
	return sub, nil
}

// StagingArea is the warehouse's staging area, made again if it was
// removed: a load's unpacked workbooks wait there.
func (w *Warehouse) StagingArea() (string, error) {
	dir := stagingDir(w.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("staging area: %w", err)
	}
	return dir, nil
}

// stagedColumn is a column stageAndInsert fills, with its DuckDB type.
type stagedColumn struct{ name, typ string }

// stageAndInsert writes n rows through write into a staging file beside the
// warehouse and has DuckDB insert them into table on conn. With cols, the
// rows fill those columns, typed as given, and the table's others take their
// defaults (NULL), so a column added to the table later does not break the
// insert; without, they fill all of the table's columns, typed as it has them.
func (w *Warehouse) stageAndInsert(ctx context.Context, conn *sql.Conn, table string, cols []stagedColumn, n int, write func(c *csvstage.Row, i int)) error {
	if n == 0 {
		return nil
	}
	part, cleanup, err := csvstage.WriteAll(w.path, table, n, write)
	defer cleanup()
	if err != nil {
		return err
	}
	if cols == nil {
		types, err := csvstage.Columns(ctx, conn, table)
		if err != nil {
			return err
		}
		return csvstage.Insert(ctx, conn, table, "", types, part)
	}
	names := make([]string, len(cols))
	types := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
		types[i] = csvstage.Quote(col.name) + ": " + csvstage.Quote(col.typ)
	}
	return csvstage.Insert(ctx, conn, table, strings.Join(names, ", "), "{"+strings.Join(types, ", ")+"}", part)
}
