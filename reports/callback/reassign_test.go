package callback

import (
	"context"
	"strings"
	"testing"
)

func TestOnlyTheLeadReassignsAnIdleTask(t *testing.T) {
	w := openWarehouse(t)
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
	tk, _ := w.Task(ctx, id2)
	if _, err := Record(ctx, w, DefaultRules(shanghai), Attempt{TaskID: id2, Version: tk.Version, By: "B01", At: at("2026-11-26 09:30"), Disposition: NoAnswer}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Reassign(ctx, w, id2, 0, "B02", "B09", "slow", at("2026-11-26 16:00"), DefaultIdle, nil); err == nil || !strings.Contains(err.Error(), "already called") {
		t.Errorf("reassigning a worked task: %v", err)
	}
}
