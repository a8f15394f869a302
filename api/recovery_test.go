package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
)

// caseOf opens, once, a recovery case on B01's task the way a butler does:
// a 有问题 call recorded through the callback rules at 17:00 on the 22nd.
func (h *hotel) caseOf(t *testing.T) int64 {
	t.Helper()
	if h.caseID != 0 {
		return h.caseID
	}
	ctx := context.Background()
	task := h.taskOf["B01"]
	if _, err := callback.Record(ctx, h.w, callback.DefaultRules(shanghai), callback.Attempt{TaskID: task, By: "B01", At: afternoon(),
		Disposition: callback.ReachedIssue, Department: "客房部", Note: "空调噪音太大"}, callback.DefaultRecoveryDue); err != nil {
		t.Fatal(err)
	}
	cs, err := h.w.RecoveryCases(ctx, task)
	if err != nil || len(cs) != 1 {
		t.Fatalf("B01's case: %+v %v", cs, err)
	}
	h.caseID = cs[0].ID
	return h.caseID
}

func items(body map[string]any) []map[string]any {
	raw, _ := body["items"].([]any)
	var out []map[string]any
	for _, r := range raw {
		m, _ := r.(map[string]any)
		out = append(out, m)
	}
	return out
}

func TestRecoveryCasesAreListedByScope(t *testing.T) {
	h := newHotel(t)
	id := h.caseOf(t)
	ts := h.server(t, Config{Now: afternoon})
	list := ts.URL + "/api/v1/recovery-cases"
	cases := []struct {
		who, query string
		want       int
	}{
		{"butler B01", "", 1},
		{"butler B02", "", 0}, // another butler's case does not exist for them
		{"lead B09", "", 1},
		{"manager", "", 1},
		{"admin", "", 1},
		{"admin", "?status=open", 1},
		{"admin", "?status=resolved", 0},
		{"admin", "?department=" + "%E5%AE%A2%E6%88%BF%E9%83%A8", 1}, // 客房部
		{"admin", "?department=" + "%E9%A4%90%E9%A5%AE%E9%83%A8", 0}, // 餐饮部
		{"admin", "?owner=B02", 0},
		{"admin", "?guest=G1", 1},
		{"admin", "?due_before=2026-11-23T17:00:00%2B08:00", 0}, // due 24 h after the call: exactly then, not before
		{"admin", "?due_before=2026-11-23T17:00:01%2B08:00", 1},
	}
	for _, tc := range cases {
		t.Run(tc.who+tc.query, func(t *testing.T) {
			res, body := get(t, list+tc.query, h.tokens[tc.who])
			if res.StatusCode != 200 || len(items(body)) != tc.want {
				t.Fatalf("%d %v, want %d cases", res.StatusCode, body, tc.want)
			}
		})
	}
	_, body := get(t, list, h.tokens["butler B01"])
	c := items(body)[0]
	if c["id"] != float64(id) || c["department"] != "客房部" || c["reported"] != "空调噪音太大" || c["status"] != "open" ||
		c["due_at"] != "2026-11-23T17:00:00+08:00" || c["overdue"] != false || c["outcome"] != nil || c["version"] != float64(1) {
		t.Errorf("the case as B01 reads it: %v", c)
	}
	for _, bad := range []string{"?status=closed", "?due_before=tomorrow", "?page_token=nonsense"} {
		res, body := get(t, list+bad, h.tokens["admin"])
		wantProblem(t, bad, res, body, http.StatusBadRequest)
	}
}

func TestRecoveryCasesPageThroughTheList(t *testing.T) {
	h := newHotel(t)
	h.caseOf(t)
	ctx := context.Background()
	// B02's task raises an issue too: two cases, one per page.
	if _, err := callback.Record(ctx, h.w, callback.DefaultRules(shanghai), callback.Attempt{TaskID: h.taskOf["B02"], By: "B02",
		At: afternoon().Add(-time.Hour), Disposition: callback.ReachedIssue, Department: "餐饮部"}, callback.DefaultRecoveryDue); err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{Now: afternoon})
	res, body := get(t, ts.URL+"/api/v1/recovery-cases?page_size=1", h.tokens["lead B09"])
	first := items(body)
	next, _ := body["next_page_token"].(string)
	if res.StatusCode != 200 || len(first) != 1 || next == "" || first[0]["department"] != "餐饮部" {
		t.Fatalf("first page (the earliest due first): %d %v", res.StatusCode, body)
	}
	res, body = get(t, ts.URL+"/api/v1/recovery-cases?page_size=1&page_token="+next, h.tokens["lead B09"])
	if second := items(body); res.StatusCode != 200 || len(second) != 1 || second[0]["department"] != "客房部" || body["next_page_token"] != nil {
		t.Fatalf("second page: %d %v", res.StatusCode, body)
	}
	res, body = get(t, ts.URL+"/api/v1/recovery-cases?status=open&page_size=1&page_token="+next, h.tokens["lead B09"])
	wantProblem(t, "a token of other filters", res, body, http.StatusBadRequest)
}

func TestWorkingARecoveryCaseThroughTheAPI(t *testing.T) {
	h := newHotel(t)
	id := h.caseOf(t)
	ts := h.server(t, Config{Now: afternoon})
	url := ts.URL + "/api/v1/recovery-cases/" + itoa(id)
	owner := h.tokens["butler B01"]
	steps := []struct {
		name, who, body string
		status          int
		rule, detail    string
	}{
		{"another butler", "butler B02", `{"status":"in_progress","version":1}`, 404, "", ""},
		{"a manager reads, does not work", "manager", `{"status":"in_progress","version":1}`, 403, "", ""},
		{"no version", "butler B01", `{"status":"in_progress"}`, 400, "", "version"},
		{"a state that is none", "butler B01", `{"status":"closed","version":1}`, 400, callback.RuleUnknownCaseStatus, "in_progress or resolved"},
		{"resolved before in progress", "butler B01", `{"status":"resolved","outcome":"recovered","version":1}`, 409, callback.RuleCaseStep, ""},
		{"a stale version", "butler B01", `{"status":"in_progress","version":3}`, 409, callback.RuleStaleVersion, "changed"},
		{"the owner takes it up", "butler B01", `{"status":"in_progress","version":1,"note":"已通知客房部"}`, 200, "", ""},
		{"the same again", "butler B01", `{"status":"in_progress","version":2}`, 409, callback.RuleCaseStep, "already in progress"},
		{"resolved without an outcome", "lead B09", `{"status":"resolved","version":2}`, 400, callback.RuleOutcomeRequired, "recovered or not_recovered"},
		{"the lead resolves it", "lead B09", `{"status":"resolved","outcome":"recovered","note":"换房并致歉","version":2}`, 200, "", ""},
		{"once resolved it stays so", "admin", `{"status":"resolved","outcome":"not_recovered","version":3}`, 409, callback.RuleCaseStep, "already resolved"},
	}
	for _, st := range steps {
		res, body, _ := call(t, http.MethodPost, url, h.tokens[st.who], st.body)
		if st.status == 200 {
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d %v", st.name, res.StatusCode, body)
			}
			continue
		}
		wantProblem(t, st.name, res, body, st.status)
		if body["rule"] != nil && body["rule"] != st.rule || st.rule != "" && body["rule"] != st.rule {
			t.Errorf("%s: rule %v, want %q", st.name, body["rule"], st.rule)
		}
		if d, _ := body["detail"].(string); !strings.Contains(d, st.detail) {
			t.Errorf("%s: detail %q does not say %q", st.name, d, st.detail)
		}
	}
	_, body := get(t, ts.URL+"/api/v1/recovery-cases?status=resolved", owner)
	got := items(body)
	if len(got) != 1 || got[0]["outcome"] != "recovered" || got[0]["resolved_at"] != "2026-11-22T17:00:00+08:00" || got[0]["version"] != float64(3) {
		t.Fatalf("the resolved case: %v", got)
	}
	// Both moves are in the task's history, with who and the note.
	var log []string
	rows, err := h.w.DB().QueryContext(context.Background(), "SELECT actor, disposition, note FROM callback_events WHERE task_id = ? AND kind = ? ORDER BY event_id",
		h.taskOf["B01"], warehouse.EventRecoveryChanged)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var actor, disp, note string
		if err := rows.Scan(&actor, &disp, &note); err != nil {
			t.Fatal(err)
		}
		log = append(log, fmt.Sprintf("%s %s %s", actor, disp, note))
	}
	want := []string{
		fmt.Sprintf("B01 in_progress case %d, department 客房部: 已通知客房部", id),
		fmt.Sprintf("B09 recovered case %d, department 客房部: 换房并致歉", id),
	}
	if strings.Join(log, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(log, "\n"), strings.Join(want, "\n"))
	}
}

// TestEveryRefusalHasItsStatus: each rule the callback package names maps
// to a status and a message in both languages, through the API's one table.
func TestEveryRefusalHasItsStatus(t *testing.T) {
	want := map[string]int{
		callback.RuleNotOwner: 404, callback.RuleNotLead: 403, callback.RuleNotOnTeam: 403,
		callback.RuleTaskClosed: 409, callback.RuleStaleVersion: 409, callback.RuleAlreadyCalled: 409,
		callback.RuleNotIdle: 409, callback.RuleCaseStep: 409,
		callback.RuleUnknownDisposition: 400, callback.RuleScoreRange: 400, callback.RuleRequestedAtRequired: 400,
		callback.RuleDepartmentRequired: 400, callback.RuleOutcomeRequired: 400, callback.RuleUnknownCaseStatus: 400,
		callback.RuleUnknownButler: 400, callback.RuleRequestedAtRange: 400,
	}
	if len(refusalStatus) != len(want) {
		t.Errorf("the table maps %d rules, the test knows %d: a rule was added without its status", len(refusalStatus), len(want))
	}
	for rule, st := range want {
		if got := statusOfRefusal(&callback.Refusal{Rule: rule}); got != st {
			t.Errorf("%s: %d, want %d", rule, got, st)
		}
	}
}
