package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse/csvstage"
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
	writeRow func(c *csvstage.Row, importID int64, r *T)
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

// streamRows stages pf's rows and inserts them into kl.table on conn, whose
// transaction is open.
func streamRows[T any](ctx context.Context, conn *sql.Conn, whPath string, pf plannedFile, importID int64, kl kindLoader[T], opt Options) (loadStats, error) {
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
	dir, err := csvstage.Folder(whPath)
	if err != nil {
		return st, err
	}
	defer os.RemoveAll(dir)
	dataCols, err := csvstage.Columns(ctx, conn, kl.table)
	if err != nil {
		return st, err
	}
	rejectCols, err := csvstage.Columns(ctx, conn, "rejects")
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
	ready := make(chan csvstage.Part, 64)
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
		if err := csvstage.Insert(ctx, conn, kl.table, "", dataCols, part); err != nil {
			fail(err)
			continue
		}
		st.staged += part.Rows
	}
	if firstEr != nil {
		return st, firstEr
	}
	st.read = read.Load()
	var hashes []uint64
	for _, w := range workers {
		hashes = append(hashes, w.hashes...)
		if w.rejects.Rows > 0 {
			if err := csvstage.Insert(ctx, conn, "rejects", "", rejectCols, w.rejects); err != nil {
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
	ready     chan<- csvstage.Part
	parts     int
	data      *csvstage.File
	rejects   csvstage.Part // one file for the whole load, inserted at the end
	hashes    []uint64
}

// handOver finishes the current data part and sends it to be inserted.
func (sw *stageWorker) handOver(ctx context.Context) error {
	if sw.data == nil {
		return nil
	}
	d := sw.data
	sw.data = nil
	part, err := d.Close()
	if err != nil {
		return err
	}
	if part.Rows == 0 {
		return nil
	}
	select {
	case sw.ready <- part:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stageRows validates and resolves batches, writing good rows to part files
// and issues to the worker's rejects file.
func stageRows[T any](ctx context.Context, sw *stageWorker, v *ingest.Validator, kl kindLoader[T], importID int64, in <-chan rawBatch) error {
	rej, err := csvstage.Create(filepath.Join(sw.dir, sw.name+"-rejects.csv"))
	if err != nil {
		return err
	}
	defer rej.Abandon() // after Close, a second close that changes nothing
	var c csvstage.Row
	writeIssues := func(issues []ingest.Issue) error {
		for i := range issues {
			c.Reset()
			writeIssue(&c, importID, &issues[i])
			if err := rej.Write(c.Bytes()); err != nil {
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
				if sw.data, err = csvstage.Create(filepath.Join(sw.dir, fmt.Sprintf("%s-part%d.csv", sw.name, sw.parts))); err != nil {
					return err
				}
			}
			c.Reset()
			kl.writeRow(&c, importID, &row)
			c.End()
			if err := sw.data.Write(c.Bytes()); err != nil {
				return fmt.Errorf("staging file: %w", err)
			}
			if kl.key != nil {
				sw.hashes = append(sw.hashes, maphash.String(sw.seed, kl.key(&row)))
			}
			if sw.data.Rows() >= partRows {
				if err := sw.handOver(ctx); err != nil {
					return err
				}
			}
		}
	}
	if err := sw.handOver(ctx); err != nil {
		return err
	}
	if sw.rejects, err = rej.Close(); err != nil {
		return err
	}
	return nil
}

// writeIssue stages one issue as a row of the rejects table.
func writeIssue(c *csvstage.Row, importID int64, is *ingest.Issue) {
	c.Int(importID)
	c.Int(int64(is.Line))
	c.Str(string(is.Column))
	c.Str(is.Code)
	c.Str(string(is.Severity))
	c.Str(is.Msg)
	c.Str(is.Value)
	c.End()
}
