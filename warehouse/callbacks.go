package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The callback domain's shared vocabulary. Generation is in
// callbacks_generate.go, working a task in callbacks_work.go, the SLA in
// callbacks_sla.go; the call-scheduling rules are in reports/callback.

// Task statuses.
const (
	TaskOpen   = "open"
	TaskClosed = "closed"
)

// DispositionUnreachable closes a task whose attempts ran out.
const DispositionUnreachable = "unreachable"

// DispositionForgotten closes the open tasks of a guest who was forgotten
// or anonymised: nobody may call them any more. It is no one's work done
// or missed, so the SLA and the KPIs count such tasks apart. Recovery
// cases close the same way, resolved with this outcome.
const DispositionForgotten = "forgotten"

// ActorPrivacy is the actor of the events a forget or an anonymisation
// writes (the person who ran it is in the audit log).
const ActorPrivacy = "privacy"

// Why a task has its owner.
const (
	OwnerServedStay      = "served_stay"
	OwnerDedicatedButler = "dedicated_butler"
	OwnerLeastLoaded     = "least_loaded"
	OwnerReassigned      = "reassigned"
)

// OwnerUnassigned is the owner of a task no butler can take: the roster has
// no butler of the service team (or there is no roster at all). Its
// owner_reason is OwnerNoRoster; a lead assigns it by hand.
const (
	OwnerUnassigned = "unassigned"
	OwnerNoRoster   = "no_roster"
)

// Why a departure got no task.
const (
	SkipNoPhone   = "no_phone"
	SkipDoNotCall = "do_not_call"
	SkipInHouse   = "in_house"
)

// Event kinds of the append-only callback log.
const (
	EventCreated         = "created"
	EventAssigned        = "assigned"
	EventAttempt         = "attempt"
	EventAtRisk          = "at_risk"
	EventEscalated       = "escalated"
	EventClosed          = "closed"
	EventRecoveryOpened  = "recovery_opened"
	EventRecoveryChanged = "recovery_changed"
)

// ErrTaskChanged is returned when a task changed since the caller read it
// (another person recorded on it first): read it again and retry.
var ErrTaskChanged = errors.New("the callback task changed since it was read: reload it and try again")

// ErrNotFound is returned for a task, case or butler that does not exist.
var ErrNotFound = errors.New("not found")

// Task is one callback task.
type Task struct {
	ID             int64
	GuestID        string
	DepartureDay   time.Time // civil date, midnight UTC
	DepartureAt    time.Time
	DueAt          time.Time
	StayIDs        []string
	Priority       int
	PriorityReason string
	Owner          string
	OwnerReason    string
	Status         string
	Disposition    string // "" while open
	Attempts       int
	NextCallAt     *time.Time
	Score          *int
	AtRisk         bool
	Escalated      bool
	EscalatedTo    string
	Version        int
	CreatedAt      time.Time
	ClosedAt       *time.Time
}

// LeadOf returns the team lead of a butler on the roster ("" when the roster
// names none), or ErrNotFound when the butler is not on it.
func (w *Warehouse) LeadOf(ctx context.Context, staffID string) (string, error) {
	var lead sql.NullString
	err := w.db.QueryRowContext(ctx, "SELECT lead_id FROM butlers WHERE staff_id = ? ORDER BY import_id DESC LIMIT 1", staffID).Scan(&lead)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("butler %s: %w", staffID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("warehouse: lead of %s: %w", staffID, err)
	}
	return lead.String, nil
}

// Butler is one person of the roster.
type Butler struct {
	StaffID, Name, Team string
}

// TeamOf lists the butlers whose lead is lead on the latest roster row of
// each (the row LeadOf reads), by staff id.
func (w *Warehouse) TeamOf(ctx context.Context, lead string) ([]Butler, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT staff_id, name, team FROM (
	    SELECT staff_id, name, team, lead_id,
	           row_number() OVER (PARTITION BY staff_id ORDER BY import_id DESC, line DESC) AS latest
	    FROM butlers)
	WHERE latest = 1 AND lead_id = ? ORDER BY staff_id`, lead)
	if err != nil {
		return nil, fmt.Errorf("warehouse: team of %s: %w", lead, err)
	}
	defer rows.Close()
	var out []Butler
	for rows.Next() {
		var b Butler
		if err := rows.Scan(&b.StaffID, &b.Name, &b.Team); err != nil {
			return nil, fmt.Errorf("warehouse: team of %s: %w", lead, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
