package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"revisit/nightly"
)

func TestNightlyRunThroughTheAPIIsRecorded(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, Nightly: &nightly.Config{Loc: shanghai, Now: afternoon}})
	admin := h.tokens["admin"]
	res, out, _ := call(t, http.MethodPost, ts.URL+"/api/v1/jobs/nightly/run", admin, `{"night":"2026-11-21"}`)
	if res.StatusCode != 202 || out["night"] != "2026-11-21" {
		t.Fatalf("run: %d %v", res.StatusCode, out)
	}
	res, out, _ = call(t, http.MethodPost, ts.URL+"/api/v1/jobs/nightly/run", admin, `{"night":"21/11"}`)
	wantProblem(t, "a bad night", res, out, 400)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := get(t, ts.URL+"/api/v1/jobs", h.tokens["manager"])
		items, _ := body["items"].([]any)
		if len(items) > 0 {
			run := items[0].(map[string]any)
			if run["status"] == "succeeded" {
				if steps, _ := run["steps"].([]any); len(steps) != 4 || run["night"] != "2026-11-21" || run["trigger"] != "manual" {
					t.Errorf("the run %v", run)
				}
				break
			}
			if run["status"] != "running" {
				t.Fatalf("the run ended %v", run)
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the run never finished")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAFailedNightIsABannerOnTheManagersPages(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	night := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	id, err := h.w.StartJob(t.Context(), nightly.Job, &night, "schedule", afternoon())
	if err != nil {
		t.Fatal(err)
	}
	h.w.FinishJob(t.Context(), id, "failed", "[]", "analyze: the disk is full", afternoon())
	_, page := signedIn(t, ts.URL, h.tokens["manager"]).get("/ui/kpis")
	if !strings.Contains(page, `class="banner"`) || !strings.Contains(page, "the disk is full") || !strings.Contains(page, "2026-11-21") {
		t.Errorf("no banner for the failed night")
	}
	if _, page := signedIn(t, ts.URL, h.tokens["butler B01"]).get("/ui/callbacks"); strings.Contains(page, `class="banner"`) {
		t.Error("butlers see the banner")
	}
	id, _ = h.w.StartJob(t.Context(), nightly.Job, &night, "manual", afternoon())
	h.w.FinishJob(t.Context(), id, "succeeded", "[]", "", afternoon())
	if _, page := signedIn(t, ts.URL, h.tokens["manager"]).get("/ui/kpis"); strings.Contains(page, `class="banner"`) {
		t.Error("the banner outlives a good night")
	}
}
