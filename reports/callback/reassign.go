package callback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// DefaultIdle is how long an owner may hold a task without an attempt before
// their lead may give it to someone else.
const DefaultIdle = 4 * time.Hour

// ReassignStore is what reassigning needs of the warehouse.
type ReassignStore interface {
	Task(ctx context.Context, id int64) (warehouse.Task, error)
	LeadOf(ctx context.Context, staffID string) (string, error)
	Assign(ctx context.Context, id int64, version int, to, by, reason string, at time.Time, audit *warehouse.AuditEntry) (warehouse.Task, error)
	// TimeZone is the hotel's zone, in which a refusal names a time.
	Location() *time.Location
}

// Reassign gives a task to another butler on the word of the owner's team
// lead (or of the lead it was escalated to), and only when the owner has
// made no attempt within idle of the task's creation: whoever first took
// the guest owns them until then (首问责任制). The event log keeps who and why;
// a non-nil audit entry is written with the assignment, in one transaction.
// The new owner must be a butler of the deciding lead's own team (for the
// lead a task was escalated to, that lead's team): a task given outside it
// would leave the lead's sight, and the guest with someone no lead of theirs
// answers for. A rule that says no returns a *Refusal: RuleNotLead,
// RuleAlreadyCalled, RuleNotIdle, RuleTaskClosed, RuleUnknownButler,
// RuleNotOnTeam or RuleStaleVersion.
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
	if by == "" || (by != lead && by != t.EscalatedTo) {
		return t, refuse(RuleNotLead, fmt.Sprintf("task %d: only %s's team lead (%s), or the lead it was escalated to, may reassign it", id, t.Owner, orNone(lead)),
			"只有该管家的主管（或任务升级到的主管）可以改派。")
	}
	if r, err := targetRefusal(ctx, s, id, to, by); err != nil {
		return t, err
	} else if r != nil {
		return t, r
	}
	if r := ReassignHold(t, at, idle, hotelZone(s)); r != nil {
		return t, r
	}
	if version == 0 {
		version = t.Version
	}
	if version != t.Version {
		return t, staleVersion(fmt.Sprintf("task %d (version %d, now %d)", id, version, t.Version))
	}
	return s.Assign(ctx, id, version, to, by, reason, at, audit)
}

// targetRefusal is the refusal of giving task id to to on the word of lead
// by, or nil when to is a butler of by's own team on the latest roster; an
// error only when the roster could not be read.
func targetRefusal(ctx context.Context, s ReassignStore, id int64, to, by string) (*Refusal, error) {
	toLead, err := s.LeadOf(ctx, to)
	switch {
	case errors.Is(err, warehouse.ErrNotFound):
		return refuse(RuleUnknownButler, fmt.Sprintf("%s is not on the butler roster", to),
			fmt.Sprintf("%s 不在管家名册上。", to)), nil
	case err != nil:
		return nil, err
	case toLead != by:
		return refuse(RuleNotOnTeam, fmt.Sprintf("task %d: %s is not a butler of your team: a lead gives a task only to a butler of their own team", id, to),
			fmt.Sprintf("任务 %d：%s 不是您组内的管家，只能改派给本组管家。", id, to)), nil
	}
	return nil, nil
}

// ReassignHold is the refusal the reassignment rules about the task itself
// give at at — closed (RuleTaskClosed), already called (RuleAlreadyCalled),
// not yet idle long enough (RuleNotIdle) — or nil when they allow it; who
// asks is Reassign's to judge. A board shows it beside the task so a lead
// need not try; times are written in zone.
func ReassignHold(t warehouse.Task, at time.Time, idle time.Duration, zone *time.Location) *Refusal {
	if idle <= 0 {
		idle = DefaultIdle
	}
	if t.Status == warehouse.TaskClosed {
		return refuse(RuleTaskClosed, fmt.Sprintf("task %d is already closed and cannot be reassigned", t.ID),
			fmt.Sprintf("任务 %d 已关闭，不能再改派。", t.ID))
	}
	if t.Attempts > 0 {
		return refuse(RuleAlreadyCalled, fmt.Sprintf("task %d: %s has already called (%d attempts): under first-responder responsibility it stays theirs", t.ID, t.Owner, t.Attempts),
			fmt.Sprintf("任务 %d：%s 已拨打 %d 次，按首问责任制仍归其所有。", t.ID, t.Owner, t.Attempts))
	}
	if held := at.Sub(t.CreatedAt); held < idle {
		after := t.CreatedAt.Add(idle).In(zone).Format("01-02 15:04")
		return refuse(RuleNotIdle, fmt.Sprintf("task %d: %s has held it for %s without a call; a lead may reassign after %s of that, so it can be reassigned after %s",
			t.ID, t.Owner, held.Round(time.Minute), idleText(idle), after),
			fmt.Sprintf("任务 %d：%s 还未持有满 %s，%s 后才能改派。", t.ID, t.Owner, idleText(idle), after))
	}
	return nil
}

// idleText writes an idle time as a lead reads it: "4 h".
func idleText(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", d/time.Hour)
	}
	return d.String()
}

// hotelZone is the store's hotel zone, resolved when it opened.
func hotelZone(s ReassignStore) *time.Location { return s.Location() }

func orNone(s string) string {
	if s == "" {
		return "none on the roster"
	}
	return s
}
