package api

import (
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/nightly"
)

// Two admins pressing "run" at the same moment: exactly one hears 202 and
// the other 409, and the history holds one run, never a run recorded as
// skipped behind a 202. The run's clock waits on a gate until both have
// answered, so the first run is surely still under way when the second
// request arrives, however fast the machine.
func TestTwoSimultaneousNightlyRunsOneStartsOneIsRefused(t *testing.T) {
	h := newHotel(t)
	gate := make(chan struct{})
	gatedNow := func() time.Time { <-gate; return afternoon() }
	ts := h.server(t, Config{Now: afternoon, Nightly: &nightly.Config{Loc: shanghai, Now: gatedNow}})
	admin := h.tokens["admin"]

	var ready, done sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, 2)
	for i := range statuses {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/jobs/nightly/run", nil)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+admin)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = res.StatusCode
			if err := res.Body.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	close(gate)
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{http.StatusAccepted, http.StatusConflict}) {
		t.Fatalf("two simultaneous runs answered %v, want one 202 and one 409", statuses)
	}

	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, body := get(t, ts.URL+"/api/v1/jobs", h.tokens["manager"])
		items, ok := body["items"].([]any)
		if !ok {
			t.Fatalf("jobs: %v", body)
		}
		var nightly, running int
		for _, it := range items {
			run := it.(map[string]any)
			if run["job"] != "nightly" {
				continue
			}
			nightly++
			switch run["status"] {
			case "running":
				running++
			case "succeeded":
			default:
				t.Fatalf("a run ended %v: the refused request must leave no record", run)
			}
		}
		if nightly > 1 {
			t.Fatalf("%d nightly runs recorded, want 1: %v", nightly, items)
		}
		if nightly == 1 && running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run never finished")
		}
	}
}
