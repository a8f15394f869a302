package callback

import (
	"errors"
	"fmt"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Refusal is a callback rule saying no: which rule (one of the Rule
// constants, stable for programs) and a message safe to show a person, in
// English and Chinese. Messages name only task and case numbers, staff ids,
// times and durations: never a guest's name, number or complaint. The HTTP
// layer maps Rule to a status in one place; no handler re-checks a rule.
type Refusal struct {
	Rule      string
	Message   string
	MessageZH string
}

// Error returns the English message, prefixed with the package.
func (r *Refusal) Error() string { return "callback: " + r.Message }

// Is lets errors.Is match a refusal by its rule (errors.Is(err,
// &Refusal{Rule: RuleStaleVersion})), and keeps the older sentinels true:
// ErrNotOwner, ErrReassignRefused, warehouse.ErrTaskChanged and
// warehouse.ErrTaskClosed.
func (r *Refusal) Is(target error) bool {
	switch target {
	case ErrNotOwner:
		return r.Rule == RuleNotOwner
	case ErrReassignRefused:
		return r.Rule == RuleNotLead || r.Rule == RuleAlreadyCalled || r.Rule == RuleNotIdle ||
			r.Rule == RuleNotOnTeam || r.Rule == RuleUnknownButler
	case warehouse.ErrTaskChanged:
		return r.Rule == RuleStaleVersion
	case warehouse.ErrTaskClosed:
		return r.Rule == RuleTaskClosed
	}
	t, ok := target.(*Refusal)
	return ok && t.Rule == r.Rule
}

// The rules a refusal names.
const (
	// RuleNotOwner: only a task's owner records calls on it (首问责任制), and
	// only the owner of a case (or of its task) or their lead works the case.
	RuleNotOwner = "not_owner"
	// RuleTaskClosed: a closed task takes no more calls and no reassignment.
	RuleTaskClosed = "task_closed"
	// RuleStaleVersion: the task or case changed since the caller read it.
	RuleStaleVersion = "stale_version"
	// RuleNotLead: only the owner's team lead, or the lead a task was
	// escalated to, reassigns it.
	RuleNotLead = "not_lead"
	// RuleAlreadyCalled: a task whose owner has called stays theirs.
	RuleAlreadyCalled = "already_called"
	// RuleNotIdle: a lead reassigns only after the owner has held the task
	// idle (DefaultIdle) without a call.
	RuleNotIdle = "not_idle"
	// RuleNotOnTeam: a lead gives a task only to a butler of their own team
	// (the lead it was escalated to, to one of theirs).
	RuleNotOnTeam = "not_on_team"
	// RuleUnknownButler: a task is given only to a butler on the roster.
	RuleUnknownButler = "unknown_butler"
	// RuleUnknownDisposition: the outcome of a call is one of Dispositions().
	RuleUnknownDisposition = "unknown_disposition"
	// RuleScoreRange: a satisfaction score is 1–5.
	RuleScoreRange = "score_range"
	// RuleRequestedAtRequired: call_back_later needs the time the guest asked for.
	RuleRequestedAtRequired = "requested_at_required"
	// RuleRequestedAtRange: that time lies between RequestedAtPast before
	// the call and RequestedAtAhead after it.
	RuleRequestedAtRange = "requested_at_range"
	// RuleDepartmentRequired: reached_issue needs the department that must act.
	RuleDepartmentRequired = "department_required"
	// RuleCaseStep: a recovery case goes open → in_progress → resolved.
	RuleCaseStep = "case_step"
	// RuleUnknownCaseStatus: a case is moved to in_progress or resolved.
	RuleUnknownCaseStatus = "unknown_case_status"
	// RuleOutcomeRequired: resolving a case needs recovered or not_recovered.
	RuleOutcomeRequired = "outcome_required"
)

// ErrNotOwner is matched (errors.Is) by the RuleNotOwner refusal.
var ErrNotOwner = errors.New("only the task's owner records calls on it")

// ErrReassignRefused is matched (errors.Is) by every refusal of the
// reassignment rules: RuleNotLead, RuleAlreadyCalled, RuleNotIdle,
// RuleNotOnTeam, RuleUnknownButler.
var ErrReassignRefused = errors.New("reassignment refused")

// AsRefusal reads the refusal in err. A task or case that changed or closed
// between the rules' read and the write (warehouse.ErrTaskChanged,
// warehouse.ErrTaskClosed) is the same refusal as one the rules saw, so a
// caller maps both alike.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	switch {
	case errors.As(err, &r):
		return r, true
	case errors.Is(err, warehouse.ErrTaskChanged):
		return staleVersion("it"), true
	case errors.Is(err, warehouse.ErrTaskClosed):
		return &Refusal{Rule: RuleTaskClosed, Message: "the task is closed", MessageZH: "该任务已关闭。"}, true
	}
	return nil, false
}

func staleVersion(what string) *Refusal {
	return &Refusal{Rule: RuleStaleVersion,
		Message:   fmt.Sprintf("%s changed meanwhile, since you read it: check it again and retry", what),
		MessageZH: "内容刚被更新，请查看最新状态后再试。"}
}

func refuse(rule, en, zh string) *Refusal { return &Refusal{Rule: rule, Message: en, MessageZH: zh} }
