package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/nightly"
)

// TestNightlyRunRefusesANightAfterTodayOrBeforeTheData: issue 13 row 3.
// POST /jobs/nightly/run {"night":"9999-12-31"} was accepted and the run
// dated every target and export in the year 9999. Now a night after today
// (hotel time: 2026-11-22 here) or before the first stay (2026-11-20) is
// 400 with the dates allowed, and no run is recorded.
func TestNightlyRunRefusesANightAfterTodayOrBeforeTheData(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, Nightly: &nightly.Config{Loc: shanghai, Now: afternoon}})
	cases := []struct{ night, detail string }{
		{"9999-12-31", "night 9999-12-31 is after today (2026-11-22, hotel time)"},
		{"2026-11-23", "night 2026-11-23 is after today (2026-11-22, hotel time)"},
		{"2026-11-19", "night 2026-11-19 is before the warehouse's first data (2026-11-20)"},
		{"1970-01-01", "before the warehouse's first data"},
	}
	for _, tc := range cases {
		res, body, _ := call(t, http.MethodPost, ts.URL+"/api/v1/jobs/nightly/run", h.tokens["admin"], `{"night":"`+tc.night+`"}`)
		wantProblem(t, tc.night, res, body, http.StatusBadRequest)
		if d, _ := body["detail"].(string); !strings.Contains(d, tc.detail) {
			t.Errorf("%s: detail %q, want %q", tc.night, d, tc.detail)
		}
	}
	runs, err := h.w.JobRuns(t.Context(), 10)
	if err != nil || len(runs) != 0 {
		t.Errorf("%d job runs after refused nights (%v)", len(runs), err)
	}
}

// TestTheLatestAnalysisServedIsNeverInTheFuture: issue 13 row 3. With an
// analysis dated 9999-12-31 already in the file (from before the fix), the
// targets list and the downloads page serve the latest day up to today.
func TestTheLatestAnalysisServedIsNeverInTheFuture(t *testing.T) {
	h := newHotel(t)
	for _, day := range []string{"2026-11-21", "9999-12-31"} {
		if _, err := h.w.DB().Exec(`INSERT INTO analysis_runs VALUES (CAST(? AS DATE), now(), 0, 0, 'rhythm', '', '{}')`, day); err != nil {
			t.Fatal(err)
		}
	}
	ts := h.server(t, Config{Now: afternoon})
	res, body := get(t, ts.URL+"/api/v1/targets", h.tokens["marketing"])
	if res.StatusCode != http.StatusOK || body["as_of"] != "2026-11-21" {
		t.Errorf("targets: %d as of %v, want 2026-11-21", res.StatusCode, body["as_of"])
	}
	_, page := signedIn(t, ts.URL, h.tokens["marketing"]).get("/ui/downloads")
	if strings.Contains(page, "9999-12-31") || !strings.Contains(page, "2026-11-21") {
		t.Error("the downloads page offers the analysis dated 9999-12-31, or not the one of 2026-11-21")
	}
	// Asked for by name, a day after today is refused.
	for _, u := range []string{"/api/v1/targets?as_of=9999-12-31", "/api/v1/exports/targets.csv?as_of=9999-12-31"} {
		res, body := get(t, ts.URL+u, h.tokens["marketing"])
		wantProblem(t, u, res, body, http.StatusBadRequest)
	}
	_, page = signedIn(t, ts.URL, h.tokens["marketing"]).get("/ui/downloads?targets_as_of=9999-12-31")
	if strings.Contains(page, "as_of=9999-12-31") || !strings.Contains(page, "统计日不能晚于今天") {
		t.Error("the downloads page links to the targets of 9999-12-31, or does not say why it will not")
	}
	// The managers' model health, even for a range that ends in 9999.
	_, page = signedIn(t, ts.URL, h.tokens["manager"]).get("/ui/kpis?to=9999-12-31")
	if sec := kpiSection(t, page, "model-health"); strings.Contains(sec, "9999-12-31") || !strings.Contains(sec, "2026-11-21") {
		t.Errorf("the model health section shows the analysis dated 9999-12-31, or not the one of 2026-11-21:\n%s", sec)
	}
}
