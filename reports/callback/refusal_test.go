package callback

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// TestEachRuleRefusesWithItsOwnTypedRefusal: every refusal the rules give
// says which rule, in English and Chinese, and names no guest.
func TestEachRuleRefusesWithItsOwnTypedRefusal(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	importCSV(t, w, "roster.csv", "员工号,姓名,组别,主管", "B01,李伟香,客服管家,B09", "B02,郭笑颜,客服管家,B09", "B09,范志伟,客服管家,B09")
	departed := at("2026-11-26 08:00")
	id := newTask(t, w, "G-SECRET", departed)
	r := DefaultRules(shanghai)
	call := Attempt{TaskID: id, By: "B01", At: at("2026-11-26 10:00"), Disposition: NoAnswer}
	with := func(edit func(*Attempt)) Attempt { a := call; edit(&a); return a }

	cases := []struct {
		name string
		run  func() error
		rule string
	}{
		{"a colleague records a call", func() error {
			_, err := Record(ctx, w, r, with(func(a *Attempt) { a.By = "B02" }), 0)
			return err
		}, RuleNotOwner},
		{"a stale version", func() error { _, err := Record(ctx, w, r, with(func(a *Attempt) { a.Version = 9 }), 0); return err }, RuleStaleVersion},
		{"an unknown outcome", func() error {
			_, err := Record(ctx, w, r, with(func(a *Attempt) { a.Disposition = "hung_up" }), 0)
			return err
		}, RuleUnknownDisposition},
		{"a score of 7", func() error {
			_, err := Record(ctx, w, r, with(func(a *Attempt) { a.Score = score(7) }), 0)
			return err
		}, RuleScoreRange},
		{"call back later with no time", func() error {
			_, err := Record(ctx, w, r, with(func(a *Attempt) { a.Disposition = CallBackLater }), 0)
			return err
		}, RuleRequestedAtRequired},
		{"an issue with no department", func() error {
			_, err := Record(ctx, w, r, with(func(a *Attempt) { a.Disposition = ReachedIssue }), 0)
			return err
		}, RuleDepartmentRequired},
		{"a colleague reassigns", func() error {
			_, err := Reassign(ctx, w, id, 0, "B02", "B02", "busy", at("2026-11-26 13:00"), 0, nil)
			return err
		}, RuleNotLead},
		{"the lead reassigns too soon", func() error {
			_, err := Reassign(ctx, w, id, 0, "B02", "B09", "busy", at("2026-11-26 09:00"), 0, nil)
			return err
		}, RuleNotIdle},
		{"the lead reassigns a stale version", func() error {
			_, err := Reassign(ctx, w, id, 9, "B02", "B09", "busy", at("2026-11-26 13:00"), 0, nil)
			return err
		}, RuleStaleVersion},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			var ref *Refusal
			if !errors.As(err, &ref) || ref.Rule != tc.rule || ref.Message == "" || ref.MessageZH == "" {
				t.Fatalf("%v (%#v), want a %s refusal in both languages", err, ref, tc.rule)
			}
			if !errors.Is(err, &Refusal{Rule: tc.rule}) {
				t.Error("errors.Is does not match the refusal by its rule")
			}
			if strings.Contains(ref.Message+ref.MessageZH, "G-SECRET") {
				t.Errorf("the refusal names the guest: %q / %q", ref.Message, ref.MessageZH)
			}
		})
	}

	// Once called, the task stays its owner's; once closed, it takes no call.
	if _, err := Record(ctx, w, r, call, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Reassign(ctx, w, id, 0, "B02", "B09", "busy", at("2026-11-26 13:00"), 0, nil); !errors.Is(err, &Refusal{Rule: RuleAlreadyCalled}) || !errors.Is(err, ErrReassignRefused) {
		t.Errorf("reassigning a called task: %v", err)
	}
	closing := call
	closing.Version, closing.Disposition, closing.At = 2, ReachedSatisfied, at("2026-11-26 15:00")
	if _, err := Record(ctx, w, r, closing, 0); err != nil {
		t.Fatal(err)
	}
	closing.Version = 3
	if _, err := Record(ctx, w, r, closing, 0); !errors.Is(err, &Refusal{Rule: RuleTaskClosed}) || !errors.Is(err, warehouse.ErrTaskClosed) {
		t.Errorf("a call on a closed task: %v", err)
	}
}

func TestWhoMayWorkARecoveryCase(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	importCSV(t, w, "roster.csv", "员工号,姓名,组别,主管", "B01,李伟香,客服管家,B09", "B02,郭笑颜,客服管家,B09", "C01,宋雅婷,餐饮管家,C09")
	id := newTask(t, w, "G1", at("2026-11-26 08:00"))
	when := at("2026-11-26 10:00")
	if _, err := Record(ctx, w, DefaultRules(shanghai), Attempt{TaskID: id, By: "B01", At: when, Disposition: ReachedIssue, Department: "客房部"}, 0); err != nil {
		t.Fatal(err)
	}
	cs, err := w.RecoveryCases(ctx, id)
	if err != nil || len(cs) != 1 {
		t.Fatal(cs, err)
	}
	move := func(by string, anyCase bool, version int, status, outcome string) error {
		_, err := WorkCase(ctx, w, CaseChange{CaseID: cs[0].ID, Version: version, Status: status, Outcome: outcome, By: by, AnyCase: anyCase, At: when.Add(time.Hour)})
		return err
	}
	for _, who := range []string{"B02", "C01", "C09"} {
		if err := move(who, false, 1, warehouse.CaseInProgress, ""); !errors.Is(err, &Refusal{Rule: RuleNotOwner}) {
			t.Errorf("%s, not the owner nor their lead: %v", who, err)
		}
	}
	if err := move("B09", false, 1, warehouse.CaseInProgress, ""); err != nil {
		t.Errorf("the owner's lead: %v", err)
	}
	if err := move("ADMIN", true, 2, warehouse.CaseResolved, warehouse.OutcomeNotRecovered); err != nil {
		t.Errorf("a caller who works every case: %v", err)
	}
	if err := move("B01", false, 3, warehouse.CaseResolved, warehouse.OutcomeRecovered); !errors.Is(err, &Refusal{Rule: RuleCaseStep}) {
		t.Errorf("resolving twice: %v", err)
	}
}
