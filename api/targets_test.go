package api

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// analyse saves a small analysis of 2026-11-22 by hand: every guest of
// the hotel is a target, in a known order (due before win-back, then by
// priority).
func (h *hotel) analyse(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	tasks, err := h.w.Tasks(ctx, warehouse.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	run := &warehouse.AnalysisRun{AsOf: day, ComputedAt: time.Now(), Guests: int64(len(tasks)), SelectedModel: "bgnbd"}
	var order []string
	for i, tk := range tasks {
		p := 0.5 + float64(i)/10
		due := day.AddDate(0, 0, 7)
		run.Metrics = append(run.Metrics, warehouse.GuestMetric{GuestID: tk.GuestID, Visits: 2 + i, FirstVisit: day.AddDate(-1, 0, 0),
			LastVisit: day, DaysSinceLast: 30 * i, Segment: "loyal", PAlive: &p, MainButler: tk.Owner})
		run.Targets = append(run.Targets, warehouse.Target{GuestID: tk.GuestID, Kind: "due", Priority: float64(10 - i), DueDate: &due,
			ButlerID: tk.Owner, FavouriteOutlet: "中餐厅", ReasonZH: "该回访了", ReasonEN: "due"})
		order = append(order, tk.GuestID)
	}
	if err := h.w.SaveAnalysis(ctx, run); err != nil {
		t.Fatal(err)
	}
	return order
}

func TestTargetsRoles(t *testing.T) {
	h := newHotel(t)
	h.analyse(t)
	ts := h.server(t, Config{})
	h.matrix(t, http.MethodGet, ts.URL+"/api/v1/targets", "",
		everyRoleBut(map[string]int{"admin": 200, "manager": 200, "marketing": 200}))
}

var fullMobile = regexp.MustCompile(`1[3-9]\d{9}`)

func TestTargetsAreMaskedAndPaginated(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon}) // as_of after today is refused: the hotel's clock, not the machine's
	tok := h.tokens["marketing"]
	res, body := get(t, ts.URL+"/api/v1/targets", tok)
	wantProblem(t, "before any analysis", res, body, 404)
	if body["detail"] != "no analysis yet" {
		t.Errorf("before any analysis: detail %v", body["detail"])
	}

	order := h.analyse(t)
	var seen []string
	url := ts.URL + "/api/v1/targets?page_size=2"
	for pages := 0; url != ""; pages++ {
		if pages > 3 {
			t.Fatal("the pages do not end")
		}
		res, _, raw := call(t, http.MethodGet, url, tok, "")
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", url, res.StatusCode, raw)
		}
		if m := fullMobile.FindString(raw); m != "" {
			t.Fatalf("a full mobile number in the targets: %s", raw)
		}
		_, body := get(t, url, tok)
		if body["as_of"] != "2026-11-22" {
			t.Errorf("as_of %v", body["as_of"])
		}
		items := body["items"].([]any)
		if len(items) > 2 {
			t.Fatalf("page of %d items with page_size=2", len(items))
		}
		for _, it := range items {
			it := it.(map[string]any)
			seen = append(seen, it["guest_id"].(string))
			if m, _ := it["mobile"].(string); !regexp.MustCompile(`^1\d\d\*{4}\d{4}$`).MatchString(m) {
				t.Errorf("mobile %q is not masked as 138****5678", m)
			}
			if it["name"] == "" || it["due_date"] != "2026-11-29" || it["kind"] != "due" || it["butler"] == "" || it["reason_en"] != "due" {
				t.Errorf("target item: %v", it)
			}
		}
		url = ""
		if next, _ := body["next_page_token"].(string); next != "" {
			url = ts.URL + "/api/v1/targets?page_size=2&page_token=" + next
		}
	}
	if len(seen) != len(order) {
		t.Fatalf("pages gave %v, want %v", seen, order)
	}
	for i := range order {
		if seen[i] != order[i] {
			t.Fatalf("pages gave %v, want %v (by priority)", seen, order)
		}
	}

	cases := []struct {
		query  string
		status int
	}{
		{"?as_of=2026-11-22", 200},
		{"?as_of=2026-11-21", 404},
		{"?as_of=22/11/2026", 400},
		{"?page_size=0", 400},
		{"?page_size=lots", 400},
		{"?page_token=!!!", 400},
		{"?as_of=2026-11-21&page_token=" + pageToken(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), 2), 400},
	}
	for _, tc := range cases {
		res, body := get(t, ts.URL+"/api/v1/targets"+tc.query, tok)
		if tc.status == 200 {
			if res.StatusCode != 200 || len(body["items"].([]any)) != len(order) || body["next_page_token"] != nil {
				t.Errorf("%s: %d %v", tc.query, res.StatusCode, body)
			}
			continue
		}
		wantProblem(t, tc.query, res, body, tc.status)
	}
	if res, body := get(t, ts.URL+"/api/v1/targets?page_size=5000", tok); res.StatusCode != 200 || len(body["items"].([]any)) != len(order) {
		t.Errorf("page_size over the maximum is capped, not refused: %d %v", res.StatusCode, body)
	}
}
