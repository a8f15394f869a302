package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CaseFilter narrows a list of recovery cases. Scope fields (Butler, Team)
// are set by the caller from who is asking; the rest are the asker's filters.
type CaseFilter struct {
	Status     string    // CaseOpen, CaseInProgress, CaseResolved, or "" for all
	Owner      string    // the case's owner
	Department string    // the department that must act
	Guest      string    // one guest's cases
	DueBefore  time.Time // cases due before this moment; zero: any
	ID         int64     // one case; 0: any
	// Butler limits the list to cases the butler owns or whose task they own.
	Butler string
	// Team limits the list to a lead's: cases of their butlers (the roster's
	// lead_id), their own, and those of tasks escalated to them.
	Team   string
	Limit  int // 0: no limit
	Offset int // cases to skip, for the next page
}

// CaseListing is a recovery case as a worklist shows it: with what the
// guest reported on the call that opened it.
type CaseListing struct {
	RecoveryCase
	// Reported is the note of the 有问题 (reached_issue) call that opened
	// the case: free text about a complaint, for people, never for logs.
	Reported string
}

// listCases orders the unresolved first, the most overdue first, then the
// resolved, latest first. Reported is the note of the task's latest
// reached_issue attempt at or before the case opened.
const listCases = `SELECT ` + caseColumnsOfC + `,
  coalesce((SELECT e.note FROM callback_events e
    WHERE e.task_id = c.task_id AND e.kind = 'attempt' AND e.disposition = 'reached_issue' AND e.event_at <= c.opened_at
    ORDER BY e.event_at DESC, e.event_id DESC LIMIT 1), '')
FROM recovery_cases c JOIN callback_tasks t ON t.task_id = c.task_id
WHERE ($1 = '' OR c.status = $1)
  AND ($2 = '' OR c.owner = $2)
  AND ($3 = '' OR c.department = $3)
  AND ($4 = '' OR c.guest_id = $4)
  AND ($5::TIMESTAMPTZ IS NULL OR c.due_at < $5)
  AND ($6 = '' OR c.owner = $6 OR t.owner = $6)
  AND ($7 = '' OR t.escalated_to = $7 OR c.owner = $7 OR t.owner = $7
       OR c.owner IN (SELECT staff_id FROM butlers WHERE lead_id = $7)
       OR t.owner IN (SELECT staff_id FROM butlers WHERE lead_id = $7))
  AND ($10 = 0 OR c.case_id = $10)
ORDER BY c.status = 'resolved', CASE WHEN c.status <> 'resolved' THEN c.due_at END,
  c.resolved_at DESC, c.case_id
LIMIT $8 OFFSET $9`

const caseColumnsOfC = `c.case_id, c.task_id, c.guest_id, c.owner, c.department, c.opened_at, c.due_at, c.status, c.outcome, c.resolved_at, c.version`

// Cases lists recovery cases by f: the unresolved first, the most overdue
// first, then the resolved, the latest resolved first.
func (w *Warehouse) Cases(ctx context.Context, f CaseFilter) ([]CaseListing, error) {
	switch f.Status {
	case "", CaseOpen, CaseInProgress, CaseResolved:
	default:
		return nil, fmt.Errorf("warehouse: list recovery cases: status %q is not open, in_progress, resolved or empty", f.Status)
	}
	limit := int64(f.Limit)
	if limit <= 0 {
		limit = 1 << 62
	}
	rows, err := w.db.QueryContext(ctx, listCases, f.Status, f.Owner, f.Department, f.Guest,
		nullTime(timeOrNil(f.DueBefore)), f.Butler, f.Team, limit, f.Offset, f.ID)
	if err != nil {
		return nil, fmt.Errorf("warehouse: list recovery cases: %w", err)
	}
	defer rows.Close()
	var out []CaseListing
	for rows.Next() {
		var l CaseListing
		var reported string
		c, err := scanCase(scanWithExtra{rows, &reported})
		if err != nil {
			return nil, fmt.Errorf("warehouse: list recovery cases: %w", err)
		}
		l.RecoveryCase, l.Reported = c, reported
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: list recovery cases: %w", err)
	}
	return out, nil
}

// Case reads one recovery case, or ErrNotFound.
func (w *Warehouse) Case(ctx context.Context, id int64) (RecoveryCase, error) {
	c, err := readCase(ctx, w.db, id)
	if err != nil {
		return c, fmt.Errorf("warehouse: %w", err)
	}
	return c, nil
}

// scanWithExtra lets scanCase read a row that carries more columns after
// the case's own.
type scanWithExtra struct {
	rows  *sql.Rows
	extra *string
}

func (s scanWithExtra) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }
