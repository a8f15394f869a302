package callback

import (
	"context"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// CaseStore is what working a recovery case needs of the warehouse.
type CaseStore interface {
	Case(ctx context.Context, id int64) (warehouse.RecoveryCase, error)
	Task(ctx context.Context, id int64) (warehouse.Task, error)
	LeadOf(ctx context.Context, staffID string) (string, error)
	UpdateRecovery(ctx context.Context, caseID int64, version int, status, outcome, note, by string, at time.Time) (warehouse.RecoveryCase, error)
}

// CaseChange is one move of a recovery case as a person asks for it.
type CaseChange struct {
	CaseID  int64
	Version int    // the case version the caller read
	Status  string // warehouse.CaseInProgress or warehouse.CaseResolved
	Outcome string // warehouse.OutcomeRecovered or OutcomeNotRecovered, when resolving
	Note    string // what was done, for the case's history
	By      string // staff id of who works it
	// AnyCase is true for a caller whose role works every case (an admin);
	// otherwise By must own the case or its task, or lead their owner.
	AnyCase bool
	At      time.Time
}

// WorkCase moves a case along open → in_progress → resolved by the rules:
// who may work it (the owner of the case or of its task, their team lead,
// or AnyCase), the version read, and the order of the states. A rule that
// says no returns a *Refusal: RuleNotOwner, RuleStaleVersion, RuleCaseStep,
// RuleOutcomeRequired; an unknown case warehouse.ErrNotFound.
func WorkCase(ctx context.Context, s CaseStore, ch CaseChange) (warehouse.RecoveryCase, error) {
	if ch.By == "" || ch.At.IsZero() {
		return warehouse.RecoveryCase{}, fmt.Errorf("callback: work recovery case %d: who and when must be given", ch.CaseID)
	}
	c, err := s.Case(ctx, ch.CaseID)
	if err != nil {
		return c, fmt.Errorf("callback: work recovery case: %w", err)
	}
	if !ch.AnyCase {
		if err := mayWorkCase(ctx, s, c, ch.By); err != nil {
			return c, err
		}
	}
	if ch.Version != c.Version {
		return c, staleVersion(fmt.Sprintf("recovery case %d (version %d, now %d)", c.ID, ch.Version, c.Version))
	}
	if err := caseStep(c, ch.Status, ch.Outcome); err != nil {
		return c, err
	}
	done, err := s.UpdateRecovery(ctx, c.ID, ch.Version, ch.Status, ch.Outcome, ch.Note, ch.By, ch.At)
	if err != nil {
		return c, fmt.Errorf("callback: %w", err)
	}
	return done, nil
}

// mayWorkCase: the case's owner, the owner of its task (who may have taken
// it over since), or the team lead of either.
func mayWorkCase(ctx context.Context, s CaseStore, c warehouse.RecoveryCase, by string) error {
	t, err := s.Task(ctx, c.TaskID)
	if err != nil {
		return fmt.Errorf("callback: work recovery case %d: %w", c.ID, err)
	}
	if by == c.Owner || by == t.Owner || by == t.EscalatedTo {
		return nil
	}
	for _, owner := range []string{c.Owner, t.Owner} {
		lead, err := s.LeadOf(ctx, owner)
		if err == nil && lead == by {
			return nil
		}
	}
	return refuse(RuleNotOwner, fmt.Sprintf("recovery case %d is %s's: only they, the task's owner or their team lead work it", c.ID, c.Owner),
		fmt.Sprintf("服务补救 %d 归 %s 负责：只有负责人、任务负责人或其主管可以处理。", c.ID, c.Owner))
}

// caseStep is the order of a case's states, open → in_progress → resolved
// (recovered | not_recovered), said to a person; the warehouse keeps the
// same order as an integrity check of what it stores.
func caseStep(c warehouse.RecoveryCase, to, outcome string) error {
	switch {
	case to != warehouse.CaseInProgress && to != warehouse.CaseResolved:
		return refuse(RuleUnknownCaseStatus, fmt.Sprintf("a case moves to in_progress or resolved, not %q", to), "服务补救只能标记为跟进中或已处理。")
	case c.Status == warehouse.CaseResolved:
		return refuse(RuleCaseStep, fmt.Sprintf("recovery case %d is already resolved", c.ID), fmt.Sprintf("服务补救 %d 已处理完毕。", c.ID))
	case to == warehouse.CaseInProgress && c.Status == warehouse.CaseOpen && outcome == "":
		return nil
	case to == warehouse.CaseInProgress && c.Status == warehouse.CaseInProgress:
		return refuse(RuleCaseStep, fmt.Sprintf("recovery case %d is already in progress", c.ID), fmt.Sprintf("服务补救 %d 已在跟进中。", c.ID))
	case to == warehouse.CaseInProgress:
		return refuse(RuleCaseStep, "an outcome is given only when resolving", "只有标记为已处理时才填写补救结果。")
	case to == warehouse.CaseResolved && c.Status == warehouse.CaseOpen:
		return refuse(RuleCaseStep, fmt.Sprintf("recovery case %d is not yet in progress: mark it in progress first", c.ID),
			fmt.Sprintf("服务补救 %d 尚未开始跟进：请先标记为跟进中。", c.ID))
	case to == warehouse.CaseResolved && (outcome == warehouse.OutcomeRecovered || outcome == warehouse.OutcomeNotRecovered):
		return nil
	case to == warehouse.CaseResolved:
		return refuse(RuleOutcomeRequired, "resolving needs the outcome recovered or not_recovered", "请选择补救结果：已补救或未能补救。")
	}
	return refuse(RuleUnknownCaseStatus, fmt.Sprintf("a case moves to in_progress or resolved, not %q", to), "服务补救只能标记为跟进中或已处理。")
}
