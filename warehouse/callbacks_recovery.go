package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/internal/freetext"
)

// Service recovery: the cases a call that raised an issue opens, and which
// guests marketing must leave alone while a task or a case is open.

// OpenCallbackGuests is the set of guests marketing must leave alone for now:
// those with an open callback task or an open or in-progress recovery case.
func (w *Warehouse) OpenCallbackGuests(ctx context.Context) (map[string]bool, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT guest_id FROM callback_tasks WHERE status = 'open'
		UNION SELECT guest_id FROM recovery_cases WHERE status IN ('open', 'in_progress')`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: guests with open callbacks: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, fmt.Errorf("warehouse: guests with open callbacks: %w", err)
		}
		out[g] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: guests with open callbacks: %w", err)
	}
	return out, nil
}

// Recovery case states and outcomes.
const (
	CaseOpen            = "open"
	CaseInProgress      = "in_progress"
	CaseResolved        = "resolved"
	OutcomeRecovered    = "recovered"
	OutcomeNotRecovered = "not_recovered"
)

// RecoveryCase is the follow-up of a call that raised an issue: owned by the
// task's butler, with the department that must act as the second owner.
type RecoveryCase struct {
	ID         int64      `json:"id"`
	TaskID     int64      `json:"task_id"`
	GuestID    string     `json:"guest_id"`
	Owner      string     `json:"owner"`
	Department string     `json:"department"`
	OpenedAt   time.Time  `json:"opened_at"`
	DueAt      time.Time  `json:"due_at"`
	Status     string     `json:"status"`
	Outcome    string     `json:"outcome"` // "" until resolved
	ResolvedAt *time.Time `json:"resolved_at"`
	Version    int        `json:"version"`
}

const caseColumns = `case_id, task_id, guest_id, owner, department, opened_at, due_at, status, outcome, resolved_at, version`

func scanCase(r rowScanner) (RecoveryCase, error) {
	var c RecoveryCase
	var outcome sql.NullString
	var resolved sql.NullTime
	if err := r.Scan(&c.ID, &c.TaskID, &c.GuestID, &c.Owner, &c.Department, &c.OpenedAt, &c.DueAt,
		&c.Status, &outcome, &resolved, &c.Version); err != nil {
		return c, err
	}
	c.Outcome = outcome.String
	if resolved.Valid {
		c.ResolvedAt = &resolved.Time
	}
	return c, nil
}

func readCase(ctx context.Context, q queryRower, id int64) (RecoveryCase, error) {
	c, err := scanCase(q.QueryRowContext(ctx, "SELECT "+caseColumns+" FROM recovery_cases WHERE case_id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("recovery case %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("read recovery case %d: %w", id, err)
	}
	return c, nil
}

// openRecoveryCase inserts the case for task t; the caller holds the writer
// lock, which makes max + 1 safe.
func openRecoveryCase(ctx context.Context, conn *sql.Conn, t Task, r RecoveryOpen, at time.Time) (int64, error) {
	var id int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(case_id), 0) + 1 FROM recovery_cases").Scan(&id); err != nil {
		return 0, fmt.Errorf("next recovery case id: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO recovery_cases (`+caseColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, 1)`,
		id, t.ID, t.GuestID, t.Owner, freetext.Line(r.Department), at, r.DueAt); err != nil {
		return 0, fmt.Errorf("open recovery case: %w", err)
	}
	return id, nil
}

// RecoveryCases lists a task's recovery cases, oldest first.
func (w *Warehouse) RecoveryCases(ctx context.Context, taskID int64) ([]RecoveryCase, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT "+caseColumns+" FROM recovery_cases WHERE task_id = ? ORDER BY case_id", taskID)
	if err != nil {
		return nil, fmt.Errorf("warehouse: recovery cases of task %d: %w", taskID, err)
	}
	defer rows.Close()
	var out []RecoveryCase
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("warehouse: recovery cases of task %d: %w", taskID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: recovery cases of task %d: %w", taskID, err)
	}
	return out, nil
}

// caseStep checks one move of the case's state machine,
// open → in_progress → resolved (recovered | not_recovered).
func caseStep(from, to, outcome string) error {
	switch {
	case from == CaseOpen && to == CaseInProgress && outcome == "":
		return nil
	case from == CaseInProgress && to == CaseResolved && (outcome == OutcomeRecovered || outcome == OutcomeNotRecovered):
		return nil
	case to == CaseResolved:
		if from != CaseInProgress {
			return fmt.Errorf("a %s case cannot be resolved: it goes open → in_progress → resolved", from)
		}
		return fmt.Errorf("resolving needs the outcome %s or %s, not %q", OutcomeRecovered, OutcomeNotRecovered, outcome)
	case outcome != "":
		return fmt.Errorf("an outcome is given only when resolving, not when moving to %s", to)
	}
	return fmt.Errorf("a %s case cannot move to %q: it goes open → in_progress → resolved", from, to)
}

// UpdateRecovery moves a case along open → in_progress → resolved, with the
// outcome (recovered or not_recovered) when resolving. ErrTaskChanged when
// the case is no longer at version. The change is logged on the case's task;
// the event's disposition is the case's new state, or its outcome, and its
// note says which case and department, then note (what was done).
func (w *Warehouse) UpdateRecovery(ctx context.Context, caseID int64, version int, status, outcome, note, by string, at time.Time) (RecoveryCase, error) {
	if by == "" || at.IsZero() {
		return RecoveryCase{}, fmt.Errorf("warehouse: update recovery case %d: who and when must be given", caseID)
	}
	var out RecoveryCase
	err := w.Write(ctx, func(conn *sql.Conn) error {
		c, err := readCase(ctx, conn, caseID)
		if err != nil {
			return err
		}
		if c.Version != version {
			return fmt.Errorf("recovery case %d is at version %d, not %d: %w", caseID, c.Version, version, ErrTaskChanged)
		}
		if err := caseStep(c.Status, status, outcome); err != nil {
			return err
		}
		var resolvedAt any
		if status == CaseResolved {
			resolvedAt = at
		}
		res, err := conn.ExecContext(ctx, `UPDATE recovery_cases SET status = ?, outcome = ?, resolved_at = ?, version = version + 1
			WHERE case_id = ? AND version = ?`, status, nullStr(outcome), resolvedAt, caseID, version)
		if isWriteConflict(err) {
			return fmt.Errorf("%w (%v)", ErrTaskChanged, err)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(ErrTaskChanged, err)
		}
		state := status
		if outcome != "" {
			state = outcome
		}
		if err := appendCallbackEvents(ctx, conn, callbackEvent{taskID: c.TaskID, at: at, kind: EventRecoveryChanged,
			actor: by, owner: c.Owner, disposition: state, note: caseNote(c, note)}); err != nil {
			return err
		}
		out, err = readCase(ctx, conn, caseID)
		return err
	})
	if err != nil {
		return RecoveryCase{}, fmt.Errorf("warehouse: update recovery case %d: %w", caseID, err)
	}
	return out, nil
}

// caseNote is the event note of a case's move: which case and department,
// then what the person wrote.
func caseNote(c RecoveryCase, note string) string {
	n := fmt.Sprintf("case %d, department %s", c.ID, c.Department)
	if note != "" {
		n += ": " + note
	}
	return n
}
