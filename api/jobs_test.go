package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/nightly"
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
				if steps, _ := run["steps"].([]any); len(steps) != 5 || run["night"] != "2026-11-21" || run["trigger"] != "manual" {
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

func TestJobAndImportHistoryIsInHotelTime(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	started := time.Date(2026, 11, 22, 18, 5, 0, 0, time.UTC) // 02:05 the next day in Shanghai
	if _, err := h.w.StartJob(t.Context(), "nightly", nil, "manual", started); err != nil {
		t.Fatal(err)
	}
	res, body := get(t, ts.URL+"/api/v1/jobs", h.tokens["admin"])
	items, _ := body["items"].([]any)
	if res.StatusCode != 200 || len(items) == 0 {
		t.Fatalf("jobs: %d %v", res.StatusCode, body)
	}
	if got := items[0].(map[string]any)["started_at"]; got != "2026-11-23T02:05:00+08:00" {
		t.Errorf("the job started at %v, want 2026-11-23T02:05:00+08:00 (18:05 UTC on the hotel's clock)", got)
	}
	res, body = get(t, ts.URL+"/api/v1/imports", h.tokens["admin"])
	imports, _ := body["items"].([]any)
	if res.StatusCode != 200 || len(imports) == 0 {
		t.Fatalf("imports: %d %v", res.StatusCode, body)
	}
	for _, key := range []string{"started_at", "finished_at"} {
		if at, _ := imports[0].(map[string]any)[key].(string); !strings.HasSuffix(at, "+08:00") {
			t.Errorf("an import's %s is %q, want the hotel's offset +08:00", key, at)
		}
	}
	_, page := signedIn(t, ts.URL, h.tokens["admin"]).get("/ui/imports")
	if !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d (\+|&#43;)08:00`).MatchString(page) {
		t.Errorf("the imports page shows no time with the hotel's offset:\n%s", page)
	}
}
