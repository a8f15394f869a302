package warehouse

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"revisit/ingest"
)

// How a file's rows reach DuckDB.
//
// One goroutine reads and decodes the file; one worker per core validates
// and resolves its rows and writes them, already typed and normalised, as
// plain CSV into a staging folder beside the warehouse: good rows into part
// files of about partRows rows, issues into a rejects file of its own.
// Meanwhile this goroutine has DuckDB's parallel CSV reader insert each
// finished part, inside the file's transaction, so decoding in Go and
// inserting in DuckDB overlap. Against appending row by row through the
// Appender (per-value cgo calls and boxing, one thread in DuckDB) this took
// 10M stays from 4.3× to 3.7× the time of DuckDB's own COPY of the file;
// BENCHMARKS.md has the measurements.

// batchSize is how many source rows travel together between goroutines.
const batchSize = 4096

// partRows is how many rows a worker writes before handing a part over.
const partRows = 1_000_000

// kindLoader knows how one kind of row is validated, resolved and staged.
type kindLoader[T any] struct {
	table    string
	validate func(v *ingest.Validator, line int, cells []string) (T, []ingest.Issue, bool)
	// resolve runs after validation; it may add warnings, or turn a valid
	// row into a rejected one (a guest nobody knows).
	resolve func(r *T, issues []ingest.Issue) ([]ingest.Issue, bool)
	// key identifies a row within its table (nil: rows have no key); two
	// rows of one file with the same key are duplicates.
	key      func(r *T) string
	writeRow func(c *csvRow, importID int64, r *T)
}

// loadStats is what streaming a file found.
type loadStats struct {
	read     int64 // source rows: each became a staged row or a rejection
	staged   int64
	maybeDup bool      // two rows may share a key: check in SQL
	staging  time.Time // when the last row was staged; inserts may still run
}

// rawBatch is a run of undecoded rows, with the rows the reader could not
// split already turned into issues.
type rawBatch struct {
	rows   [][]string
	lines  []int
	issues []ingest.Issue
}

// stagedPart is a finished file of staged rows.
type stagedPart struct {
	path string
	rows int64
}

// stagePrefix names the staging folders of the warehouse at path.
func stagePrefix(path string) string { return "." + filepath.Base(path) + ".stage-" }

// removeStaleStaging deletes staging folders a killed load left behind.
// Holding the warehouse's lock, no one else can be using them.
func removeStaleStaging(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), stagePrefix(path)+"*"))
	for _, m := range matches {
		os.RemoveAll(m)
	}
}

// streamRows stages pf's rows and inserts them into kl.table on conn, whose
// transaction is open.
func streamRows[T any](ctx context.Context, conn *sql.Conn, whPath string, pf plannedFile, importID int64, kl kindLoader[T], opt ImportOptions) (loadStats, error) {
	var st loadStats
	r, err := ingest.Open(pf.path, opt.Limits)
	if err != nil {
		return st, err
	}
	defer r.Close()
	cols, err := ingest.DetectKind(r.Header())
	if err != nil {
		return st, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(whPath), stagePrefix(whPath))
	if err != nil {
		return st, fmt.Errorf("staging folder: %w", err)
	}
	defer os.RemoveAll(dir)
	dataCols, err := csvColumns(ctx, conn, kl.table)
	if err != nil {
		return st, err
	}
	rejectCols, err := csvColumns(ctx, conn, "rejects")
	if err != nil {
		return st, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		firstEr error
		read    atomic.Int64
	)
	fail := func(err error) {
		errOnce.Do(func() { firstEr = err })
		cancel()
	}
	raw := make(chan rawBatch, 4)
	ready := make(chan stagedPart, 64)
	wg.Go(func() {
		defer close(raw)
		if err := readRaw(ctx, r, raw, &read, func(n int64) {
			opt.report(Progress{Path: pf.path, Kind: string(pf.cols.Kind), Phase: "rows", Rows: n})
		}); err != nil {
			fail(err)
		}
	})
	workers := make([]*stageWorker, max(1, runtime.GOMAXPROCS(0)))
	seed := maphash.MakeSeed()
	for i := range workers {
		workers[i] = &stageWorker{dir: dir, name: fmt.Sprintf("w%d", i), seed: seed, ready: ready}
		v := ingest.NewValidator(cols, r.Date1904(), opt.Ingest)
		wg.Go(func() {
			if err := stageRows(ctx, workers[i], v, kl, importID, raw); err != nil {
				fail(err)
			}
		})
	}
	go func() {
		wg.Wait()
		st.staging = time.Now()
		close(ready)
	}()
	for part := range ready {
		if ctx.Err() != nil {
			continue // drain so the workers can finish
		}
		if err := insertStaged(ctx, conn, kl.table, dataCols, part); err != nil {
			fail(err)
			continue
		}
		st.staged += part.rows
	}
	if firstEr != nil {
		return st, firstEr
	}
	st.read = read.Load()
	var hashes []uint64
	for _, w := range workers {
		hashes = append(hashes, w.hashes...)
		if w.rejects.rows > 0 {
			if err := insertStaged(ctx, conn, "rejects", rejectCols, w.rejects); err != nil {
				return st, err
			}
		}
	}
	slices.Sort(hashes)
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			st.maybeDup = true
			break
		}
	}
	return st, nil
}

// readRaw is the reading goroutine: it hands rows out in batches and turns
// lines that cannot be split into BAD_ROW issues, counting every row once.
func readRaw(ctx context.Context, r ingest.Reader, out chan<- rawBatch, read *atomic.Int64, progress func(int64)) error {
	var b rawBatch
	send := func() error {
		select {
		case out <- b:
			b = rawBatch{}
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		cells, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *ingest.RowError
			if !errors.As(err, &re) {
				return err
			}
			b.issues = append(b.issues, ingest.Issue{Line: re.Line, Code: re.Code, Severity: ingest.Reject, Msg: re.Msg})
		} else {
			b.rows = append(b.rows, slices.Clone(cells))
			b.lines = append(b.lines, r.Line())
		}
		if n := read.Add(1); n%ProgressEvery == 0 {
			progress(n)
		}
		if len(b.rows)+len(b.issues) >= batchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(b.rows)+len(b.issues) > 0 {
		return send()
	}
	return nil
}

// stageWorker is one validating goroutine's staging files.
type stageWorker struct {
	dir, name string
	seed      maphash.Seed
	ready     chan<- stagedPart
	parts     int
	data      *stageFile
	rejects   stagedPart // one file for the whole load, inserted at the end
	hashes    []uint64
}

// stageFile is a staging file being written.
type stageFile struct {
	f    *os.File
	w    *bufio.Writer
	part stagedPart
}

func createStageFile(path string) (*stageFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("staging file: %w", err)
	}
	return &stageFile{f: f, w: bufio.NewWriterSize(f, 1<<20), part: stagedPart{path: path}}, nil
}

func (s *stageFile) write(b []byte) error {
	s.part.rows++
	_, err := s.w.Write(b)
	return err
}

func (s *stageFile) close() error {
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("staging file: %w", err)
	}
	return nil
}

// handOver finishes the current data part and sends it to be inserted.
func (sw *stageWorker) handOver(ctx context.Context) error {
	if sw.data == nil {
		return nil
	}
	d := sw.data
	sw.data = nil
	if err := d.close(); err != nil {
		return err
	}
	if d.part.rows == 0 {
		return nil
	}
	select {
	case sw.ready <- d.part:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stageRows validates and resolves batches, writing good rows to part files
// and issues to the worker's rejects file.
func stageRows[T any](ctx context.Context, sw *stageWorker, v *ingest.Validator, kl kindLoader[T], importID int64, in <-chan rawBatch) error {
	rej, err := createStageFile(filepath.Join(sw.dir, sw.name+"-rejects.csv"))
	if err != nil {
		return err
	}
	defer rej.f.Close()
	var c csvRow
	writeIssues := func(issues []ingest.Issue) error {
		for i := range issues {
			c.buf = c.buf[:0]
			writeIssue(&c, importID, &issues[i])
			if err := rej.write(c.buf); err != nil {
				return fmt.Errorf("staging file: %w", err)
			}
		}
		return nil
	}
	for b := range in {
		if err := writeIssues(b.issues); err != nil {
			return err
		}
		for i, cells := range b.rows {
			row, iss, ok := kl.validate(v, b.lines[i], cells)
			if ok && kl.resolve != nil {
				iss, ok = kl.resolve(&row, iss)
			}
			if err := writeIssues(iss); err != nil {
				return err
			}
			if !ok {
				continue
			}
			if sw.data == nil {
				sw.parts++
				if sw.data, err = createStageFile(filepath.Join(sw.dir, fmt.Sprintf("%s-part%d.csv", sw.name, sw.parts))); err != nil {
					return err
				}
			}
			c.buf = c.buf[:0]
			kl.writeRow(&c, importID, &row)
			c.end()
			if err := sw.data.write(c.buf); err != nil {
				return fmt.Errorf("staging file: %w", err)
			}
			if kl.key != nil {
				sw.hashes = append(sw.hashes, maphash.String(sw.seed, kl.key(&row)))
			}
			if sw.data.part.rows >= partRows {
				if err := sw.handOver(ctx); err != nil {
					return err
				}
			}
		}
	}
	if err := sw.handOver(ctx); err != nil {
		return err
	}
	if err := rej.close(); err != nil {
		return err
	}
	sw.rejects = rej.part
	return nil
}

// writeIssue stages one issue as a row of the rejects table.
func writeIssue(c *csvRow, importID int64, is *ingest.Issue) {
	c.int(importID)
	c.int(int64(is.Line))
	c.str(string(is.Column))
	c.str(is.Code)
	c.str(string(is.Severity))
	c.str(is.Msg)
	c.str(is.Value)
	c.end()
}

// csvColumns describes table's columns for read_csv: {'name': 'TYPE', …}.
func csvColumns(ctx context.Context, conn *sql.Conn, table string) (string, error) {
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
		cols = append(cols, sqlString(name)+": "+sqlString(typ))
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("columns of %s: %w", table, err)
	}
	return "{" + strings.Join(cols, ", ") + "}", nil
}

// insertStaged loads one staged file into table with DuckDB's CSV reader,
// typed by the table's own columns, and checks that every row arrived.
func insertStaged(ctx context.Context, conn *sql.Conn, table, columns string, part stagedPart) error {
	q := "INSERT INTO " + table + " SELECT * FROM read_csv(" + sqlString(part.path) + ", " +
		"header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', " +
		"columns = " + columns + ")"
	res, err := conn.ExecContext(ctx, q)
	if err != nil {
		return fmt.Errorf("insert staged %s: %w", table, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != part.rows {
		return fmt.Errorf("insert staged %s: %d rows inserted of %d staged (%v)", table, n, part.rows, err)
	}
	return nil
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// newAppender makes an Appender on the transaction open on conn.
func newAppender(conn *sql.Conn, table string) (*duckdb.Appender, error) {
	var a *duckdb.Appender
	err := conn.Raw(func(dc any) error {
		var err error
		a, err = duckdb.NewAppender(dc.(driver.Conn), "", "", table)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("appender for %s: %w", table, err)
	}
	return a, nil
}

// nullStr stores "" as NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
