package callback

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func TestOnlyTheLeadReassignsAnIdleTask(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	importCSV(t, w, "roster.csv", "员工号,姓名,组别,主管", "B01,李伟香,客服管家,B09", "B02,郭笑颜,客服管家,B09", "B09,范志伟,客服管家,B09")
	departed := at("2026-11-26 08:00")
	id := newTask(t, w, "G1", departed) // owned by B01, created at departure

	cases := []struct {
		name, by, when, want string
	}{
		{"a colleague may not", "B02", "2026-11-26 13:00", "only B01's team lead (B09)"},
		{"the lead may not before the idle time", "B09", "2026-11-26 11:00", "held it for 3h0m0s"},
	}
	for _, tc := range cases {
		if _, err := Reassign(ctx, w, id, 0, "B02", tc.by, "busy", at(tc.when), DefaultIdle, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	task, err := Reassign(ctx, w, id, 0, "B02", "B09", "B01 is on leave", at("2026-11-26 12:30"), DefaultIdle, nil)
	if err != nil || task.Owner != "B02" || task.OwnerReason != "reassigned" {
		t.Fatalf("the lead after four idle hours: %+v %v", task, err)
	}
	var note string
	w.DB().QueryRow("SELECT actor || ' ' || note FROM callback_events WHERE task_id = ? AND kind = 'assigned'", id).Scan(&note)
	if note != "B09 from B01: B01 is on leave" {
		t.Errorf("assignment event %q", note)
	}

	// Once the owner has called, the task stays theirs.
	id2 := newTask(t, w, "G2", departed)
	tk, err := w.Task(ctx, id2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Record(ctx, w, DefaultRules(shanghai), Attempt{TaskID: id2, Version: tk.Version, By: "B01", At: at("2026-11-26 09:30"), Disposition: NoAnswer}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Reassign(ctx, w, id2, 0, "B02", "B09", "slow", at("2026-11-26 16:00"), DefaultIdle, nil); err == nil || !strings.Contains(err.Error(), "already called") {
		t.Errorf("reassigning a worked task: %v", err)
	}
}

// TestALeadGivesATaskOnlyToTheirOwnTeam: issue 13 row 2. A lead handed a
// task to anyone on the roster — another team's butler, the security team,
// another lead — and then lost sight of it. Now each is refused with
// RuleNotOnTeam, and nothing changes; the lead a task was escalated to gives
// it within their own team; a butler who moved teams is judged by the
// latest roster.
func TestALeadGivesATaskOnlyToTheirOwnTeam(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	importCSV(t, w, "roster.csv", "员工号,姓名,组别,主管",
		"B01,李伟香,客服管家,B09", "B02,郭笑颜,客服管家,B09", "B03,王芳,客服管家,B09", "B09,范志伟,客服管家,B09",
		"C01,宋雅婷,餐饮管家,C09", "C09,陈静,餐饮管家,C09", "S01,赵强,安保管家,S09", "S09,刘军,安保管家,S09")
	// B03 has since moved to the dining team.
	importCSV(t, w, "roster-later.csv", "员工号,姓名,组别,主管", "B03,王芳,餐饮管家,C09")
	departed := at("2026-11-26 08:00")
	idle := at("2026-11-26 13:00")
	id := newTask(t, w, "G1", departed)

	refused := []struct{ name, to, rule string }{
		{"another team's butler", "C01", RuleNotOnTeam},
		{"the security team's butler", "S01", RuleNotOnTeam},
		{"another lead", "C09", RuleNotOnTeam},
		{"a butler who moved to another team", "B03", RuleNotOnTeam},
		{"no one on the roster", "Z99", RuleUnknownButler},
	}
	for _, tc := range refused {
		_, err := Reassign(ctx, w, id, 0, tc.to, "B09", "busy", idle, DefaultIdle, nil)
		if r, ok := AsRefusal(err); !ok || r.Rule != tc.rule || r.MessageZH == "" {
			t.Errorf("%s (%s): %v, want the %s refusal", tc.name, tc.to, err, tc.rule)
		}
	}
	if tk, err := w.Task(ctx, id); err != nil || tk.Owner != "B01" || tk.Version != 1 {
		t.Fatalf("a refused reassignment changed the task: owner %s version %d (%v)", tk.Owner, tk.Version, err)
	}
	var assigned int
	if err := w.DB().QueryRowContext(ctx, "SELECT count(*) FROM callback_events WHERE task_id = ? AND kind = 'assigned'", id).Scan(&assigned); err != nil || assigned != 0 {
		t.Fatalf("%d assignment events after refusals (%v)", assigned, err)
	}

	// The lead a task was escalated to gives it within their own team, not
	// to the owner's.
	if _, err := w.DB().ExecContext(ctx, "UPDATE callback_tasks SET escalated = true, escalated_to = 'C09' WHERE task_id = ?", id); err != nil {
		t.Fatal(err)
	}
	if _, err := Reassign(ctx, w, id, 0, "B02", "C09", "busy", idle, DefaultIdle, nil); !errors.Is(err, &Refusal{Rule: RuleNotOnTeam}) {
		t.Errorf("the escalation lead gave it to the owner's team: %v", err)
	}
	task, err := Reassign(ctx, w, id, 0, "C01", "C09", "dining complaint", idle, DefaultIdle, nil)
	if err != nil || task.Owner != "C01" {
		t.Fatalf("the escalation lead to their own butler: %+v %v", task, err)
	}
	// And the owner's lead to their own butler, on another task.
	id2 := newTask(t, w, "G2", departed)
	if task, err := Reassign(ctx, w, id2, 0, "B02", "B09", "B01 is on leave", idle, DefaultIdle, nil); err != nil || task.Owner != "B02" {
		t.Fatalf("the lead to their own butler: %+v %v", task, err)
	}
}
