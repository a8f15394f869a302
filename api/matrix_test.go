package api

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// callers are every kind of caller, in the order the matrix writes them.
var callers = []string{"", "admin", "manager", "marketing", "butler B01", "butler B02", "lead B09"}

// routeCase is one route of the matrix: how to call it, and the status
// each caller gets, in the order of callers.
type routeCase struct {
	route  string // the gin route, to check every route is here
	method string
	path   string // with the fixture's ids filled in by the test
	body   string
	want   [7]int
	writes bool // a fresh hotel per caller: one caller's write must not change another's answer
}

func TestRoleRouteMatrix(t *testing.T) {
	task := func(h *hotel) string { return itoa(h.taskOf["B01"]) }
	cases := []routeCase{
		{"/livez", "GET", "/livez", "", [7]int{200, 200, 200, 200, 200, 200, 200}, false},
		{"/readyz", "GET", "/readyz", "", [7]int{200, 200, 200, 200, 200, 200, 200}, false},
		{"/metrics", "GET", "/metrics", "", [7]int{200, 200, 200, 200, 200, 200, 200}, false},
		{"/api/v1/callbacks", "GET", "/api/v1/callbacks", "", [7]int{401, 200, 200, 403, 200, 200, 200}, false},
		{"/api/v1/callbacks/:id", "GET", "/api/v1/callbacks/{task}", "", [7]int{401, 200, 200, 403, 200, 404, 200}, false},
		{"/api/v1/callbacks/:id/attempts", "POST", "/api/v1/callbacks/{task}/attempts", `{"version":1,"disposition":"no_answer"}`,
			[7]int{401, 403, 403, 403, 200, 404, 403}, true},
		// An admin names no lead: by 首问责任制 only the owner's lead moves a guest.
		{"/api/v1/callbacks/:id/assign", "POST", "/api/v1/callbacks/{task}/assign", `{"version":1,"to":"B02","reason":"休假"}`,
			[7]int{401, 403, 403, 403, 403, 403, 200}, true},
		{"/api/v1/targets", "GET", "/api/v1/targets", "", [7]int{401, 200, 200, 200, 403, 403, 403}, false},
		// Marketing runs campaigns; a manager and an admin may too. The
		// shared hotel holds campaign 1 (see below); each POST draws from a
		// fresh hotel's consented win-back targets.
		{"/api/v1/campaigns", "POST", "/api/v1/campaigns", `{"name":"春季","kind":"winback","as_of":"2026-11-22","holdout":0.5,"seed":1}`,
			[7]int{401, 201, 201, 201, 403, 403, 403}, true},
		{"/api/v1/campaigns", "GET", "/api/v1/campaigns", "", [7]int{401, 200, 200, 200, 403, 403, 403}, false},
		{"/api/v1/campaigns/:id", "GET", "/api/v1/campaigns/1", "", [7]int{401, 200, 200, 200, 403, 403, 403}, false},
		{"", "GET", "/api/v1/campaigns/99", "", [7]int{401, 404, 404, 404, 403, 403, 403}, false},
		{"/api/v1/campaigns/:id/list.xlsx", "GET", "/api/v1/campaigns/1/list.xlsx", "", [7]int{401, 200, 200, 200, 403, 403, 403}, false},
		{"/api/v1/campaigns/:id/contacts", "POST", "/api/v1/campaigns/1/contacts", "csv:客户编号,渠道,联系时间\nX0,微信,2026-11-22 10:00\n",
			[7]int{401, 200, 200, 200, 403, 403, 403}, false},
		{"/api/v1/guests/:id", "GET", "/api/v1/guests/G1", "", [7]int{401, 200, 200, 200, 200, 404, 200}, false},
		{"/api/v1/guests/:id/reveal-contact", "POST", "/api/v1/guests/G1/reveal-contact", `{"reason":"callback"}`,
			[7]int{401, 200, 403, 403, 200, 404, 200}, false},
		// A dry run: the shared fixture keeps its guest, the audit log grows.
		{"/api/v1/guests/:id/forget", "POST", "/api/v1/guests/G1/forget", `{"dry_run":true}`,
			[7]int{401, 200, 403, 403, 403, 403, 403}, false},
		// Dry runs: G1 is alone (a split is refused), G2 would join G1.
		{"/api/v1/identity/split", "POST", "/api/v1/identity/split", `{"profile":"G1","dry_run":true}`,
			[7]int{401, 409, 403, 403, 403, 403, 403}, false},
		{"/api/v1/identity/merge", "POST", "/api/v1/identity/merge", `{"profile":"G2","into":"G1","dry_run":true}`,
			[7]int{401, 200, 403, 403, 403, 403, 403}, false},
		{"/api/v1/identity/review", "GET", "/api/v1/identity/review", "", [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		// Nothing to review in the fixture: the key is unknown.
		{"/api/v1/identity/review", "POST", "/api/v1/identity/review", `{"key":"wrong:G2:G1","decision":"dismiss"}`,
			[7]int{401, 404, 403, 403, 403, 403, 403}, false},
		{"/api/v1/kpis", "GET", "/api/v1/kpis", "", [7]int{401, 200, 200, 403, 403, 403, 403}, false},
		{"/api/v1/exports/:file", "GET", "/api/v1/exports/targets.xlsx", "", [7]int{401, 200, 200, 200, 403, 403, 403}, false},
		{"", "GET", "/api/v1/exports/guests.csv", "", [7]int{401, 200, 200, 200, 403, 403, 403}, false},
		{"", "GET", "/api/v1/exports/callbacks.csv", "", [7]int{401, 200, 200, 403, 200, 200, 200}, false},
		{"", "GET", "/api/v1/exports/kpis.xlsx", "", [7]int{401, 200, 200, 403, 403, 403, 403}, false},
		{"", "GET", "/api/v1/exports/rejects.csv", "", [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		{"/api/v1/imports", "GET", "/api/v1/imports", "", [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		{"/api/v1/imports/:id/rejects", "GET", "/api/v1/imports/1/rejects", "", [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		{"/api/v1/audit", "GET", "/api/v1/audit", "", [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		{"/api/v1/imports", "POST", "/api/v1/imports", "multipart", [7]int{401, 200, 403, 403, 403, 403, 403}, true},
		{"/api/v1/jobs", "GET", "/api/v1/jobs", "", [7]int{401, 200, 200, 403, 403, 403, 403}, false},
		// No nightly pipeline in these servers: the admin is told so.
		{"/api/v1/jobs/nightly/run", "POST", "/api/v1/jobs/nightly/run", "", [7]int{401, 503, 403, 403, 403, 403, 403}, false},
		// The shared server has a backup folder; a backup changes no answer but the audit log's length.
		{"/api/v1/backups", "POST", "/api/v1/backups", "", [7]int{401, 201, 403, 403, 403, 403, 403}, false},
		{"/api/v1/staff", "POST", "/api/v1/staff", `{"staff_id":"M9","role":"manager","name":"经理","password":"Garden-view-2026"}`,
			[7]int{401, 201, 403, 403, 403, 403, 403}, true},
		{"/api/v1/staff", "GET", "/api/v1/staff", "", [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		// No such account in the shared fixture: the admin gets past the role check to a 404.
		{"/api/v1/staff/:id/password", "POST", "/api/v1/staff/NOSUCH/password", "", [7]int{401, 404, 403, 403, 403, 403, 403}, false},
		{"/api/v1/staff/:id/disable", "POST", "/api/v1/staff/NOSUCH/disable", "", [7]int{401, 404, 403, 403, 403, 403, 403}, false},
		{"/api/v1/staff/:id/signin-link", "POST", "/api/v1/staff/NOSUCH/signin-link", "", [7]int{401, 404, 403, 403, 403, 403, 404}, false},
		{"/api/v1/tokens", "POST", "/api/v1/tokens", `{"role":"manager","name":"matrix-gm"}`, [7]int{401, 201, 403, 403, 403, 403, 403}, true},
		{"/api/v1/tokens", "GET", "/api/v1/tokens", "", [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		{"/api/v1/tokens/:id", "DELETE", "/api/v1/tokens/999999", "", [7]int{401, 404, 403, 403, 403, 403, 403}, false},
		// Ends page sessions only (there are none here): API tokens keep working.
		{"/api/v1/sessions/revoke", "POST", "/api/v1/sessions/revoke", `{}`, [7]int{401, 200, 403, 403, 403, 403, 403}, false},
		// Last: the first use of {case} opens a case on B01's task in the shared hotel.
		{"/api/v1/recovery-cases", "GET", "/api/v1/recovery-cases?case={case}", "", [7]int{401, 200, 200, 403, 200, 200, 200}, false},
		// The owner, their lead and an admin work a case; a manager reads it in the KPIs.
		{"/api/v1/recovery-cases/:id", "POST", "/api/v1/recovery-cases/{case}", `{"status":"in_progress","version":1}`,
			[7]int{401, 200, 403, 403, 200, 404, 200}, true},
	}

	shared := exportHotel(t)
	if _, err := shared.w.CreateCampaign(context.Background(), warehouse.CampaignSpec{Name: "matrix", Kind: "winback",
		AsOf: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), Holdout: 0.25, Seed: 3, WindowDays: 90, Loc: shanghai,
		Audit: warehouse.AuditEntry{At: time.Now(), Actor: "test"}}); err != nil {
		t.Fatal(err)
	}
	sharedTS := shared.server(t, Config{Now: afternoon, Import: uploadRules(), BackupDir: t.TempDir()})
	covered := map[string]bool{}
	for _, rc := range cases {
		if rc.route != "" {
			covered[rc.method+" "+rc.route] = true
		}
		for i, who := range callers {
			h, ts := shared, sharedTS.URL
			if rc.writes {
				h = exportHotel(t)
				ts = h.server(t, Config{Now: afternoon, Import: uploadRules()}).URL
			}
			path := strings.ReplaceAll(rc.path, "{task}", task(h))
			if strings.Contains(path, "{case}") {
				path = strings.ReplaceAll(path, "{case}", itoa(h.caseOf(t)))
			}
			url := ts + path
			var status int
			if rc.body == "multipart" {
				ct, body := uploadBody(t, [][2]string{{"g.csv", "客户编号,姓名\nG9,王五\n"}})
				res, _ := postUpload(t, url, h.tokens[who], ct, body)
				status = res.StatusCode
			} else if csvBody, ok := strings.CutPrefix(rc.body, "csv:"); ok {
				res, _ := postUpload(t, url, h.tokens[who], "text/csv", strings.NewReader(csvBody))
				status = res.StatusCode
			} else {
				res, _, _ := call(t, rc.method, url, h.tokens[who], rc.body)
				status = res.StatusCode
			}
			if status != rc.want[i] {
				t.Errorf("%s %s as %s: %d, want %d", rc.method, rc.path, orNobody(who), status, rc.want[i])
			}
		}
	}

	// Every route the server has is in the matrix.
	srv, err := New(Config{}, shared.w, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, r := range srv.engine.Routes() {
		if apiRoute(r.Path) && !covered[r.Method+" "+r.Path] {
			missing = append(missing, r.Method+" "+r.Path)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes missing from the matrix: %v", missing)
	}
}
