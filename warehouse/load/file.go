package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
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
func (r *run) importFile(ctx context.Context, pf plannedFile, ix *guestIndex, sw *stopwatch) (FileResult, error) {
	opt := r.opt
	started := opt.Now()
	res := FileResult{Path: pf.path, Kind: string(pf.cols.Kind), SHA256: pf.sha, Timings: sw.laps}
	if pf.failure != nil {
		return r.recordFailure(ctx, pf, res, pf.failure.Code+": "+pf.failure.Msg, 0, started)
	}
	if prev, ok, err := loadedAs(ctx, r.w.DB(), pf.sha); err != nil {
		return res, err
	} else if ok {
		res.Status, res.Message = StatusSkipped, "already loaded: "+prev
		return res, nil
	}

	var refused *ingest.FileError // the file as a whole, found while reading
	var st loadStats
	err := r.x.Write(ctx, func(conn *sql.Conn) error {
		importID, err := nextImportID(ctx, conn)
		if err != nil {
			return err
		}
		res.ImportID = importID
		if _, err := conn.ExecContext(ctx, insertImport, importID, pf.name, pf.sha, pf.size, string(pf.cols.Kind),
			pf.format, pf.enc, "loading", 0, 0, 0, 0, "", pf.cols.Extra, started, started, 0, 0); err != nil {
			return fmt.Errorf("manifest: %w", err)
		}

		st, err = loadKind(ctx, conn, r.w.Path(), pf, importID, ix, opt)
		readDone := opt.Now()
		if !st.staging.IsZero() {
			sw.lapAt("read", st.staging) // decode, validate and stage, with inserts alongside
			sw.lap("insert")             // the inserts still running once all was staged
		} else {
			sw.lap("read")
		}
		if err != nil {
			if errors.As(err, &refused) && ctx.Err() == nil {
				return err // rolled back, then recorded as a failure below
			}
			refused = nil
			return err
		}
		if err := afterLoad(ctx, conn, pf.cols.Kind, importID, st.maybeDup); err != nil {
			return err
		}
		res.Rows = st.read
		if err := countOutcome(ctx, conn, pf.cols.Kind, importID, &res); err != nil {
			return err
		}
		if res.Loaded+res.Rejected != res.Rows {
			return fmt.Errorf("%d rows read but %d loaded and %d rejected: refusing to commit an uncounted row",
				res.Rows, res.Loaded, res.Rejected)
		}

		sw.lap("check")
		res.Status = StatusLoaded
		if share := rejectShare(res); share > opt.RejectThreshold {
			res.Status = StatusFailed
			res.Message = fmt.Sprintf("%s: %d of %d rows rejected (%.1f%% > %.0f%%): nothing loaded; fix the rows listed in the rejects and load the file again",
				ingest.RFileTooManyBad, res.Rejected, res.Rows, 100*share, 100*opt.RejectThreshold)
			if _, err := conn.ExecContext(ctx, "DELETE FROM "+tableOf(pf.cols.Kind)+" WHERE import_id = ?", importID); err != nil {
				return fmt.Errorf("undo rows: %w", err)
			}
			res.Loaded = 0
		} else {
			res.Message = fmt.Sprintf("%d loaded, %d rejected, %d warnings", res.Loaded, res.Rejected, res.Warnings)
			if err := supersede(ctx, conn, pf.cols.Kind, importID, opt); err != nil {
				return err
			}
		}
		sw.lap("resolve")
		finished := opt.Now()
		if err := auditImport(ctx, conn, opt.Audit, pf, res, finished); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, updateImport, res.Status, res.Rows, res.Loaded, res.Rejected, res.Warnings,
			res.Message, finished, readDone.Sub(started).Milliseconds(), finished.Sub(readDone).Milliseconds(), importID); err != nil {
			return fmt.Errorf("manifest: %w", err)
		}
		return nil
	})
	if refused != nil {
		return r.recordFailure(ctx, pf, FileResult{Path: res.Path, Kind: res.Kind, SHA256: res.SHA256, Timings: res.Timings},
			refused.Code+": "+refused.Msg, st.read, started)
	}
	if err != nil {
		return res, fmt.Errorf("load: import %s: %w", pf.name, err)
	}
	r.x.GuestsChanged()
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
func loadedAs(ctx context.Context, db *sql.DB, sha string) (string, bool, error) {
	var id int64
	var name string
	var at time.Time
	err := db.QueryRowContext(ctx, `SELECT import_id, file_name, finished_at FROM imports
		WHERE sha256 = ? AND status = 'loaded' ORDER BY import_id LIMIT 1`, sha).Scan(&id, &name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("load: look up earlier imports: %w", err)
	}
	return fmt.Sprintf("the same bytes were loaded as import %d (%s) at %s", id, name, at.Format(time.RFC3339)), true, nil
}

// recordFailure writes the manifest row of a file refused as a whole.
func (r *run) recordFailure(ctx context.Context, pf plannedFile, res FileResult, msg string, rows int64, started time.Time) (FileResult, error) {
	res.Status, res.Message, res.Rows = StatusFailed, msg, rows
	finished := r.opt.Now()
	err := r.x.Write(ctx, func(conn *sql.Conn) error {
		id, err := nextImportID(ctx, conn)
		if err != nil {
			return err
		}
		res.ImportID = id
		if _, err := conn.ExecContext(ctx, insertImport, id, pf.name, pf.sha, pf.size, orNull(string(pf.cols.Kind)),
			orNull(pf.format), orNull(pf.enc), StatusFailed, rows, 0, 0, 0, msg, pf.cols.Extra,
			started, finished, finished.Sub(started).Milliseconds(), 0); err != nil {
			return err
		}
		return auditImport(ctx, conn, r.opt.Audit, pf, res, finished)
	})
	if err != nil {
		return res, fmt.Errorf("load: record failure of %s: %w", pf.name, err)
	}
	return res, nil
}

// orNull stores "" as NULL.
func orNull(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// loadKind streams the file's rows into its table.
func loadKind(ctx context.Context, conn *sql.Conn, whPath string, pf plannedFile, importID int64, ix *guestIndex, opt Options) (loadStats, error) {
	switch pf.cols.Kind {
	case ingest.KindRoster:
		return streamRows(ctx, conn, whPath, pf, importID, rosterLoader, opt)
	case ingest.KindGuests:
		sup, err := loadSuppressions(ctx, conn, opt.Ingest.Hasher)
		if err != nil {
			return loadStats{}, err
		}
		return streamRows(ctx, conn, whPath, pf, importID, profileLoader(sup), opt)
	case ingest.KindStays:
		return streamRows(ctx, conn, whPath, pf, importID, stayLoader(ix), opt)
	case ingest.KindFeedback:
		return streamRows(ctx, conn, whPath, pf, importID, feedbackLoader(ix), opt)
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
	if err := conn.QueryRowContext(ctx, q, importID, warehouse.ReasonSuppressed).Scan(&res.Loaded, &res.Rejected, &res.Warnings, &res.Suppressed); err != nil {
		return fmt.Errorf("count outcome: %w", err)
	}
	return nil
}

// afterLoad finishes what needs the whole file in the table: duplicates
// within the file, forms that name a stay or a room, roster leads by name.
func afterLoad(ctx context.Context, conn *sql.Conn, k ingest.Kind, importID int64, maybeDup bool) error {
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
func supersede(ctx context.Context, conn *sql.Conn, k ingest.Kind, importID int64, opt Options) error {
	if k == ingest.KindGuests {
		return identity.Resolve(ctx, conn, opt.MaxSharedEvidence)
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
func auditImport(ctx context.Context, conn *sql.Conn, tmpl *warehouse.AuditEntry, pf plannedFile, res FileResult, at time.Time) error {
	if tmpl == nil {
		return nil
	}
	e := *tmpl
	e.At, e.Action, e.Target, e.Rows = at, warehouse.AuditImport, pf.name, res.Loaded
	e.Filter = strings.TrimSpace("kind=" + string(pf.cols.Kind) + " status=" + res.Status + " sha256=" + pf.sha)
	return warehouse.AppendAudit(ctx, conn, e)
}
