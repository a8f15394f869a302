package callback

import (
	"context"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// TestCallBackLaterTakesOnlyASaneTime: issue 13 row 9. call_back_later was
// accepted with requested_at 9999-12-31 and 1970-01-01. Now the time must
// lie between a day before the call and 90 days after it; at the edges it
// is taken, a minute beyond them it is refused with RuleRequestedAtRange
// and the task is unchanged.
func TestCallBackLaterTakesOnlyASaneTime(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	importCSV(t, w, "roster.csv", "员工号,姓名,组别,主管", "B01,李伟香,客服管家,B09", "B09,范志伟,客服管家,B09")
	call := at("2026-11-26 10:00")
	id := newTask(t, w, "G1", at("2026-11-26 08:00"))
	attempt := func(requested time.Time) error {
		_, err := Record(ctx, w, DefaultRules(shanghai), Attempt{TaskID: id, By: "B01", At: call, Disposition: CallBackLater, RequestedAt: requested}, 0)
		return err
	}
	for _, requested := range []time.Time{
		time.Date(9999, 12, 31, 23, 59, 0, 0, shanghai),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		call.Add(-24*time.Hour - time.Minute),
		call.AddDate(0, 0, 90).Add(time.Minute),
	} {
		r, ok := AsRefusal(attempt(requested))
		if !ok || r.Rule != RuleRequestedAtRange || r.MessageZH == "" {
			t.Errorf("requested %s: %v, want the %s refusal", requested, r, RuleRequestedAtRange)
		}
	}
	if tk, err := w.Task(ctx, id); err != nil || tk.Attempts != 0 || tk.Version != 1 {
		t.Fatalf("refused attempts changed the task: %+v %v", tk, err)
	}
	for i, requested := range []time.Time{call.Add(-24 * time.Hour), call.AddDate(0, 0, 90)} {
		if err := attempt(requested); err != nil {
			t.Errorf("requested %s, at the window's edge: %v", requested, err)
		}
		if tk, err := w.Task(ctx, id); err != nil || tk.Attempts != i+1 {
			t.Errorf("after the attempt for %s: %+v %v", requested, tk, err)
		}
	}
}
