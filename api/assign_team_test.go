package api

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// withSecurityTeam adds the security team (S01, lead S09) to the hotel's
// roster: the butlers a lead of customer service must not be able to hand
// a guest to.
func withSecurityTeam(t *testing.T, h *hotel) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "roster-security.csv")
	if err := os.WriteFile(p, []byte("员工号,姓名,组别,主管\nS01,赵强,安保管家,S09\nS09,刘军,安保管家,S09\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := load.Files(context.Background(), h.w, []string{p}, load.Options{Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}})
	if err != nil || res[0].Status != load.StatusLoaded {
		t.Fatalf("import the security team: %v %+v", err, res)
	}
}

// TestAssignOnlyWithinTheLeadsTeam: issue 13 row 2, through the API. The
// lead of B01 and B02 tried to give B01's task to another team's butler
// (C01, who leads the dining team too), the security team's butler and
// the security lead: each is 403 with the rule, the task stays B01's and
// in the lead's sight, and nothing is audited.
func TestAssignOnlyWithinTheLeadsTeam(t *testing.T) {
	h := newHotel(t)
	withSecurityTeam(t, h)
	ts := h.server(t, Config{Now: afternoon})
	task := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"])
	for _, to := range []string{"C01", "S01", "S09"} {
		res, body, _ := call(t, http.MethodPost, task+"/assign", h.tokens["lead B09"], `{"version":1,"to":"`+to+`","reason":"busy"}`)
		wantProblem(t, "to "+to, res, body, http.StatusForbidden)
		if body["rule"] != "not_on_team" || !strings.Contains(body["detail"].(string), to+" is not a butler of your team") {
			t.Errorf("to %s: rule %v, detail %v", to, body["rule"], body["detail"])
		}
	}
	res, body := get(t, task, h.tokens["lead B09"])
	if res.StatusCode != http.StatusOK || body["owner"] != "B01" || body["version"] != float64(1) {
		t.Errorf("after the refusals the lead reads the task: %d owner %v version %v", res.StatusCode, body["owner"], body["version"])
	}
	if n := len(assignAudits(t, h)); n != 0 {
		t.Errorf("%d assign audit entries after refused assignments", n)
	}
	// Within the team it goes through.
	res, body, _ = call(t, http.MethodPost, task+"/assign", h.tokens["lead B09"], `{"version":1,"to":"B02","reason":"busy"}`)
	if res.StatusCode != http.StatusOK || body["owner"] != "B02" {
		t.Errorf("to B02 of the lead's team: %d %v", res.StatusCode, body)
	}
}

// TestUITeamReassignOnlyWithinTheTeam: issue 13 row 2, through the team
// board. A crafted form naming another team's butler is refused with 403
// in the page's language, and the task stays where it was.
func TestUITeamReassignOnlyWithinTheTeam(t *testing.T) {
	h := newHotel(t)
	withSecurityTeam(t, h)
	ts := h.server(t, Config{Now: afternoon})
	id := itoa(h.taskOf["B01"])
	for _, tc := range []struct{ lang, to, want string }{
		{"en", "S01", "S01 is not a butler of your team"},
		{"zh", "C01", "C01 不是您组内的管家"},
	} {
		lead := teamBrowser(t, h, ts, "lead B09")
		_, page := teamGet(t, lead, ts.URL+"/ui/team?lang="+tc.lang)
		form := url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"}, "to": {tc.to}, "reason": {"busy"}}
		res, body := teamPost(t, lead, ts.URL+"/ui/team/"+id+"/assign", form)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, tc.want) {
			t.Errorf("%s to %s: %d, want 403 with %q", tc.lang, tc.to, res.StatusCode, tc.want)
		}
	}
	if tk, err := h.w.Task(context.Background(), h.taskOf["B01"]); err != nil || tk.Owner != "B01" || tk.Version != 1 {
		t.Errorf("a refused reassignment moved the task to %s (version %d, %v)", tk.Owner, tk.Version, err)
	}
	if n := len(assignAudits(t, h)); n != 0 {
		t.Errorf("%d assign audit entries after refused posts", n)
	}
}
