package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/revisit-hotel/revisit/internal/freetext"
)

// Working a callback task: reading tasks, recording attempts, reassigning,
// escalating. The warehouse stores outcomes already decided by
// reports/callback (which owns the rules); it checks only what storage can
// know for sure — the version the caller read, that a closed task stays
// closed, that a new owner is on the roster. Every change appends its events
// in the same transaction as the change, so the log and the rows agree.

// ErrTaskClosed is returned when an attempt or a reassignment is made on a
// task that is already closed.
var ErrTaskClosed = errors.New("the callback task is already closed: no further calls or reassignments are recorded on it")

// TaskFilter selects tasks for a worklist.
type TaskFilter struct {
	Owner  string // a butler's own list
	Status string // TaskOpen, TaskClosed, or "" for all
	Team   string // a lead's view: their own tasks, their butlers' (the roster's lead_id), and tasks escalated to them
	Guest  string // one guest's tasks
	// DueFrom and DueTo bound the due time, [DueFrom, DueTo); zero: open.
	DueFrom, DueTo time.Time
	Limit          int // 0: no limit
	Offset         int // tasks to skip, for the next page
}

// AttemptUpdate is the decided outcome of one call attempt.
type AttemptUpdate struct {
	TaskID           int64
	Version          int // the version the caller read
	By               string
	At               time.Time
	Disposition      string
	Note             string
	Score            *int
	Close            bool
	FinalDisposition string     // the closing code when Close (the disposition, or DispositionUnreachable)
	NextCallAt       *time.Time // when the next call may be placed; nil when closing
	Recovery         *RecoveryOpen
}

// RecoveryOpen opens a service-recovery case with the attempt: the task's
// owner keeps it, Department is the second owner that must act.
type RecoveryOpen struct {
	Department string
	DueAt      time.Time
}

// The task's columns in the order scanTask reads them.
const taskColumns = `task_id, guest_id, departure_day, departure_at, due_at, stay_ids, priority,
	priority_reason, owner, owner_reason, status, disposition, attempts, next_call_at, score,
	at_risk, escalated, escalated_to, version, created_at, closed_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanTask(r rowScanner) (Task, error) {
	var t Task
	var stays string
	var disposition, escalatedTo sql.NullString
	var next, closed sql.NullTime
	var score sql.NullInt64
	err := r.Scan(&t.ID, &t.GuestID, &t.DepartureDay, &t.DepartureAt, &t.DueAt, &stays, &t.Priority,
		&t.PriorityReason, &t.Owner, &t.OwnerReason, &t.Status, &disposition, &t.Attempts, &next, &score,
		&t.AtRisk, &t.Escalated, &escalatedTo, &t.Version, &t.CreatedAt, &closed)
	if err != nil {
		return t, err
	}
	if stays != "" {
		t.StayIDs = strings.Split(stays, ",")
	}
	t.Disposition, t.EscalatedTo = disposition.String, escalatedTo.String
	if next.Valid {
		t.NextCallAt = &next.Time
	}
	if closed.Valid {
		t.ClosedAt = &closed.Time
	}
	if score.Valid {
		s := int(score.Int64)
		t.Score = &s
	}
	return t, nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// timeOrNil is nil for the zero time.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// querier is a *sql.DB, or a *sql.Conn inside a snapshot.
type querier interface {
	queryRower
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readTask(ctx context.Context, q queryRower, id int64) (Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, "SELECT "+taskColumns+" FROM callback_tasks WHERE task_id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("callback task %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("read callback task %d: %w", id, err)
	}
	return t, nil
}

// Task reads one task; ErrNotFound when there is none with that id.
func (w *Warehouse) Task(ctx context.Context, id int64) (Task, error) {
	t, err := readTask(ctx, w.db, id)
	if err != nil {
		return t, fmt.Errorf("warehouse: %w", err)
	}
	return t, nil
}

const listTasks = `SELECT ` + taskColumns + ` FROM callback_tasks
WHERE ($1 = '' OR owner = $1)
  AND ($2 = '' OR status = $2)
  AND ($3 = '' OR escalated_to = $3 OR owner = $3 OR owner IN (SELECT staff_id FROM butlers WHERE lead_id = $3))
  AND ($5 = '' OR guest_id = $5)
  AND ($6::TIMESTAMPTZ IS NULL OR due_at >= $6) AND ($7::TIMESTAMPTZ IS NULL OR due_at < $7)
ORDER BY status = 'closed', -- open first
  CASE WHEN status = 'open' THEN priority END, CASE WHEN status = 'open' THEN due_at END,
  closed_at DESC, task_id
LIMIT $4 OFFSET $8`

// Tasks lists tasks: open ones first, most urgent first (priority, then
// earliest due), then closed ones, latest closed first.
func (w *Warehouse) Tasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	return tasks(ctx, w.db, f)
}

func tasks(ctx context.Context, q querier, f TaskFilter) ([]Task, error) {
	if f.Status != "" && f.Status != TaskOpen && f.Status != TaskClosed {
		return nil, fmt.Errorf("warehouse: list callback tasks: status %q is not open, closed or empty", f.Status)
	}
	limit := int64(f.Limit)
	if limit <= 0 {
		limit = 1 << 62
	}
	rows, err := q.QueryContext(ctx, listTasks, f.Owner, f.Status, f.Team, limit, f.Guest, nullTime(timeOrNil(f.DueFrom)), nullTime(timeOrNil(f.DueTo)), f.Offset)
	if err != nil {
		return nil, fmt.Errorf("warehouse: list callback tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("warehouse: list callback tasks: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: list callback tasks: %w", err)
	}
	return out, nil
}

// callbackEvent is one row of the append-only log.
type callbackEvent struct {
	taskID      int64
	at          time.Time
	kind        string
	actor       string
	owner       string
	disposition string
	score       *int
	note        string
}

// appendCallbackEvents numbers events after the last one; the caller holds
// the writer lock, so numbers are never handed out twice. Every note of the
// log (a call's, a reassignment's reason, a case's) passes here, cleaned of
// control and bidi characters by the one policy, freetext.
func appendCallbackEvents(ctx context.Context, conn *sql.Conn, evs ...callbackEvent) error {
	var next int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(event_id), 0) + 1 FROM callback_events").Scan(&next); err != nil {
		return fmt.Errorf("next event id: %w", err)
	}
	for i, e := range evs {
		var score any
		if e.score != nil {
			score = *e.score
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO callback_events
			(event_id, task_id, event_at, kind, actor, owner, disposition, score, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			next+int64(i), e.taskID, e.at, e.kind, freetext.Line(e.actor), nullStr(e.owner), nullStr(e.disposition), score, nullStr(freetext.Note(e.note))); err != nil {
			return fmt.Errorf("append %s event: %w", e.kind, err)
		}
	}
	return nil
}

// isWriteConflict recognises DuckDB's write-write conflict. DuckDB reports
// it on the statement ("Conflict on update!"), and the transaction's COMMIT
// then succeeds having written nothing: the statement's error is the only
// signal. The driver types it as a transaction error; matching the word
// "conflict" in the text would also catch, say, a missing table whose name
// holds it, and turn a bug into a "someone else changed it" answer.
func isWriteConflict(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && de.Type == duckdb.ErrorTypeTransaction
}

// updateVersioned runs an UPDATE whose WHERE ends in "version = ?" and turns
// both ways of losing a race into ErrTaskChanged: a version that moved on
// (no row matched) and a concurrent writer DuckDB caught on the statement.
func updateVersioned(ctx context.Context, conn *sql.Conn, query string, args ...any) error {
	res, err := conn.ExecContext(ctx, query, args...)
	if isWriteConflict(err) {
		return fmt.Errorf("%w (%v)", ErrTaskChanged, err)
	}
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return ErrTaskChanged
	}
	return nil
}

// lockedTask reads the task inside the transaction and checks the caller's
// version and that it is still open.
func lockedTask(ctx context.Context, conn *sql.Conn, id int64, version int) (Task, error) {
	t, err := readTask(ctx, conn, id)
	if err != nil {
		return t, err
	}
	if t.Version != version {
		return t, fmt.Errorf("callback task %d is at version %d, not %d: %w", id, t.Version, version, ErrTaskChanged)
	}
	if t.Status == TaskClosed {
		return t, fmt.Errorf("callback task %d (%s): %w", id, t.Disposition, ErrTaskClosed)
	}
	return t, nil
}

func checkAttempt(u AttemptUpdate) error {
	switch {
	case u.By == "":
		return errors.New("no caller (by) given")
	case u.At.IsZero():
		return errors.New("no attempt time given")
	case u.Disposition == "":
		return errors.New("no disposition given")
	case u.Score != nil && (*u.Score < 1 || *u.Score > 5):
		return fmt.Errorf("score %d is not 1–5", *u.Score)
	case u.Close && u.FinalDisposition == "":
		return errors.New("closing without a final disposition")
	case !u.Close && u.FinalDisposition != "":
		return errors.New("a final disposition on an attempt that does not close the task")
	case u.Close && u.NextCallAt != nil:
		return errors.New("a next call on an attempt that closes the task")
	case u.Recovery != nil && (u.Recovery.Department == "" || u.Recovery.DueAt.IsZero()):
		return errors.New("a recovery case needs a department and a due time")
	}
	return nil
}

const recordAttempt = `UPDATE callback_tasks SET
	attempts = attempts + 1, version = version + 1,
	next_call_at = $1, score = coalesce($2, score),
	status = CASE WHEN $3 THEN 'closed' ELSE status END,
	disposition = CASE WHEN $3 THEN $4 ELSE disposition END,
	closed_at = CASE WHEN $3 THEN $5 ELSE closed_at END
WHERE task_id = $6 AND version = $7`

// RecordAttempt stores one call attempt: attempts and version grow by one,
// the attempt (and the closure, and the recovery case it opens) are logged.
// ErrTaskChanged when the task is no longer at u.Version — someone recorded
// first — and ErrTaskClosed when it was closed before.
func (w *Warehouse) RecordAttempt(ctx context.Context, u AttemptUpdate) (Task, error) {
	if err := checkAttempt(u); err != nil {
		return Task{}, fmt.Errorf("warehouse: record attempt on task %d: %w", u.TaskID, err)
	}
	var out Task
	err := w.Write(ctx, func(conn *sql.Conn) error {
		t, err := lockedTask(ctx, conn, u.TaskID, u.Version)
		if err != nil {
			return err
		}
		var score any
		if u.Score != nil {
			score = *u.Score
		}
		if err := updateVersioned(ctx, conn, recordAttempt, nullTime(u.NextCallAt), score, u.Close,
			nullStr(u.FinalDisposition), u.At, u.TaskID, u.Version); err != nil {
			return err
		}
		evs := []callbackEvent{{taskID: t.ID, at: u.At, kind: EventAttempt, actor: u.By, owner: t.Owner,
			disposition: u.Disposition, score: u.Score, note: u.Note}}
		if u.Recovery != nil {
			id, err := openRecoveryCase(ctx, conn, t, *u.Recovery, u.At)
			if err != nil {
				return err
			}
			evs = append(evs, callbackEvent{taskID: t.ID, at: u.At, kind: EventRecoveryOpened, actor: u.By, owner: t.Owner,
				disposition: CaseOpen, note: fmt.Sprintf("case %d, department %s", id, u.Recovery.Department)})
		}
		if u.Close {
			evs = append(evs, callbackEvent{taskID: t.ID, at: u.At, kind: EventClosed, actor: u.By, owner: t.Owner,
				disposition: u.FinalDisposition})
		}
		if err := appendCallbackEvents(ctx, conn, evs...); err != nil {
			return err
		}
		out, err = readTask(ctx, conn, u.TaskID)
		return err
	})
	if err != nil {
		return Task{}, fmt.Errorf("warehouse: record attempt on task %d: %w", u.TaskID, err)
	}
	return out, nil
}

// Assign gives the task to another butler on the roster (ErrNotFound when
// `to` is not on it), recording who moved it and why. A non-nil audit entry
// is written in the same transaction.
func (w *Warehouse) Assign(ctx context.Context, id int64, version int, to, by, reason string, at time.Time, audit *AuditEntry) (Task, error) {
	switch {
	case to == "" || by == "":
		return Task{}, fmt.Errorf("warehouse: assign task %d: the new owner and who assigns must both be given", id)
	case strings.TrimSpace(reason) == "":
		return Task{}, fmt.Errorf("warehouse: assign task %d: say why the task changes owner", id)
	case at.IsZero():
		return Task{}, fmt.Errorf("warehouse: assign task %d: no time given", id)
	}
	var out Task
	err := w.Write(ctx, func(conn *sql.Conn) error {
		t, err := lockedTask(ctx, conn, id, version)
		if err != nil {
			return err
		}
		var onRoster bool
		if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM butlers WHERE staff_id = ?)", to).Scan(&onRoster); err != nil {
			return fmt.Errorf("look up %s on the roster: %w", to, err)
		}
		if !onRoster {
			return fmt.Errorf("butler %s is not on the roster: %w", to, ErrNotFound)
		}
		if err := updateVersioned(ctx, conn, `UPDATE callback_tasks SET owner = ?, owner_reason = ?, version = version + 1
			WHERE task_id = ? AND version = ?`, to, OwnerReassigned, id, version); err != nil {
			return err
		}
		if err := appendCallbackEvents(ctx, conn, callbackEvent{taskID: id, at: at, kind: EventAssigned, actor: by, owner: to,
			note: "from " + t.Owner + ": " + reason}); err != nil {
			return err
		}
		if audit != nil {
			if err := AppendAudit(ctx, conn, *audit); err != nil {
				return err
			}
		}
		out, err = readTask(ctx, conn, id)
		return err
	})
	if err != nil {
		return Task{}, fmt.Errorf("warehouse: assign task %d to %s: %w", id, to, err)
	}
	return out, nil
}

// The escalation statements: $1 is the moment, $2 the latest departure that
// is overdue at it (the moment less the threshold), $3 the last event id,
// $4 the event's note. A task flagged once is never matched again, so
// running them any number of times logs each step once. The updates take
// the cutoff as $1.
const (
	atRiskEvents = `INSERT INTO callback_events (event_id, task_id, event_at, kind, actor, owner, note)
SELECT $3 + row_number() OVER (ORDER BY task_id), task_id, $1, 'at_risk', 'system', owner, $4
FROM callback_tasks
WHERE status = 'open' AND NOT at_risk AND departure_at <= $2`
	atRiskUpdate = `UPDATE callback_tasks SET at_risk = true, version = version + 1
WHERE status = 'open' AND NOT at_risk AND departure_at <= $1`
	// The owner's lead: one row per staff id is the loader's promise;
	// any_value keeps a duplicate from multiplying the escalation.
	ownersLead     = `(SELECT any_value(b.lead_id) FROM butlers b WHERE b.staff_id = t.owner)`
	escalateEvents = `INSERT INTO callback_events (event_id, task_id, event_at, kind, actor, owner, note)
SELECT $3 + row_number() OVER (ORDER BY task_id), task_id, $1, 'escalated', 'system', owner,
       $4 || ': ' || coalesce('escalated to ' || ` + ownersLead + `, 'no lead on the roster for ' || owner)
FROM callback_tasks t
WHERE status = 'open' AND NOT escalated AND departure_at <= $2`
	escalateUpdate = `UPDATE callback_tasks t SET escalated = true, escalated_to = ` + ownersLead + `, version = version + 1
WHERE status = 'open' AND NOT escalated AND departure_at <= $1`
)

// Escalate flags open tasks at risk atRiskAfter departure (default 18 h) and
// escalates them to the owner's team lead escalateAfter departure (default
// 24 h). Each task is flagged and escalated at most once, however often this
// runs; the counts are the tasks changed by this run.
func (w *Warehouse) Escalate(ctx context.Context, at time.Time, atRiskAfter, escalateAfter time.Duration) (atRisk, escalated int, err error) {
	if atRiskAfter <= 0 {
		atRiskAfter = 18 * time.Hour
	}
	if escalateAfter <= 0 {
		escalateAfter = 24 * time.Hour
	}
	err = w.Write(ctx, func(conn *sql.Conn) error {
		var err error
		if atRisk, err = escalateStep(ctx, conn, atRiskEvents, atRiskUpdate, at, atRiskAfter); err != nil {
			return fmt.Errorf("at risk: %w", err)
		}
		if escalated, err = escalateStep(ctx, conn, escalateEvents, escalateUpdate, at, escalateAfter); err != nil {
			return fmt.Errorf("escalate: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("warehouse: escalate callbacks: %w", err)
	}
	return atRisk, escalated, nil
}

// escalateStep logs the events, then flags the same tasks (the same WHERE in
// the same transaction, under the writer lock), and checks both agree.
func escalateStep(ctx context.Context, conn *sql.Conn, events, update string, at time.Time, after time.Duration) (int, error) {
	var next int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(event_id), 0) FROM callback_events").Scan(&next); err != nil {
		return 0, err
	}
	note := fmt.Sprintf("not closed %s after departure", formatHours(after))
	cutoff := at.Add(-after)
	res, err := conn.ExecContext(ctx, events, at, cutoff, next, note)
	if err != nil {
		return 0, err
	}
	logged, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	res, err = conn.ExecContext(ctx, update, cutoff)
	if isWriteConflict(err) {
		return 0, fmt.Errorf("%w (%v)", ErrTaskChanged, err)
	}
	if err != nil {
		return 0, err
	}
	flagged, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if flagged != logged {
		return 0, fmt.Errorf("%d events for %d tasks: refusing to commit a log that disagrees with the tasks", logged, flagged)
	}
	return int(flagged), nil
}

// formatHours writes 18h0m0s as "18 h".
func formatHours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", d/time.Hour)
	}
	return d.String()
}
