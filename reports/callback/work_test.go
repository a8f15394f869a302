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

// newTask inserts an open task owned by B01, as generation leaves it. The
// warehouse offers no way to write a bare task, so the test writes the row.
func newTask(t *testing.T, w *warehouse.Warehouse, guest string, departure time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := w.DB().QueryRowContext(ctx, "SELECT coalesce(max(task_id), 0) + 1 FROM callback_tasks").Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `INSERT INTO callback_tasks VALUES (?, ?, CAST(? AS DATE), ?, ?, 'S1', 4, 'everyone else',
		'B01', 'served_stay', 'open', NULL, 0, NULL, NULL, false, false, NULL, 1, ?, NULL)`,
		id, guest, departure.In(shanghai).Format("2006-01-02"), departure, departure.Add(24*time.Hour), departure); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `INSERT INTO callback_events (event_id, task_id, event_at, kind, actor, owner)
		SELECT coalesce(max(event_id), 0) + 1, ?, ?, 'created', 'system', 'B01' FROM callback_events`, id, departure); err != nil {
		t.Fatal(err)
	}
	return id
}

func score(n int) *int { return &n }

// hhmm shows a time as the hotel reads it.
func hhmm(t *time.Time) string {
	if t == nil {
		return "none"
	}
	return t.In(shanghai).Format("2006-01-02 15:04")
}

func TestRecordSchedulesByTheRules(t *testing.T) {
	departed := at("2026-11-26 08:00")
	type call struct {
		at          string
		d           Disposition
		requested   string
		wantNext    string // "" when the task closes
		wantClosed  string // the closing code, "" while open
		wantAttempt int
	}
	cases := []struct {
		name  string
		calls []call
	}{
		{"no answer: retry after the 2 h gap", []call{
			{"2026-11-26 09:30", NoAnswer, "", "2026-11-26 11:30", "", 1},
		}},
		{"busy: the retry skips the lunch rush", []call{
			{"2026-11-26 10:30", Busy, "", "2026-11-26 13:00", "", 1},
		}},
		{"no answer in the evening: next morning, after quiet hours", []call{
			{"2026-11-26 20:00", NoAnswer, "", "2026-11-27 09:00", "", 1},
		}},
		{"three without an answer: closed as unreachable", []call{
			{"2026-11-26 09:30", NoAnswer, "", "2026-11-26 11:30", "", 1},
			{"2026-11-26 11:30", Busy, "", "2026-11-26 13:30", "", 2},
			{"2026-11-26 13:30", NoAnswer, "", "", warehouse.DispositionUnreachable, 3},
		}},
		{"the guest's requested time wins over quiet hours", []call{
			{"2026-11-26 10:00", CallBackLater, "2026-11-26 21:30", "2026-11-26 21:30", "", 1},
			{"2026-11-26 21:30", ReachedSatisfied, "", "", "reached_satisfied", 2},
		}},
		{"call back later does not use up the attempts", []call{
			{"2026-11-26 09:30", NoAnswer, "", "2026-11-26 11:30", "", 1},
			{"2026-11-26 11:30", NoAnswer, "", "2026-11-26 13:30", "", 2},
			{"2026-11-26 13:30", CallBackLater, "2026-11-27 10:00", "2026-11-27 10:00", "", 3},
			{"2026-11-27 10:00", WrongNumber, "", "", "wrong_number", 4},
		}},
		{"do not call closes the task", []call{
			{"2026-11-26 09:30", DoNotCall, "", "", "do_not_call", 1},
		}},
		{"declined closes the task", []call{
			{"2026-11-26 09:30", Declined, "", "", "declined", 1},
		}},
	}
	w := whtest.OpenTemp(t)
	r := DefaultRules(shanghai)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := newTask(t, w, "G"+string(rune('A'+i)), departed)
			for _, c := range tc.calls {
				a := Attempt{TaskID: id, By: "B01", At: at(c.at), Disposition: c.d}
				if c.requested != "" {
					a.RequestedAt = at(c.requested)
				}
				task, err := Record(context.Background(), w, r, a, 0)
				if err != nil {
					t.Fatalf("%s at %s: %v", c.d, c.at, err)
				}
				wantNext := "none"
				if c.wantNext != "" {
					wantNext = c.wantNext
				}
				if got := hhmm(task.NextCallAt); got != wantNext {
					t.Errorf("%s at %s: next call %s, want %s", c.d, c.at, got, wantNext)
				}
				if task.Disposition != c.wantClosed || (c.wantClosed != "") != (task.Status == warehouse.TaskClosed) {
					t.Errorf("%s at %s: %s %q, want closed as %q", c.d, c.at, task.Status, task.Disposition, c.wantClosed)
				}
				if task.Attempts != c.wantAttempt {
					t.Errorf("%s at %s: %d attempts, want %d", c.d, c.at, task.Attempts, c.wantAttempt)
				}
			}
		})
	}
}

func TestRecordAttemptLimitIsConfigurable(t *testing.T) {
	w := whtest.OpenTemp(t)
	r := DefaultRules(shanghai)
	r.MaxAttempts = 2
	r.RetryGap = 30 * time.Minute
	id := newTask(t, w, "G1", at("2026-11-26 08:00"))
	task, err := Record(context.Background(), w, r, Attempt{TaskID: id, By: "B01", At: at("2026-11-26 09:00"), Disposition: NoAnswer}, 0)
	if err != nil || hhmm(task.NextCallAt) != "2026-11-26 09:30" {
		t.Fatalf("first no answer with a 30 min gap: next %s, %v", hhmm(task.NextCallAt), err)
	}
	task, err = Record(context.Background(), w, r, Attempt{TaskID: id, By: "B01", At: at("2026-11-26 09:30"), Disposition: NoAnswer}, 0)
	if err != nil || task.Status != warehouse.TaskClosed || task.Disposition != warehouse.DispositionUnreachable {
		t.Fatalf("second of two: %+v, %v", task, err)
	}
	_, err = Record(context.Background(), w, r, Attempt{TaskID: id, By: "B01", At: at("2026-11-26 10:00"), Disposition: NoAnswer}, 0)
	if !errors.Is(err, warehouse.ErrTaskClosed) {
		t.Errorf("a call on a closed task: %v, want ErrTaskClosed", err)
	}
}

func TestRecordReachedIssueOpensARecoveryCase(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	id := newTask(t, w, "G1", at("2026-11-26 08:00"))
	call := Attempt{TaskID: id, By: "B01", At: at("2026-11-26 10:00"), Disposition: ReachedIssue, Note: "早餐冷了", Score: score(2)}

	if _, err := Record(ctx, w, DefaultRules(shanghai), call, 0); err == nil || !strings.Contains(err.Error(), "department") {
		t.Fatalf("an issue without a department: %v", err)
	}
	call.Department = "餐饮部"
	task, err := Record(ctx, w, DefaultRules(shanghai), call, 0)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != warehouse.TaskClosed || task.Disposition != string(ReachedIssue) || task.Score == nil || *task.Score != 2 {
		t.Errorf("the call task: %+v", task)
	}
	cases, err := w.RecoveryCases(ctx, id)
	if err != nil || len(cases) != 1 {
		t.Fatalf("recovery cases: %+v, %v", cases, err)
	}
	c := cases[0]
	if c.Owner != "B01" || c.Department != "餐饮部" || c.Status != warehouse.CaseOpen || !c.DueAt.Equal(at("2026-11-27 10:00")) {
		t.Errorf("the case (due 24 h after the call by default): %+v", c)
	}
	if guests, err := w.OpenCallbackGuests(ctx); err != nil || !guests["G1"] {
		if err != nil {
			t.Fatal(err)
		}
		t.Error("a guest with an open recovery case is not kept from marketing")
	}

	// A configured due time.
	id2 := newTask(t, w, "G2", at("2026-11-26 08:00"))
	call.TaskID = id2
	if _, err := Record(ctx, w, DefaultRules(shanghai), call, 4*time.Hour); err != nil {
		t.Fatal(err)
	}
	if cs, err := w.RecoveryCases(ctx, id2); err != nil || len(cs) != 1 || !cs[0].DueAt.Equal(at("2026-11-26 14:00")) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("a 4 h recovery: %+v", cs)
	}
}

func TestRecordRefuses(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	id := newTask(t, w, "G1", at("2026-11-26 08:00"))
	r := DefaultRules(shanghai)
	ok := Attempt{TaskID: id, By: "B01", At: at("2026-11-26 10:00"), Disposition: NoAnswer}

	t.Run("someone who does not own the task, saying who does", func(t *testing.T) {
		a := ok
		a.By = "B07"
		_, err := Record(ctx, w, r, a, 0)
		ref, ok := AsRefusal(err)
		if !errors.Is(err, ErrNotOwner) || !ok || ref.Rule != RuleNotOwner || !strings.Contains(ref.Message, "B01") || !strings.Contains(ref.MessageZH, "B01") {
			t.Errorf("%v", err)
		}
	})
	bad := []struct {
		name string
		edit func(*Attempt)
		want string
	}{
		{"a score of 0", func(a *Attempt) { a.Score = score(0) }, "1 to 5"},
		{"a score of 6", func(a *Attempt) { a.Score = score(6) }, "1 to 5"},
		{"call back later without a time", func(a *Attempt) { a.Disposition = CallBackLater }, "call_back_later"},
		{"an unknown code", func(a *Attempt) { a.Disposition = "hung_up" }, "unknown disposition"},
		{"no time", func(a *Attempt) { a.At = time.Time{} }, "time"},
		{"no caller", func(a *Attempt) { a.By = "" }, "by"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			a := ok
			b.edit(&a)
			if _, err := Record(ctx, w, r, a, 0); err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%v, want an error about %q", err, b.want)
			}
		})
	}
	t.Run("an unknown task", func(t *testing.T) {
		a := ok
		a.TaskID = 999
		if _, err := Record(ctx, w, r, a, 0); !errors.Is(err, warehouse.ErrNotFound) {
			t.Errorf("%v", err)
		}
	})
	t.Run("a stale version", func(t *testing.T) {
		a := ok
		a.Version = 1
		if _, err := Record(ctx, w, r, a, 0); err != nil {
			t.Fatal(err)
		}
		a.At = at("2026-11-26 11:30")
		if _, err := Record(ctx, w, r, a, 0); !errors.Is(err, warehouse.ErrTaskChanged) {
			t.Errorf("%v, want ErrTaskChanged", err)
		}
	})
	if task, err := w.Task(ctx, id); err != nil || task.Attempts != 1 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("refused attempts were stored: %d attempts", task.Attempts)
	}
}

// The SLA counts a closing code as reached by the warehouse's list; it must
// be this package's list.
func TestReachedCodesAgreeWithTheWarehouse(t *testing.T) {
	for _, d := range Dispositions() {
		if !d.Final() {
			continue
		}
		if got := warehouse.ReachedDisposition(string(d)); got != d.Reached() {
			t.Errorf("%s: the warehouse counts it reached=%v, the rules say %v", d, got, d.Reached())
		}
	}
	if warehouse.ReachedDisposition(warehouse.DispositionUnreachable) {
		t.Error("unreachable counted as reached")
	}
}
