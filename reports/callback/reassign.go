package callback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"revisit/warehouse"
)

// DefaultIdle is how long an owner may hold a task without an attempt before
// their lead may give it to someone else.
const DefaultIdle = 4 * time.Hour

// ReassignStore is what reassigning needs of the warehouse.
type ReassignStore interface {
	Task(ctx context.Context, id int64) (warehouse.Task, error)
	LeadOf(ctx context.Context, staffID string) (string, error)
	Assign(ctx context.Context, id int64, version int, to, by, reason string, at time.Time, audit *warehouse.AuditEntry) (warehouse.Task, error)
}

// ErrReassignRefused is wrapped by every refusal of the reassignment rules
// (not the lead, the owner already called, not idle long enough); the
// message says which, naming only staff ids and durations.
var ErrReassignRefused = errors.New("reassignment refused")

// Reassign gives a task to another butler on the word of the owner's team
// lead (or of the lead it was escalated to), and only when the owner has
// made no attempt within idle of the task's creation: whoever first took
// the guest owns them until then (首问责任制). The event log keeps who and why;
// a non-nil audit entry is written with the assignment, in one transaction.
func Reassign(ctx context.Context, s ReassignStore, id int64, version int, to, by, reason string, at time.Time, idle time.Duration, audit *warehouse.AuditEntry) (warehouse.Task, error) {
	if idle <= 0 {
		idle = DefaultIdle
	}
	t, err := s.Task(ctx, id)
	if err != nil {
		return t, err
	}
	lead, err := s.LeadOf(ctx, t.Owner)
	if err != nil {
		return t, err
	}
	if by != lead && by != t.EscalatedTo {
		return t, fmt.Errorf("task %d: only %s's team lead (%s) may reassign it: %w", id, t.Owner, orNone(lead), ErrReassignRefused)
	}
	if t.Attempts > 0 {
		return t, fmt.Errorf("task %d: %s has already called (%d attempts): it stays theirs: %w", id, t.Owner, t.Attempts, ErrReassignRefused)
	}
	if held := at.Sub(t.CreatedAt); held < idle {
		return t, fmt.Errorf("task %d: %s has held it for %s without a call; a lead may reassign after %s: %w", id, t.Owner, held.Round(time.Minute), idle, ErrReassignRefused)
	}
	if version == 0 {
		version = t.Version
	}
	return s.Assign(ctx, id, version, to, by, reason, at, audit)
}

func orNone(s string) string {
	if s == "" {
		return "none on the roster"
	}
	return s
}
