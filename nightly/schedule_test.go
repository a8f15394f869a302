package nightly

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"revisit/warehouse"
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
	if r := runs(t, w); len(r) != 0 {
		t.Fatalf("ran before 02:00: %+v", r)
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
	r := runs(t, w)
	if len(r) != 1 || r[0].NightText != "2026-11-21" || r[0].Trigger != "schedule" || r[0].Status != warehouse.JobSucceeded {
		t.Errorf("history %+v", r)
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
