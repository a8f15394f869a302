package csvstage

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Part is a finished file of staged rows.
type Part struct {
	Path string
	Rows int64
}

// Prefix names the staging folders of the warehouse at whPath.
func Prefix(whPath string) string { return "." + filepath.Base(whPath) + ".stage-" }

// Folder makes a fresh staging folder beside the warehouse at whPath.
func Folder(whPath string) (string, error) {
	dir, err := os.MkdirTemp(filepath.Dir(whPath), Prefix(whPath))
	if err != nil {
		return "", fmt.Errorf("staging folder: %w", err)
	}
	return dir, nil
}

// RemoveStale deletes staging folders a killed load left behind. Only the
// holder of the warehouse's lock may call it: no one else can be using them.
func RemoveStale(whPath string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(whPath), Prefix(whPath)+"*"))
	for _, m := range matches {
		_ = os.RemoveAll(m)
	}
}

// File is a staging file being written.
type File struct {
	f    *os.File
	w    *bufio.Writer
	part Part
}

// Create starts a staging file at path.
func Create(path string) (*File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("staging file: %w", err)
	}
	return &File{f: f, w: bufio.NewWriterSize(f, 1<<20), part: Part{Path: path}}, nil
}

// Write adds one finished line (a Row's Bytes after End).
func (s *File) Write(line []byte) error {
	s.part.Rows++
	if _, err := s.w.Write(line); err != nil {
		return fmt.Errorf("staging file: %w", err)
	}
	return nil
}

// Rows is how many lines were written so far.
func (s *File) Rows() int64 { return s.part.Rows }

// Close flushes and closes the file and returns it as a Part.
func (s *File) Close() (Part, error) {
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Part{}, fmt.Errorf("staging file: %w", err)
	}
	return s.part, nil
}

// Abandon closes the file without flushing, after a failure; the folder's
// removal deletes it.
func (s *File) Abandon() { _ = s.f.Close() }

// Columns describes table's columns for read_csv: {'name': 'TYPE', …}.
func Columns(ctx context.Context, conn *sql.Conn, table string) (string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return "", fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return "", fmt.Errorf("columns of %s: %w", table, err)
		}
		cols = append(cols, Quote(name)+": "+Quote(typ))
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("columns of %s: %w", table, err)
	}
	return "{" + strings.Join(cols, ", ") + "}", nil
}

// Insert loads one staged file into table with DuckDB's CSV reader, typed
// by columns (as Columns gives them), and checks that every row arrived.
// names lists the table's columns the file fills, in order; empty means
// all of them, and the columns it leaves out take their defaults.
func Insert(ctx context.Context, conn *sql.Conn, table, names, columns string, part Part) error {
	into := table
	if names != "" {
		into += " (" + names + ")"
	}
	q := "INSERT INTO " + into + " SELECT * FROM read_csv(" + Quote(part.Path) + ", " +
		"header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', " +
		"columns = " + columns + ")"
	res, err := conn.ExecContext(ctx, q)
	if err != nil {
		return fmt.Errorf("insert staged %s: %w", table, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != part.Rows {
		return fmt.Errorf("insert staged %s: %d rows inserted of %d staged (%v)", table, n, part.Rows, err)
	}
	return nil
}

// Quote quotes s as a SQL string literal.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// WriteAll writes n rows through write into one staging file in a fresh
// folder beside the warehouse at whPath. cleanup removes the folder,
// whatever happened; call it once the rows are inserted.
func WriteAll(whPath, name string, n int, write func(c *Row, i int)) (part Part, cleanup func(), err error) {
	cleanup = func() {}
	dir, err := Folder(whPath)
	if err != nil {
		return part, cleanup, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	f, err := Create(filepath.Join(dir, name+".csv"))
	if err != nil {
		return part, cleanup, err
	}
	var c Row
	for i := range n {
		c.Reset()
		write(&c, i)
		c.End()
		if err := f.Write(c.Bytes()); err != nil {
			f.Abandon()
			return part, cleanup, err
		}
	}
	part, err = f.Close()
	return part, cleanup, err
}
