package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"revisit/ingest"
)

// keyOf names the columns that identify a row of each data table: a second
// row with the same key in one file is a duplicate, and a later file's row
// replaces an earlier file's.
var keyOf = map[string]string{
	"butlers":  "staff_id",
	"stays":    "property, stay_id",
	"feedback": "form_id",
}

// importFile loads one planned file in one transaction, or records why not.
func (w *Warehouse) importFile(ctx context.Context, pf plannedFile, ix *guestIndex, opt ImportOptions, sw *stopwatch) (FileResult, error) {
	started := opt.Now()
	res := FileResult{Path: pf.path, Kind: string(pf.cols.Kind), SHA256: pf.sha, Timings: sw.laps}
	if pf.failure != nil {
		return w.recordFailure(ctx, pf, res, pf.failure.Code+": "+pf.failure.Msg, 0, started, opt)
	}
	if prev, ok, err := w.loadedAs(ctx, pf.sha); err != nil {
		return res, err
	} else if ok {
		res.Status, res.Message = StatusSkipped, "already loaded: "+prev
		return res, nil
	}

	conn, err := w.db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("warehouse: import %s: %w", pf.name, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return res, fmt.Errorf("warehouse: import %s: begin: %w", pf.name, err)
	}
	committed := false
	defer func() {
		if !committed {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()

	importID, err := nextImportID(ctx, conn)
	if err != nil {
		return res, err
	}
	res.ImportID = importID
	if _, err := conn.ExecContext(ctx, insertImport, importID, pf.name, pf.sha, pf.size, string(pf.cols.Kind),
		pf.format, pf.enc, "loading", 0, 0, 0, 0, "", pf.cols.Extra, started, started, 0, 0); err != nil {
		return res, fmt.Errorf("warehouse: import %s: manifest: %w", pf.name, err)
	}

	st, err := w.loadKind(ctx, conn, pf, importID, ix, opt)
	readDone := opt.Now()
	if !st.staging.IsZero() {
		sw.lapAt("read", st.staging) // decode, validate and stage, with inserts alongside
		sw.lap("insert")             // the inserts still running once all was staged
	} else {
		sw.lap("read")
	}
	if err != nil {
		var fe *ingest.FileError
		if errors.As(err, &fe) && ctx.Err() == nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			committed = true // nothing left to roll back
			return w.recordFailure(ctx, pf, res, fe.Code+": "+fe.Msg, st.read, started, opt)
		}
		return res, fmt.Errorf("warehouse: import %s: %w", pf.name, err)
	}
	if err := w.afterLoad(ctx, conn, pf.cols.Kind, importID, st.maybeDup); err != nil {
		return res, fmt.Errorf("warehouse: import %s: %w", pf.name, err)
	}
	res.Rows = st.read
	if err := countOutcome(ctx, conn, pf.cols.Kind, importID, &res); err != nil {
		return res, fmt.Errorf("warehouse: import %s: %w", pf.name, err)
	}
	if res.Loaded+res.Rejected != res.Rows {
		return res, fmt.Errorf("warehouse: import %s: %d rows read but %d loaded and %d rejected: refusing to commit an uncounted row",
			pf.name, res.Rows, res.Loaded, res.Rejected)
	}

	sw.lap("check")
	res.Status = StatusLoaded
	if share := rejectShare(res); share > opt.RejectThreshold {
		res.Status = StatusFailed
		res.Message = fmt.Sprintf("%s: %d of %d rows rejected (%.1f%% > %.0f%%): nothing loaded; fix the rows listed in the rejects and load the file again",
			ingest.RFileTooManyBad, res.Rejected, res.Rows, 100*share, 100*opt.RejectThreshold)
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+tableOf(pf.cols.Kind)+" WHERE import_id = ?", importID); err != nil {
			return res, fmt.Errorf("warehouse: import %s: undo rows: %w", pf.name, err)
		}
		res.Loaded = 0
	} else {
		res.Message = fmt.Sprintf("%d loaded, %d rejected, %d warnings", res.Loaded, res.Rejected, res.Warnings)
		if err := w.supersede(ctx, conn, pf.cols.Kind, importID, opt); err != nil {
			return res, fmt.Errorf("warehouse: import %s: %w", pf.name, err)
		}
	}
	sw.lap("resolve")
	finished := opt.Now()
	if err := auditImport(ctx, conn, opt.Audit, pf, res, finished); err != nil {
		return res, fmt.Errorf("warehouse: import %s: %w", pf.name, err)
	}
	if _, err := conn.ExecContext(ctx, updateImport, res.Status, res.Rows, res.Loaded, res.Rejected, res.Warnings,
		res.Message, finished, readDone.Sub(started).Milliseconds(), finished.Sub(readDone).Milliseconds(), importID); err != nil {
		return res, fmt.Errorf("warehouse: import %s: manifest: %w", pf.name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return res, fmt.Errorf("warehouse: import %s: commit: %w", pf.name, err)
	}
	committed = true
	w.changed()
	w.imported.Add(1)
	sw.lap("commit")
	return res, nil
}

const insertImport = `INSERT INTO imports (import_id, file_name, sha256, size_bytes, kind, format, encoding,
	status, rows_read, rows_loaded, rows_rejected, warnings, message, extra_columns,
	started_at, finished_at, read_ms, load_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const updateImport = `UPDATE imports SET status = ?, rows_read = ?, rows_loaded = ?, rows_rejected = ?,
	warnings = ?, message = ?, finished_at = ?, read_ms = ?, load_ms = ? WHERE import_id = ?`

// rejectShare is the share of a file's rows rejected as bad. Rows of
// forgotten guests (SUPPRESSED) are not bad rows: a file of many of them
// is not refused for it.
func rejectShare(r FileResult) float64 {
	if r.Rows-r.Suppressed <= 0 {
		return 0
	}
	return float64(r.Rejected-r.Suppressed) / float64(r.Rows-r.Suppressed)
}

func tableOf(k ingest.Kind) string {
	switch k {
	case ingest.KindRoster:
		return "butlers"
	case ingest.KindGuests:
		return "profiles"
	case ingest.KindStays:
		return "stays"
	}
	return "feedback"
}

func nextImportID(ctx context.Context, conn *sql.Conn) (int64, error) {
	var id int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(import_id), 0) + 1 FROM imports").Scan(&id); err != nil {
		return 0, fmt.Errorf("warehouse: next import id: %w", err)
	}
	return id, nil
}

// loadedAs says whether these bytes were loaded before, and as what.
func (w *Warehouse) loadedAs(ctx context.Context, sha string) (string, bool, error) {
	var id int64
	var name string
	var at time.Time
	err := w.db.QueryRowContext(ctx, `SELECT import_id, file_name, finished_at FROM imports
		WHERE sha256 = ? AND status = 'loaded' ORDER BY import_id LIMIT 1`, sha).Scan(&id, &name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("warehouse: look up earlier imports: %w", err)
	}
	return fmt.Sprintf("the same bytes were loaded as import %d (%s) at %s", id, name, at.Format(time.RFC3339)), true, nil
}

// recordFailure writes the manifest row of a file refused as a whole.
func (w *Warehouse) recordFailure(ctx context.Context, pf plannedFile, res FileResult, msg string, rows int64, started time.Time, opt ImportOptions) (FileResult, error) {
	res.Status, res.Message, res.Rows = StatusFailed, msg, rows
	finished := opt.Now()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("warehouse: record failure of %s: %w", pf.name, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return res, fmt.Errorf("warehouse: record failure of %s: %w", pf.name, err)
	}
	id, err := nextImportID(ctx, conn)
	if err == nil {
		res.ImportID = id
		_, err = conn.ExecContext(ctx, insertImport, id, pf.name, pf.sha, pf.size, nullStr(string(pf.cols.Kind)),
			nullStr(pf.format), nullStr(pf.enc), StatusFailed, rows, 0, 0, 0, msg, pf.cols.Extra,
			started, finished, finished.Sub(started).Milliseconds(), 0)
	}
	if err == nil {
		err = auditImport(ctx, conn, opt.Audit, pf, res, finished)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "COMMIT")
	}
	if err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		return res, fmt.Errorf("warehouse: record failure of %s: %w", pf.name, err)
	}
	w.changed()
	return res, nil
}

// loadKind streams the file's rows into its table.
func (w *Warehouse) loadKind(ctx context.Context, conn *sql.Conn, pf plannedFile, importID int64, ix *guestIndex, opt ImportOptions) (loadStats, error) {
	switch pf.cols.Kind {
	case ingest.KindRoster:
		return streamRows(ctx, conn, w.path, pf, importID, rosterLoader, opt)
	case ingest.KindGuests:
		sup, err := loadSuppressions(ctx, conn, opt.Ingest.Hasher)
		if err != nil {
			return loadStats{}, err
		}
		return streamRows(ctx, conn, w.path, pf, importID, profileLoader(sup), opt)
	case ingest.KindStays:
		return streamRows(ctx, conn, w.path, pf, importID, stayLoader(ix), opt)
	case ingest.KindFeedback:
		return streamRows(ctx, conn, w.path, pf, importID, feedbackLoader(ix), opt)
	}
	return loadStats{}, fmt.Errorf("no loader for kind %q", pf.cols.Kind)
}

// countOutcome counts loaded rows and rejected rows from the tables
// themselves, so the manifest cannot drift from what was stored.
func countOutcome(ctx context.Context, conn *sql.Conn, k ingest.Kind, importID int64, res *FileResult) error {
	q := `SELECT (SELECT count(*) FROM ` + tableOf(k) + ` WHERE import_id = $1),
		(SELECT count(DISTINCT line) FROM rejects WHERE import_id = $1 AND severity = 'reject'),
		(SELECT count(*) FROM rejects WHERE import_id = $1 AND severity = 'warning'),
		(SELECT count(DISTINCT line) FROM rejects WHERE import_id = $1 AND reason = $2)`
	if err := conn.QueryRowContext(ctx, q, importID, ReasonSuppressed).Scan(&res.Loaded, &res.Rejected, &res.Warnings, &res.Suppressed); err != nil {
		return fmt.Errorf("count outcome: %w", err)
	}
	return nil
}

// afterLoad finishes what needs the whole file in the table: duplicates
// within the file, forms that name a stay or a room, roster leads by name.
func (w *Warehouse) afterLoad(ctx context.Context, conn *sql.Conn, k ingest.Kind, importID int64, maybeDup bool) error {
	var stmts []string
	if maybeDup {
		switch k {
		case ingest.KindRoster:
			stmts = dedupeInFile("butlers", keyOf["butlers"], "staff_id")
		case ingest.KindStays:
			stmts = dedupeInFile("stays", keyOf["stays"], "stay_id")
		case ingest.KindFeedback:
			stmts = dedupeInFile("feedback", keyOf["feedback"], "form_id")
		}
	}
	switch k {
	case ingest.KindRoster:
		stmts = append(stmts, rosterLeadsByName)
	case ingest.KindFeedback:
		stmts = append(stmts, feedbackByStay, feedbackByRoomDate)
		stmts = append(stmts, feedbackUnresolved...)
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s, importID); err != nil {
			return fmt.Errorf("after load: %w\n%s", err, firstLine(s))
		}
	}
	return nil
}

// supersede makes this file's rows the truth: older versions of the same
// keys from earlier files go, and profiles are resolved into guests again.
func (w *Warehouse) supersede(ctx context.Context, conn *sql.Conn, k ingest.Kind, importID int64, opt ImportOptions) error {
	if k == ingest.KindGuests {
		return resolveIdentities(ctx, conn, opt.MaxSharedEvidence)
	}
	table := tableOf(k)
	var older bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+" WHERE import_id <> ?)", importID).Scan(&older); err != nil {
		return fmt.Errorf("supersede: %w", err)
	}
	if !older {
		return nil
	}
	var on []string
	for _, c := range strings.Split(keyOf[table], ",") {
		c = strings.TrimSpace(c)
		on = append(on, "t."+c+" = n."+c)
	}
	q := "DELETE FROM " + table + " t USING (SELECT DISTINCT " + keyOf[table] + " FROM " + table +
		" WHERE import_id = $1) n WHERE " + strings.Join(on, " AND ") + " AND t.import_id <> $1"
	if _, err := conn.ExecContext(ctx, q, importID); err != nil {
		return fmt.Errorf("supersede older %s: %w", table, err)
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// auditImport appends the file's audit entry, when the run has one, inside
// the file's transaction.
func auditImport(ctx context.Context, conn *sql.Conn, tmpl *AuditEntry, pf plannedFile, res FileResult, at time.Time) error {
	if tmpl == nil {
		return nil
	}
	e := *tmpl
	e.At, e.Action, e.Target, e.Rows = at, AuditImport, pf.name, res.Loaded
	e.Filter = strings.TrimSpace("kind=" + string(pf.cols.Kind) + " status=" + res.Status + " sha256=" + pf.sha)
	return appendAudit(ctx, conn, e)
}
