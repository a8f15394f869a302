package api

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// teamBrowser signs in to the pages as who and returns a client that keeps
// the session cookie.
func teamBrowser(t *testing.T, h *hotel, ts *httptest.Server, who string) *http.Client {
	t.Helper()
	return signedIn(t, ts.URL, h.tokens[who]).http
}

// teamGet fetches a page and returns the final answer and its text (its
// HTML with the entities read, as a person would see it).
func teamGet(t *testing.T, client *http.Client, url string) (*http.Response, string) {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, html.UnescapeString(string(b))
}

func teamPost(t *testing.T, client *http.Client, url string, form url.Values) (*http.Response, string) {
	t.Helper()
	res, err := client.PostForm(url, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, html.UnescapeString(string(b))
}

// listed says which of the hotel's tasks (by owner) the board shows.
func listed(h *hotel, page string) map[string]bool {
	out := map[string]bool{}
	for owner, id := range h.taskOf {
		out[owner] = strings.Contains(page, `id="task-`+itoa(id)+`"`)
	}
	return out
}

func assignAudits(t *testing.T, h *hotel) []warehouse.AuditEntry {
	t.Helper()
	log, err := h.w.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []warehouse.AuditEntry
	for _, e := range log {
		if e.Action == warehouse.AuditAssign {
			out = append(out, e)
		}
	}
	return out
}

func TestUITeamShowsTheTeamsTasksOnly(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	lead := teamBrowser(t, h, ts, "lead B09")
	res, page := teamGet(t, lead, ts.URL+"/ui/team?lang=en")
	if res.StatusCode != 200 {
		t.Fatalf("GET /ui/team: %d", res.StatusCode)
	}
	if got := listed(h, page); !got["B01"] || !got["B02"] || got["C01"] {
		t.Errorf("the board lists %v, want B01's and B02's tasks and not C01's", got)
	}
	// Guests by name (B01's is 张伟 G1, B02's 李娜 G2), staff by name with their id.
	for _, want := range []string{"<strong>张伟</strong>", "<strong>李娜</strong>", "李伟香 (B01)", "郭笑颜 (B02)", `action="/ui/team/` + itoa(h.taskOf["B01"]) + `/assign"`, "2 tasks."} {
		if !strings.Contains(page, want) {
			t.Errorf("the board does not show %q", want)
		}
	}
	if strings.Contains(page, "宋雅婷") {
		t.Error("the reassign choices offer another team's butler")
	}
}

func TestUITeamIsForLeadsOnly(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	butler := teamBrowser(t, h, ts, "butler B01")
	if res, _ := teamGet(t, butler, ts.URL+"/ui/team"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a butler on /ui/team: %d, want 403", res.StatusCode)
	}
	_, own := teamGet(t, butler, ts.URL+"/ui/")
	form := url.Values{"csrf": {csrfOf(t, own)}, "version": {"1"}, "to": {"B01"}, "reason": {"mine now"}}
	if res, _ := teamPost(t, butler, ts.URL+"/ui/team/"+itoa(h.taskOf["B02"])+"/assign", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("a butler reassigning: %d, want 403", res.StatusCode)
	}
	if tk, err := h.w.Task(context.Background(), h.taskOf["B02"]); err != nil || tk.Owner != "B02" {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("a butler moved a task to %s", tk.Owner)
	}
}

func TestUITeamReassignWithCSRF(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	lead := teamBrowser(t, h, ts, "lead B09")
	_, page := teamGet(t, lead, ts.URL+"/ui/team?owner=B01&lang=en")
	id := h.taskOf["B01"]
	form := url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"}, "to": {"B02"}, "reason": {"B01 is off sick"}, "back": {"owner=B01"}}
	res, after := teamPost(t, lead, ts.URL+"/ui/team/"+itoa(id)+"/assign", form)
	if res.StatusCode != 200 || res.Request.URL.Path != "/ui/team" {
		t.Fatalf("reassign: %d at %s", res.StatusCode, res.Request.URL)
	}
	if q := res.Request.URL.Query(); q.Get("owner") != "B01" || q.Get("assigned") != itoa(id) {
		t.Errorf("back on the board without its filter or the message: %s", res.Request.URL.RawQuery)
	}
	if want := "Task " + itoa(id) + " (guest G1) is now 郭笑颜 B02's."; !strings.Contains(after, want) {
		t.Errorf("the board does not say %q", want)
	}
	if tk, err := h.w.Task(context.Background(), id); err != nil || tk.Owner != "B02" || tk.Version != 2 {
		t.Errorf("after the reassignment the task is %s's at version %d (%v)", tk.Owner, tk.Version, err)
	}
	audits := assignAudits(t, h)
	if len(audits) != 1 {
		t.Fatalf("%d assign audit entries, want 1", len(audits))
	}
	if e := audits[0]; e.Actor != "B09" || e.Role != roles.Lead || e.Target != "task "+itoa(id) ||
		e.Filter != "to B02" || e.Rows != 1 || !e.At.Equal(afternoon()) {
		t.Errorf("audit entry: %+v", e)
	}
	// A link that claims a reassignment that did not happen says nothing.
	_, forged := teamGet(t, lead, ts.URL+"/ui/team?lang=en&assigned="+itoa(h.taskOf["B02"])+"&to=B01")
	if strings.Contains(forged, "is now") {
		t.Error("the board believed a crafted link")
	}
}

func TestUITeamReassignWithoutCSRFIsRefused(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	lead := teamBrowser(t, h, ts, "lead B09")
	id := h.taskOf["B01"]
	for name, csrf := range map[string][]string{"no token": nil, "a wrong token": {"forged"}} {
		form := url.Values{"version": {"1"}, "to": {"B02"}, "reason": {"r"}, "csrf": csrf}
		if res, _ := teamPost(t, lead, ts.URL+"/ui/team/"+itoa(id)+"/assign", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, res.StatusCode)
		}
	}
	if tk, err := h.w.Task(context.Background(), id); err != nil || tk.Owner != "B01" || tk.Version != 1 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("a post without CSRF moved the task to %s (version %d)", tk.Owner, tk.Version)
	}
	if n := len(assignAudits(t, h)); n != 0 {
		t.Errorf("%d assign audit entries after refused posts", n)
	}
}

func TestUITeamReassignRefusalsAreShownOnThePage(t *testing.T) {
	h := newHotel(t)
	early := func() time.Time { return time.Date(2026, 11, 22, 13, 0, 0, 0, shanghai) }
	b01, c01 := itoa(h.taskOf["B01"]), itoa(h.taskOf["C01"])
	cases := []struct {
		name          string
		now           func() time.Time
		task, version string
		to, reason    string
		status        int
		message       string
	}{
		{"too soon after the task was made", early, b01, "1", "B02", "r", 409, "can be reassigned after 11-22 16:00"},
		{"stale version", afternoon, b01, "5", "B02", "r", 409, "changed meanwhile"},
		{"not on the roster", afternoon, b01, "1", "Z99", "r", 400, "Z99 is not on the butler roster"},
		{"no reason", afternoon, b01, "1", "B02", " ", 400, "say why"},
		{"another team's task", afternoon, c01, "1", "B02", "r", 404, "Not found"},
		{"no such task", afternoon, "99999", "1", "B02", "r", 404, "Not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := h.server(t, Config{Now: tc.now})
			lead := teamBrowser(t, h, ts, "lead B09")
			_, page := teamGet(t, lead, ts.URL+"/ui/team?lang=en")
			form := url.Values{"csrf": {csrfOf(t, page)}, "version": {tc.version}, "to": {tc.to}, "reason": {tc.reason}}
			res, body := teamPost(t, lead, ts.URL+"/ui/team/"+tc.task+"/assign", form)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.message) {
				t.Errorf("%d, want %d with %q", res.StatusCode, tc.status, tc.message)
			}
		})
	}
	ctx := context.Background()
	if tk, err := h.w.Task(ctx, h.taskOf["B01"]); err != nil || tk.Owner != "B01" || len(assignAudits(t, h)) != 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("a refused reassignment changed the task (owner %s) or was audited", tk.Owner)
	}
	// Once the owner has called, the task stays theirs, and the board says so.
	if _, err := h.w.RecordAttempt(ctx, warehouse.AttemptUpdate{TaskID: h.taskOf["B01"], Version: 1, By: "B01",
		At: afternoon().Add(-time.Hour), Disposition: "no_answer"}); err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{Now: afternoon})
	lead := teamBrowser(t, h, ts, "lead B09")
	_, page := teamGet(t, lead, ts.URL+"/ui/team?lang=en")
	if !strings.Contains(page, "B01 has already called (1 attempts): under first-responder responsibility it stays theirs") {
		t.Error("the board does not warn that the called task stays its owner's")
	}
	form := url.Values{"csrf": {csrfOf(t, page)}, "version": {"2"}, "to": {"B02"}, "reason": {"r"}}
	res, body := teamPost(t, lead, ts.URL+"/ui/team/"+b01+"/assign", form)
	if res.StatusCode != 409 || !strings.Contains(body, "B01 has already called (1 attempts)") {
		t.Errorf("after a call: %d", res.StatusCode)
	}
}

func TestUITeamFilters(t *testing.T) {
	h := newHotel(t)
	ctx := context.Background()
	// B02's guest was reached and the task closed.
	if _, err := h.w.RecordAttempt(ctx, warehouse.AttemptUpdate{TaskID: h.taskOf["B02"], Version: 1, By: "B02",
		At: afternoon().Add(-time.Hour), Disposition: "reached_satisfied", Close: true, FinalDisposition: "reached_satisfied"}); err != nil {
		t.Fatal(err)
	}
	b01, err := h.w.Task(ctx, h.taskOf["B01"])
	if err != nil {
		t.Fatal(err)
	}
	b02, err := h.w.Task(ctx, h.taskOf["B02"])
	if err != nil {
		t.Fatal(err)
	}
	other := b01.Priority%4 + 1
	ts := h.server(t, Config{Now: afternoon})
	lead := teamBrowser(t, h, ts, "lead B09")
	cases := []struct {
		query      string
		b01, b02   bool
		selections []string
	}{
		{"status=", true, false, nil}, // the default: open
		{"status=open", true, false, nil},
		{"status=closed", false, true, []string{`value="closed" selected`}},
		{"status=all", true, true, nil},
		{"status=all&owner=B02", false, true, []string{`value="B02" selected`}},
		{"status=all&owner=C01", false, false, nil}, // another team's butler: nothing, not their list
		{"status=all&priority=" + itoa(int64(b01.Priority)), true, b02.Priority == b01.Priority, nil},
		{"status=all&priority=" + itoa(int64(other)), false, b02.Priority == other, nil},
		{"status=nonsense", true, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			res, page := teamGet(t, lead, ts.URL+"/ui/team?lang=en&"+tc.query)
			if res.StatusCode != 200 {
				t.Fatalf("%d", res.StatusCode)
			}
			got := listed(h, page)
			if got["B01"] != tc.b01 || got["B02"] != tc.b02 || got["C01"] {
				t.Errorf("lists %v, want B01 %v, B02 %v", got, tc.b01, tc.b02)
			}
			for _, s := range tc.selections {
				if !strings.Contains(page, s) {
					t.Errorf("the filter form does not keep %q", s)
				}
			}
		})
	}
	// A closed task shows how it ended and offers no reassignment.
	_, page := teamGet(t, lead, ts.URL+"/ui/team?lang=en&status=closed")
	if !strings.Contains(page, "Closed: reached, satisfied") || strings.Contains(page, `/ui/team/`+itoa(h.taskOf["B02"])+`/assign`) {
		t.Error("the closed task is not shown as closed, or can still be reassigned")
	}
}

func TestUITeamTodaysSLAAndEscalations(t *testing.T) {
	h := newHotel(t)
	ctx := context.Background()
	// The tasks fall due on the 23rd, 24 h after the departures of the 22nd.
	next := func() time.Time { return time.Date(2026, 11, 23, 10, 30, 0, 0, shanghai) }
	if _, err := h.w.RecordAttempt(ctx, warehouse.AttemptUpdate{TaskID: h.taskOf["B01"], Version: 1, By: "B01",
		At: afternoon(), Disposition: "reached_satisfied", Close: true, FinalDisposition: "reached_satisfied"}); err != nil {
		t.Fatal(err)
	}
	// B02's guest left at 10:00 on the 22nd: 24 h on, the task goes to the
	// lead (and C01's to theirs).
	if _, n, err := h.w.Escalate(ctx, next(), 0, 0); err != nil || n != 2 {
		t.Fatalf("escalate: %d, %v", n, err)
	}
	ts := h.server(t, Config{Now: next})
	lead := teamBrowser(t, h, ts, "lead B09")
	_, page := teamGet(t, lead, ts.URL+"/ui/team?lang=en&status=all")
	for sla, want := range map[string]string{"due": "2", "within": "1 / 2 (50.0%)", "reached": "1 / 1 (100.0%)", "open": "1"} {
		if !strings.Contains(page, `data-sla="`+sla+`">`+want) {
			t.Errorf("today's SLA %s is not %q", sla, want)
		}
	}
	if !strings.Contains(page, "1 of them overdue") {
		t.Error("the open task past due is not counted as overdue")
	}
	row := func(owner string) string {
		i := strings.Index(page, `id="task-`+itoa(h.taskOf[owner])+`"`)
		if i < 0 {
			t.Fatalf("%s's task is not listed", owner)
		}
		return page[i : i+strings.Index(page[i:], "</tr>")]
	}
	if r := row("B02"); !strings.Contains(r, "escalated to you") || !strings.Contains(r, "overdue") {
		t.Error("B02's escalated task is not marked as escalated to the lead and overdue")
	}
	if strings.Contains(row("B01"), "escalated") {
		t.Error("B01's closed task is marked escalated")
	}
	if !strings.Contains(page, "Open tasks escalated to you: 1") {
		t.Error("the board does not count the escalations")
	}
	// The day before, nothing was due yet.
	ts = h.server(t, Config{Now: afternoon})
	lead = teamBrowser(t, h, ts, "lead B09")
	if _, page := teamGet(t, lead, ts.URL+"/ui/team"); !strings.Contains(page, `data-sla="due">0`) {
		t.Error("tasks due tomorrow are counted in today's SLA")
	}
}
