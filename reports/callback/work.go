package callback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"revisit/warehouse"
)

// Store is what recording an attempt needs of the warehouse.
type Store interface {
	Task(ctx context.Context, id int64) (warehouse.Task, error)
	RecordAttempt(ctx context.Context, u warehouse.AttemptUpdate) (warehouse.Task, error)
}

// Attempt is one call as the butler reports it.
type Attempt struct {
	TaskID int64
	// Version is the task version the caller read (the page the butler saw);
	// 0 when the caller has not read the task (the command line), which then
	// records on the version read here.
	Version     int
	By          string // staff id of who called
	At          time.Time
	Disposition Disposition
	Note        string
	Score       *int      // satisfaction 1–5, when the guest gave one
	RequestedAt time.Time // call_back_later: when the guest asked to be called
	Department  string    // reached_issue: the department that must act (客房部, 餐饮部, …)
}

// DefaultRecoveryDue is how long a department has to act on an issue a
// guest raised on the call, unless configured otherwise.
const DefaultRecoveryDue = 24 * time.Hour

// ErrNotOwner is returned when someone other than the task's owner records
// on it: under 首问责任制 the owner keeps the guest until the lead reassigns.
var ErrNotOwner = errors.New("only the task's owner records calls on it")

// NotOwnerError says who owns the task.
type NotOwnerError struct {
	TaskID int64
	Owner  string
	By     string
}

func (e *NotOwnerError) Error() string {
	return fmt.Sprintf("callback task %d is owned by %s, not %s: only the owner records calls on it; ask the team lead to reassign it",
		e.TaskID, e.Owner, e.By)
}

// Is makes errors.Is(err, ErrNotOwner) true.
func (e *NotOwnerError) Is(target error) bool { return target == ErrNotOwner }

// Record decides what one attempt does to its task — close it, schedule the
// next call, open a recovery case — by the rules r, and stores it. The
// attempt limit closes a task as warehouse.DispositionUnreachable. Errors:
// ErrNotOwner, warehouse.ErrNotFound, warehouse.ErrTaskChanged (reload and
// retry), warehouse.ErrTaskClosed, or a message saying what is missing.
func Record(ctx context.Context, s Store, r Rules, a Attempt, recoveryDue time.Duration) (warehouse.Task, error) {
	if err := checkAttempt(a); err != nil {
		return warehouse.Task{}, fmt.Errorf("callback: record attempt on task %d: %w", a.TaskID, err)
	}
	if r.Loc == nil {
		return warehouse.Task{}, errors.New("callback: record attempt: the rules have no time zone")
	}
	r = r.withDefaults()
	if recoveryDue <= 0 {
		recoveryDue = DefaultRecoveryDue
	}
	t, err := s.Task(ctx, a.TaskID)
	if err != nil {
		return warehouse.Task{}, fmt.Errorf("callback: record attempt: %w", err)
	}
	if a.Version == 0 {
		a.Version = t.Version
	}
	switch {
	case a.Version != t.Version:
		return warehouse.Task{}, fmt.Errorf("callback: record attempt on task %d (version %d, now %d): %w",
			a.TaskID, a.Version, t.Version, warehouse.ErrTaskChanged)
	case t.Status == warehouse.TaskClosed:
		return warehouse.Task{}, fmt.Errorf("callback: record attempt on task %d: %w", a.TaskID, warehouse.ErrTaskClosed)
	case a.By != t.Owner:
		return warehouse.Task{}, &NotOwnerError{TaskID: t.ID, Owner: t.Owner, By: a.By}
	}
	u := decide(r, a, t.Attempts+1, recoveryDue)
	done, err := s.RecordAttempt(ctx, u)
	if err != nil {
		return warehouse.Task{}, fmt.Errorf("callback: %w", err)
	}
	return done, nil
}

// checkAttempt refuses what no rule can decide on.
func checkAttempt(a Attempt) error {
	if _, err := ParseDisposition(string(a.Disposition)); err != nil {
		return err
	}
	switch {
	case a.By == "":
		return errors.New("who called (by) is not given")
	case a.At.IsZero():
		return errors.New("the time of the call is not given")
	case a.Score != nil && (*a.Score < 1 || *a.Score > 5):
		return fmt.Errorf("a satisfaction score is 1–5, not %d", *a.Score)
	case a.Disposition == CallBackLater && a.RequestedAt.IsZero():
		return errors.New("call_back_later needs the time the guest asked to be called")
	case a.Disposition == ReachedIssue && a.Department == "":
		return errors.New("reached_issue needs the department that must act (客房部, 餐饮部, …)")
	}
	return nil
}

// withDefaults fills the limits a zero Rules would leave at nothing.
func (r Rules) withDefaults() Rules {
	d := DefaultRules(r.Loc)
	if r.RetryGap <= 0 {
		r.RetryGap = d.RetryGap
	}
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = d.MaxAttempts
	}
	return r
}

// decide turns an attempt into the update the warehouse stores; attempts
// counts this one.
func decide(r Rules, a Attempt, attempts int, recoveryDue time.Duration) warehouse.AttemptUpdate {
	u := warehouse.AttemptUpdate{
		TaskID: a.TaskID, Version: a.Version, By: a.By, At: a.At,
		Disposition: string(a.Disposition), Note: a.Note, Score: a.Score,
	}
	if a.Disposition == ReachedIssue {
		u.Recovery = &warehouse.RecoveryOpen{Department: a.Department, DueAt: a.At.Add(recoveryDue)}
	}
	next, ok := r.NextCall(a.At, a.Disposition, attempts, a.RequestedAt)
	switch {
	case ok:
		u.NextCallAt = &next
	case a.Disposition.Final():
		u.Close, u.FinalDisposition = true, string(a.Disposition)
	default: // a retry with the attempts used up
		u.Close, u.FinalDisposition = true, warehouse.DispositionUnreachable
	}
	return u
}
