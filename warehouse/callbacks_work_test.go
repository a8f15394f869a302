package warehouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// seedRoster puts butlers on the roster: staff id → lead id ("" for none).
func seedRoster(t *testing.T, w *Warehouse, leads map[string]string) {
	t.Helper()
	for staff, lead := range leads {
		if _, err := w.DB().ExecContext(context.Background(), `INSERT INTO butlers (staff_id, name, team, lead_id, role, phone, import_id, line)
			VALUES (?, ?, '客服管家', ?, NULL, NULL, 0, 0)`, staff, "butler "+staff, nullStr(lead)); err != nil {
			t.Fatal(err)
		}
	}
}

// seedTask inserts an open task, due 24 h after departure, with its created
// event — the state generation leaves a task in. Returns the task id.
func seedTask(t *testing.T, w *Warehouse, guest, owner string, departure time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	id := queryInt(t, w, "SELECT coalesce(max(task_id), 0) + 1 FROM callback_tasks")
	if _, err := w.DB().ExecContext(ctx, `INSERT INTO callback_tasks (task_id, guest_id, departure_day, departure_at, due_at,
		stay_ids, priority, priority_reason, owner, owner_reason, status, disposition, attempts, next_call_at, score,
		at_risk, escalated, escalated_to, version, created_at, closed_at)
		VALUES (?, ?, CAST(? AS DATE), ?, ?, 'S'||?, 4, 'everyone else', ?, 'served_stay', 'open', NULL, 0, ?, NULL,
		false, false, NULL, 1, ?, NULL)`,
		id, guest, departure.In(shanghai).Format("2006-01-02"), departure, departure.Add(24*time.Hour), id, owner,
		departure, departure); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `INSERT INTO callback_events (event_id, task_id, event_at, kind, actor, owner)
		SELECT coalesce(max(event_id), 0) + 1, ?, ?, 'created', 'system', ? FROM callback_events`, id, departure, owner); err != nil {
		t.Fatal(err)
	}
	return id
}

func mustTask(t *testing.T, w *Warehouse, id int64) Task {
	t.Helper()
	task, err := w.Task(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// eventLog is the task's events as "kind actor owner disposition note".
func eventLog(t *testing.T, w *Warehouse, id int64) []string {
	t.Helper()
	return queryStrings(t, w, `SELECT kind, actor, coalesce(owner, '-'), coalesce(disposition, '-'), coalesce(note, '-')
		FROM callback_events WHERE task_id = ? ORDER BY event_id`, id)
}

func intp(n int) *int { return &n }

func TestRecordAttemptKeepsTheTaskAndTheLogInStep(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	dep := hotelTime("2026-11-26 11:00")
	id := seedTask(t, w, "G1", "B01", dep)

	next := hotelTime("2026-11-27 11:30")
	task, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 1, By: "B01", At: hotelTime("2026-11-27 09:30"),
		Disposition: "no_answer", NextCallAt: &next})
	if err != nil {
		t.Fatal(err)
	}
	if task.Attempts != 1 || task.Version != 2 || task.Status != TaskOpen || task.NextCallAt == nil || !task.NextCallAt.Equal(next) {
		t.Fatalf("after a no answer: %+v", task)
	}

	task, err = w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 2, By: "B01", At: hotelTime("2026-11-27 11:35"),
		Disposition: "reached_satisfied", Note: "很满意", Score: intp(5), Close: true, FinalDisposition: "reached_satisfied"})
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != TaskClosed || task.Disposition != "reached_satisfied" || task.Attempts != 2 || task.Version != 3 ||
		task.Score == nil || *task.Score != 5 || task.NextCallAt != nil || task.ClosedAt == nil || !task.ClosedAt.Equal(hotelTime("2026-11-27 11:35")) {
		t.Fatalf("after the closing call: %+v", task)
	}
	want := []string{
		"created|system|B01|-|-",
		"attempt|B01|B01|no_answer|-",
		"attempt|B01|B01|reached_satisfied|很满意",
		"closed|B01|B01|reached_satisfied|-",
	}
	if got := eventLog(t, w, id); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A closed task takes no further calls, whatever version is given.
	_, err = w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 3, By: "B01", At: hotelTime("2026-11-27 12:00"), Disposition: "no_answer"})
	if !errors.Is(err, ErrTaskClosed) {
		t.Errorf("an attempt on a closed task: %v, want ErrTaskClosed", err)
	}
	if _, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: 999, Version: 1, By: "B01", At: dep, Disposition: "busy"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown task: %v, want ErrNotFound", err)
	}
	if _, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 3, By: "B01", At: dep, Disposition: "busy", Score: intp(6)}); err == nil {
		t.Error("a score of 6 was stored")
	}
}

func TestRecordAttemptStaleVersionIsTold(t *testing.T) {
	w := openTemp(t)
	id := seedTask(t, w, "G1", "B01", hotelTime("2026-11-26 11:00"))
	next := hotelTime("2026-11-27 11:30")
	u := AttemptUpdate{TaskID: id, Version: 1, By: "B01", At: hotelTime("2026-11-27 09:30"), Disposition: "busy", NextCallAt: &next}
	if _, err := w.RecordAttempt(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	// The same page submitted again: version 1 is stale now.
	if _, err := w.RecordAttempt(context.Background(), u); !errors.Is(err, ErrTaskChanged) {
		t.Fatalf("a stale version: %v, want ErrTaskChanged", err)
	}
	if got := queryInt(t, w, "SELECT count(*) FROM callback_events WHERE task_id = ? AND kind = 'attempt'", id); got != 1 {
		t.Errorf("%d attempt events, want 1", got)
	}
}

func TestConcurrentAttemptsOneWinsTheOtherIsToldTheTaskChanged(t *testing.T) {
	w := openTemp(t)
	id := seedTask(t, w, "G1", "B01", hotelTime("2026-11-26 11:00"))
	for round := range 5 {
		version := mustTask(t, w, id).Version
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := hotelTime("2026-11-27 15:00")
				_, errs[i] = w.RecordAttempt(context.Background(), AttemptUpdate{TaskID: id, Version: version, By: "B01",
					At: hotelTime("2026-11-27 10:00").Add(time.Duration(i) * time.Minute), Disposition: "call_back_later", NextCallAt: &next})
			}()
		}
		wg.Wait()
		won, changed := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, ErrTaskChanged):
				changed++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won != 1 || changed != 1 {
			t.Fatalf("round %d: %d won, %d told the task changed; want 1 and 1", round, won, changed)
		}
	}
	task := mustTask(t, w, id)
	events := queryInt(t, w, "SELECT count(*) FROM callback_events WHERE task_id = ? AND kind = 'attempt'", id)
	if task.Attempts != 5 || events != 5 || task.Version != 6 {
		t.Errorf("attempts %d, attempt events %d, version %d; want 5, 5, 6", task.Attempts, events, task.Version)
	}
}

// Another writer's open transaction on the same row (another process in
// the field, a raw connection here) makes DuckDB fail our UPDATE statement;
// its COMMIT would succeed having written nothing. The statement's error
// must become ErrTaskChanged and nothing of the attempt may be kept.
func TestConflictReportedOnTheStatementIsTaskChanged(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	id := seedTask(t, w, "G1", "B01", hotelTime("2026-11-26 11:00"))

	other, err := w.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ExecContext(ctx, "UPDATE callback_tasks SET version = version + 1, attempts = attempts + 1 WHERE task_id = ?", id); err != nil {
		t.Fatal(err)
	}

	next := hotelTime("2026-11-27 11:30")
	_, err = w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 1, By: "B01", At: hotelTime("2026-11-27 09:30"),
		Disposition: "no_answer", NextCallAt: &next})
	if !errors.Is(err, ErrTaskChanged) {
		t.Fatalf("a write conflict on the statement: %v, want ErrTaskChanged", err)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "conflict") {
		t.Errorf("the loss was not DuckDB's write conflict but %v", err)
	}
	if _, err := other.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, w, "SELECT count(*) FROM callback_events WHERE task_id = ? AND kind = 'attempt'", id); got != 0 {
		t.Errorf("%d attempt events kept from the losing attempt", got)
	}
	if task := mustTask(t, w, id); task.Attempts != 1 || task.Version != 2 {
		t.Errorf("the winner's change is not what stands: %+v", task)
	}
}

func TestAssignRecordsWhoAndWhy(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	seedRoster(t, w, map[string]string{"B01": "L1", "B02": "L1", "L1": ""})
	id := seedTask(t, w, "G1", "B01", hotelTime("2026-11-26 11:00"))
	at := hotelTime("2026-11-27 10:00")

	if _, err := w.Assign(ctx, id, 1, "B99", "L1", "B01 on leave", at, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("a butler not on the roster: %v, want ErrNotFound", err)
	}
	if _, err := w.Assign(ctx, id, 1, "B02", "L1", " ", at, nil); err == nil {
		t.Error("a reassignment without a reason was accepted")
	}
	task, err := w.Assign(ctx, id, 1, "B02", "L1", "B01 on leave", at, nil)
	if err != nil {
		t.Fatal(err)
	}
	if task.Owner != "B02" || task.OwnerReason != OwnerReassigned || task.Version != 2 {
		t.Errorf("after reassignment: %+v", task)
	}
	if got := eventLog(t, w, id); len(got) != 2 || got[1] != "assigned|L1|B02|-|from B01: B01 on leave" {
		t.Errorf("events: %q", got)
	}
	if _, err := w.Assign(ctx, id, 1, "B01", "L1", "back", at, nil); !errors.Is(err, ErrTaskChanged) {
		t.Errorf("a stale reassignment: %v, want ErrTaskChanged", err)
	}
	if _, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 2, By: "B02", At: at, Disposition: "declined",
		Close: true, FinalDisposition: "declined"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Assign(ctx, id, 3, "B01", "L1", "back", at, nil); !errors.Is(err, ErrTaskClosed) {
		t.Errorf("reassigning a closed task: %v, want ErrTaskClosed", err)
	}
}

func TestEscalationAt18And24HoursExactlyOnce(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	seedRoster(t, w, map[string]string{"B01": "L1", "B02": ""})
	dep := hotelTime("2026-11-26 11:00")
	late := seedTask(t, w, "G1", "B01", dep)
	noLead := seedTask(t, w, "G2", "B02", dep)
	done := seedTask(t, w, "G3", "B01", dep)
	if _, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: done, Version: 1, By: "B01", At: dep.Add(time.Hour),
		Disposition: "reached_satisfied", Close: true, FinalDisposition: "reached_satisfied"}); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		after             time.Duration
		atRisk, escalated int
	}{
		{18*time.Hour - time.Second, 0, 0},
		{18 * time.Hour, 2, 0}, // exactly 18 h: both open tasks
		{18 * time.Hour, 0, 0}, // again: nothing new
		{20 * time.Hour, 0, 0},
		{24*time.Hour - time.Second, 0, 0},
		{24 * time.Hour, 0, 2},
		{24 * time.Hour, 0, 0},
		{72 * time.Hour, 0, 0},
	}
	for _, s := range steps {
		r, e, err := w.Escalate(ctx, dep.Add(s.after), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r != s.atRisk || e != s.escalated {
			t.Errorf("at departure + %s: %d at risk, %d escalated; want %d, %d", s.after, r, e, s.atRisk, s.escalated)
		}
	}
	task := mustTask(t, w, late)
	if !task.AtRisk || !task.Escalated || task.EscalatedTo != "L1" || task.Owner != "B01" {
		t.Errorf("escalated task: %+v", task)
	}
	if got := eventLog(t, w, late); strings.Join(got[1:], "\n") != strings.Join([]string{
		"at_risk|system|B01|-|not closed 18 h after departure",
		"escalated|system|B01|-|not closed 24 h after departure: escalated to L1",
	}, "\n") {
		t.Errorf("events: %q", got)
	}
	if task := mustTask(t, w, noLead); !task.Escalated || task.EscalatedTo != "" {
		t.Errorf("a butler without a lead: %+v", task)
	}
	if got := eventLog(t, w, noLead); len(got) != 3 || !strings.HasSuffix(got[2], "no lead on the roster for B02") {
		t.Errorf("events without a lead: %q", got)
	}
	if task := mustTask(t, w, done); task.AtRisk || task.Escalated {
		t.Errorf("a task closed in time was flagged: %+v", task)
	}

	// A task first seen past 24 h is flagged and escalated in the same run.
	slow := seedTask(t, w, "G4", "B01", dep)
	if r, e, err := w.Escalate(ctx, dep.Add(30*time.Hour), 0, 0); err != nil || r != 1 || e != 1 {
		t.Errorf("a task first seen at 30 h: %d at risk, %d escalated, %v", r, e, err)
	}
	// The lead's view holds the escalated tasks of the team.
	list, err := w.Tasks(ctx, TaskFilter{Team: "L1", Status: TaskOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != late || list[1].ID != slow {
		t.Errorf("the lead's open list: %+v", list)
	}
}

func TestRecoveryCaseStateMachineAndMarketingExclusion(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	dep := hotelTime("2026-11-26 11:00")
	id := seedTask(t, w, "G1", "B01", dep)
	other := seedTask(t, w, "G2", "B02", dep)
	at := hotelTime("2026-11-27 10:00")

	excluded, err := w.OpenCallbackGuests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !excluded["G1"] || !excluded["G2"] || len(excluded) != 2 {
		t.Errorf("guests with open tasks: %v", excluded)
	}

	task, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 1, By: "B01", At: at, Disposition: "reached_issue",
		Note: "空调噪音", Score: intp(2), Close: true, FinalDisposition: "reached_issue",
		Recovery: &RecoveryOpen{Department: "客房部", DueAt: at.Add(24 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != TaskClosed || task.Disposition != "reached_issue" {
		t.Fatalf("the call task: %+v", task)
	}
	cases, err := w.RecoveryCases(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Fatalf("cases: %+v", cases)
	}
	c := cases[0]
	if c.Owner != "B01" || c.Department != "客房部" || c.Status != CaseOpen || c.GuestID != "G1" ||
		!c.OpenedAt.Equal(at) || !c.DueAt.Equal(at.Add(24*time.Hour)) || c.Version != 1 {
		t.Errorf("the case: %+v", c)
	}

	// The call task is closed, but the open case keeps the guest off marketing.
	if _, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: other, Version: 1, By: "B02", At: at, Disposition: "reached_satisfied",
		Close: true, FinalDisposition: "reached_satisfied"}); err != nil {
		t.Fatal(err)
	}
	if excluded, err := w.OpenCallbackGuests(ctx); err != nil || !excluded["G1"] || excluded["G2"] {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("with G1's case open and G2 done: %v", excluded)
	}

	bad := []struct{ status, outcome string }{
		{CaseResolved, OutcomeRecovered}, // open cannot jump to resolved
		{CaseOpen, ""},
		{"closed", ""},
		{CaseInProgress, OutcomeRecovered}, // an outcome only when resolving
	}
	for _, b := range bad {
		if _, err := w.UpdateRecovery(ctx, c.ID, 1, b.status, b.outcome, "", "B01", at); err == nil {
			t.Errorf("open → %s (%s) was accepted", b.status, b.outcome)
		}
	}
	c, err = w.UpdateRecovery(ctx, c.ID, 1, CaseInProgress, "", "", "B01", at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != CaseInProgress || c.Version != 2 {
		t.Errorf("in progress: %+v", c)
	}
	if excluded, err := w.OpenCallbackGuests(ctx); err != nil || !excluded["G1"] {
		if err != nil {
			t.Fatal(err)
		}
		t.Error("a case in progress let the guest back into marketing")
	}
	if _, err := w.UpdateRecovery(ctx, c.ID, 1, CaseResolved, OutcomeRecovered, "", "B01", at); !errors.Is(err, ErrTaskChanged) {
		t.Errorf("a stale case version: %v, want ErrTaskChanged", err)
	}
	if _, err := w.UpdateRecovery(ctx, c.ID, 2, CaseResolved, "", "", "B01", at); err == nil {
		t.Error("resolved without an outcome")
	}
	c, err = w.UpdateRecovery(ctx, c.ID, 2, CaseResolved, OutcomeRecovered, "", "B01", at.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != CaseResolved || c.Outcome != OutcomeRecovered || c.ResolvedAt == nil || !c.ResolvedAt.Equal(at.Add(3*time.Hour)) {
		t.Errorf("resolved: %+v", c)
	}
	if _, err := w.UpdateRecovery(ctx, c.ID, 3, CaseInProgress, "", "", "B01", at); err == nil {
		t.Error("a resolved case was reopened")
	}
	if excluded, err := w.OpenCallbackGuests(ctx); err != nil || len(excluded) != 0 {
		t.Errorf("after resolution: %v (%v)", excluded, err)
	}
	if _, err := w.UpdateRecovery(ctx, 999, 1, CaseInProgress, "", "", "B01", at); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown case: %v", err)
	}
	want := []string{
		"created|system|B01|-|-",
		"attempt|B01|B01|reached_issue|空调噪音",
		"recovery_opened|B01|B01|open|case 1, department 客房部",
		"closed|B01|B01|reached_issue|-",
		"recovery_changed|B01|B01|in_progress|case 1, department 客房部",
		"recovery_changed|B01|B01|recovered|case 1, department 客房部",
	}
	if got := eventLog(t, w, id); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTasksListOpenFirstThenLatestClosed(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	seedRoster(t, w, map[string]string{"B01": "L1", "B02": "L2"})
	dep := hotelTime("2026-11-26 11:00")
	a := seedTask(t, w, "G1", "B01", dep.Add(2*time.Hour))
	b := seedTask(t, w, "G2", "B01", dep)
	c := seedTask(t, w, "G3", "B01", dep)
	d := seedTask(t, w, "G4", "B02", dep)
	if _, err := w.DB().ExecContext(ctx, "UPDATE callback_tasks SET priority = 1 WHERE task_id = ?", a); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: c, Version: 1, By: "B01", At: dep.Add(time.Hour),
		Disposition: "wrong_number", Close: true, FinalDisposition: "wrong_number"}); err != nil {
		t.Fatal(err)
	}
	ids := func(f TaskFilter) []int64 {
		list, err := w.Tasks(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, x := range list {
			out = append(out, x.ID)
		}
		return out
	}
	cases := []struct {
		name string
		f    TaskFilter
		want []int64
	}{
		{"all", TaskFilter{}, []int64{a, b, d, c}},
		{"a butler's list", TaskFilter{Owner: "B01"}, []int64{a, b, c}},
		{"open only", TaskFilter{Owner: "B01", Status: TaskOpen}, []int64{a, b}},
		{"closed only", TaskFilter{Status: TaskClosed}, []int64{c}},
		{"a lead's team", TaskFilter{Team: "L2"}, []int64{d}},
		{"limited", TaskFilter{Limit: 1}, []int64{a}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(tc.f); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := w.Tasks(ctx, TaskFilter{Status: "pending"}); err == nil {
		t.Error("an unknown status was accepted")
	}
	if _, err := w.Task(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown task: %v", err)
	}
}
