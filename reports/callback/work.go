package callback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
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

// The window a call_back_later's requested time must lie in, around the
// call: a guest may have asked a moment ago for a time just past (a clock
// a little off), but not for 1970, and not for a date so far ahead that
// the task would sit open for it (9999-12-31 was accepted once).
const (
	RequestedAtPast  = 24 * time.Hour
	RequestedAtAhead = 90 * 24 * time.Hour
)

// requestedAtSane reports whether requested lies in the window around the
// call at at.
func requestedAtSane(requested, at time.Time) bool {
	return !requested.Before(at.Add(-RequestedAtPast)) && !requested.After(at.Add(RequestedAtAhead))
}

// DefaultRecoveryDue is how long a department has to act on an issue a
// guest raised on the call, unless configured otherwise.
const DefaultRecoveryDue = 24 * time.Hour

// Record decides what one attempt does to its task — close it, schedule the
// next call, open a recovery case — by the rules r, and stores it. The
// attempt limit closes a task as warehouse.DispositionUnreachable. A rule
// that says no returns a *Refusal (RuleNotOwner, RuleStaleVersion,
// RuleTaskClosed, or one about the attempt itself); an unknown task
// warehouse.ErrNotFound.
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
		return warehouse.Task{}, staleVersion(fmt.Sprintf("callback task %d (version %d, now %d)", a.TaskID, a.Version, t.Version))
	case t.Status == warehouse.TaskClosed:
		return warehouse.Task{}, refuse(RuleTaskClosed, fmt.Sprintf("callback task %d is closed: it takes no more calls", a.TaskID),
			fmt.Sprintf("回访任务 %d 已关闭，不能再记录通话。", a.TaskID))
	case a.By != t.Owner:
		return warehouse.Task{}, refuse(RuleNotOwner,
			fmt.Sprintf("callback task %d is owned by %s, not %s: only the owner records calls on it; ask the team lead to reassign it", t.ID, t.Owner, a.By),
			fmt.Sprintf("回访任务 %d 归 %s 所有，不是 %s：只有负责人可以记录通话，如需改派请找主管。", t.ID, t.Owner, a.By))
	}
	u := decide(r, a, t.Attempts+1, recoveryDue)
	done, err := s.RecordAttempt(ctx, u)
	if err != nil {
		return warehouse.Task{}, fmt.Errorf("callback: %w", err)
	}
	return done, nil
}

// checkAttempt refuses what no rule can decide on: a person's mistake is a
// Refusal; a caller that forgot who or when is a plain error.
func checkAttempt(a Attempt) error {
	if _, err := ParseDisposition(string(a.Disposition)); err != nil {
		return refuse(RuleUnknownDisposition, err.Error(), "未知的通话结果，请从列表中选择。")
	}
	switch {
	case a.By == "":
		return errors.New("who called (by) is not given")
	case a.At.IsZero():
		return errors.New("the time of the call is not given")
	case a.Score != nil && (*a.Score < 1 || *a.Score > 5):
		return refuse(RuleScoreRange, fmt.Sprintf("a satisfaction score is from 1 to 5, not %d", *a.Score), "满意度评分为 1–5 分。")
	case a.Disposition == CallBackLater && a.RequestedAt.IsZero():
		return refuse(RuleRequestedAtRequired, "call back later (call_back_later): give the time the guest asked to be called (requested_at)",
			"“稍后回电”需要填写客人约定的回电时间。")
	case a.Disposition == CallBackLater && !requestedAtSane(a.RequestedAt, a.At):
		return refuse(RuleRequestedAtRange, fmt.Sprintf("call back later (call_back_later): the time the guest asked to be called (requested_at) must lie between %s before the call and %d days after it",
			idleText(RequestedAtPast), RequestedAtAhead/(24*time.Hour)),
			fmt.Sprintf("约定回电时间须在本次通话前 %d 小时至通话后 %d 天之内。", RequestedAtPast/time.Hour, RequestedAtAhead/(24*time.Hour)))
	case a.Disposition == ReachedIssue && a.Department == "":
		return refuse(RuleDepartmentRequired, "the guest raised an issue (reached_issue): choose the department that must act (department: 客房部, 餐饮部, …)",
			"“有问题”需要选择负责处理的部门（客房部、餐饮部等）。")
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
