package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"revisit/ingest"
)

// batchSize is how many rows the reading goroutine hands over at a time.
const batchSize = 4096

// batch is a run of validated rows and the issues found on the way.
type batch[T any] struct {
	rows   []T
	issues []ingest.Issue
	read   int64 // source rows this batch accounts for (loaded or rejected)
}

// kindLoader knows how one kind of row is validated and appended.
type kindLoader[T any] struct {
	table    string
	validate func(v *ingest.Validator, line int, cells []string) (T, []ingest.Issue, bool)
	// resolve runs on the reading goroutine after validation; it may add
	// warnings, or turn a valid row into a rejected one (a guest nobody knows).
	resolve   func(r *T, issues []ingest.Issue) ([]ingest.Issue, bool)
	appendRow func(a *duckdb.Appender, importID int64, r *T) error
}

// loadStats counts what the reading side saw.
type loadStats struct {
	read int64
}

// streamRows reads pf on one goroutine (decode, validate, resolve) while this
// goroutine appends rows and issues to the open transaction on conn.
func streamRows[T any](ctx context.Context, conn *sql.Conn, pf plannedFile, importID int64, kl kindLoader[T], opt ImportOptions) (loadStats, error) {
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
	rowApp, err := newAppender(conn, kl.table)
	if err != nil {
		return st, err
	}
	rejApp, err := newAppender(conn, "rejects")
	if err != nil {
		rowApp.Close()
		return st, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch[T], 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- readBatches(ctx, r, ingest.NewValidator(cols, r.Date1904(), opt.Ingest), kl, batches)
	}()

	var appendErr error
	nextReport := int64(ProgressEvery)
	for b := range batches {
		if appendErr != nil {
			continue // drain so the reader can finish
		}
		for i := range b.rows {
			if err := kl.appendRow(rowApp, importID, &b.rows[i]); err != nil {
				appendErr = fmt.Errorf("append %s row: %w", kl.table, err)
				cancel()
				break
			}
		}
		for i := range b.issues {
			if appendErr == nil {
				if err := appendIssue(rejApp, importID, &b.issues[i]); err != nil {
					appendErr = fmt.Errorf("append reject: %w", err)
					cancel()
				}
			}
		}
		st.read += b.read
		if st.read >= nextReport {
			opt.report(Progress{Path: pf.path, Kind: string(pf.cols.Kind), Phase: "rows", Rows: st.read})
			nextReport += ProgressEvery
		}
	}
	rerr := <-readErr
	cerr := errors.Join(rowApp.Close(), rejApp.Close())
	switch {
	case appendErr != nil:
		return st, appendErr
	case rerr != nil:
		return st, rerr
	case cerr != nil:
		return st, fmt.Errorf("flush %s: %w", kl.table, cerr)
	}
	return st, nil
}

// readBatches is the reading goroutine: every source row ends up either as a
// row or as a rejecting issue, never both and never neither.
func readBatches[T any](ctx context.Context, r ingest.Reader, v *ingest.Validator, kl kindLoader[T], out chan<- batch[T]) error {
	b := batch[T]{rows: make([]T, 0, batchSize)}
	flush := func() bool {
		select {
		case out <- b:
			b = batch[T]{rows: make([]T, 0, batchSize)}
			return true
		case <-ctx.Done():
			return false
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
			b.read++
			continue
		}
		row, issues, ok := kl.validate(v, r.Line(), cells)
		b.read++
		if ok && kl.resolve != nil {
			issues, ok = kl.resolve(&row, issues)
		}
		b.issues = append(b.issues, issues...)
		if ok {
			b.rows = append(b.rows, row)
		}
		if len(b.rows) >= batchSize || len(b.issues) >= batchSize {
			if !flush() {
				return ctx.Err()
			}
		}
	}
	if b.read > 0 && !flush() {
		return ctx.Err()
	}
	return nil
}

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

func appendIssue(a *duckdb.Appender, importID int64, is *ingest.Issue) error {
	return a.AppendRow(importID, int32(is.Line), nullStr(string(is.Column)), is.Code, string(is.Severity), is.Msg, nullStr(is.Value))
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

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func nullInt8(n *int) any {
	if n == nil {
		return nil
	}
	return int8(*n)
}

func nullInt32(n *int) any {
	if n == nil {
		return nil
	}
	return int32(*n)
}

func nullInt64(n *int64) any {
	if n == nil {
		return nil
	}
	return *n
}

// nullDate stores the hotel-local calendar day of t. The driver turns a
// time into a DATE through its Unix seconds, so the day is rebuilt in UTC.
func nullDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
