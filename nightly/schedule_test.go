package nightly

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/revisit-hotel/revisit/warehouse"
)

// TestScheduleFiresAtTwoInTheHotelsZoneOnAUTCMachine: the machine's clock
// says UTC; 02:00 in Shanghai is 18:00 UTC the day before.
func TestScheduleFiresAtTwoInTheHotelsZoneOnAUTCMachine(t *testing.T) {
	local := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = local })

	w, cfg := hotel(t)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 21, 17, 59, 0, 0, time.UTC)) // 01:59 in Shanghai
	cfg.Now = clock.Now
	var mu sync.Mutex
	seen := map[string]error{}
	s, err := StartSchedule(w, cfg, "", clock, func(job string, _ time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		seen[job] = err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ctx := context.Background()
	if err := clock.BlockUntilContext(ctx, 2); err != nil { // both jobs waiting
		t.Fatal(err)
	}
	for _, r := range runs(t, w) {
		if r.Job == Job {
			t.Fatalf("ran before 02:00: %+v", r)
		}
	}
	clock.Advance(time.Minute)
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		err, ran := seen[Job]
		mu.Unlock()
		if ran {
			if err != nil {
				t.Fatalf("the nightly run failed: %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the nightly run did not fire at 02:00 Shanghai")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var nights []warehouse.JobRun
	for _, r := range runs(t, w) {
		if r.Job == Job {
			nights = append(nights, r)
		}
	}
	if len(nights) != 1 || nights[0].NightText != "2026-11-21" || nights[0].Trigger != "schedule" || nights[0].Status != warehouse.JobSucceeded {
		t.Errorf("history %+v", nights)
	}
}

// TestATaskPast18HoursIsAtRiskRightAfterStart: a server started in the
// morning flags the tasks of yesterday's departures at once, not an hour
// later when the hourly job first fires; the fake clock never moves here.
func TestATaskPast18HoursIsAtRiskRightAfterStart(t *testing.T) {
	w, cfg := hotel(t)
	ctx := context.Background()
	if _, err := Run(ctx, w, cfg, civil("2026-11-21"), "manual"); err != nil {
		t.Fatal(err)
	}
	open, err := w.Tasks(ctx, warehouse.TaskFilter{Status: warehouse.TaskOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) == 0 {
		t.Fatal("the night made no callback tasks to escalate")
	}
	latest := open[0].DepartureAt
	for _, task := range open {
		if task.AtRisk {
			t.Fatalf("task %d at risk before the schedule started", task.ID)
		}
		if task.DepartureAt.After(latest) {
			latest = task.DepartureAt
		}
	}
	start := latest.Add(18*time.Hour + time.Minute) // every task is past 18 h, none past 24 h
	clock := clockwork.NewFakeClockAt(start)
	cfg.Now = clock.Now
	done := make(chan error, 1)
	s, err := StartSchedule(w, cfg, "", clock, func(job string, _ time.Duration, err error) {
		if job == EscalationJob {
			done <- err
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the escalation at start failed: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no escalation ran at start while the clock stood still")
	}
	after, err := w.Tasks(ctx, warehouse.TaskFilter{Status: warehouse.TaskOpen})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range after {
		if past := start.Sub(task.DepartureAt); past > 18*time.Hour && !task.AtRisk {
			t.Errorf("task %d left %s ago is not at risk right after start", task.ID, past)
		}
	}
	var escalations []warehouse.JobRun
	for _, r := range runs(t, w) {
		if r.Job == EscalationJob {
			escalations = append(escalations, r)
		}
	}
	if len(escalations) != 1 || escalations[0].Trigger != "schedule" || escalations[0].Status != warehouse.JobSucceeded ||
		!strings.Contains(escalations[0].Steps, fmt.Sprintf(`"at_risk":%d`, len(open))) {
		t.Errorf("job history after start %+v, want one escalation flagging %d tasks", escalations, len(open))
	}
}

func TestTheEscalationIsARecordedRun(t *testing.T) {
	w, cfg := hotel(t)
	if err := Escalate(context.Background(), w, cfg, "schedule"); err != nil {
		t.Fatal(err)
	}
	r := runs(t, w)
	if len(r) != 1 || r[0].Job != EscalationJob || r[0].Status != warehouse.JobSucceeded || !strings.Contains(r[0].Steps, `"escalated"`) {
		t.Errorf("history %+v", r)
	}
}
