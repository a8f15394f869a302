package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAssignRoles(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	url := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"]) + "/assign"
	// An admin passes the route but is no one's team lead: 首问责任制 lets
	// only the lead move a guest.
	h.matrix(t, http.MethodPost, url, `{"version":1,"to":"B02","reason":"B01 is off sick"}`,
		everyRoleBut(map[string]int{"admin": 403, "lead B09": 200}))
}

func TestLeadReassignsAndTheAuditLogSaysSo(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	task := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"])
	res, body, _ := call(t, http.MethodPost, task+"/assign", h.tokens["lead B09"], `{"version":1,"to":"B02","reason":"B01 is off sick"}`)
	if res.StatusCode != 200 || body["owner"] != "B02" || body["version"] != float64(2) {
		t.Fatalf("reassign: %d %v", res.StatusCode, body)
	}
	if res, _ := get(t, task, h.tokens["butler B02"]); res.StatusCode != 200 {
		t.Errorf("the new owner cannot read the task: %d", res.StatusCode)
	}
	if res, _ := get(t, task, h.tokens["butler B01"]); res.StatusCode != 404 {
		t.Errorf("the old owner still sees the task: %d", res.StatusCode)
	}
	res, body = get(t, ts.URL+"/api/v1/audit", h.tokens["admin"])
	assigns := assignEntries(body)
	if res.StatusCode != 200 || len(assigns) != 1 {
		t.Fatalf("audit: %d %v", res.StatusCode, body)
	}
	e := assigns[0]
	at, _ := time.Parse(time.RFC3339, e["at"].(string))
	if e["action"] != "assign" || e["actor"] != "B09" || e["role"] != "lead" || e["target"] != "task "+itoa(h.taskOf["B01"]) ||
		e["filter"] != "to B02" || e["rows"] != float64(1) || e["client_ip"] != "127.0.0.1" || !at.Equal(afternoon()) {
		t.Errorf("audit entry: %v", e)
	}
	if strings.Contains(e["filter"].(string), "sick") {
		t.Error("the free-text reason is in the audit log")
	}
}

func TestAssignRefusals(t *testing.T) {
	h := newHotel(t)
	early := func() time.Time { return time.Date(2026, 11, 22, 13, 0, 0, 0, shanghai) }
	lead := h.tokens["lead B09"]
	b01 := "/api/v1/callbacks/" + itoa(h.taskOf["B01"]) + "/assign"
	cases := []struct {
		name   string
		now    func() time.Time
		url    string
		body   string
		status int
		detail string
	}{
		{"too soon after the task was made", early, b01, `{"version":1,"to":"B02","reason":"r"}`, 409, "may reassign after"},
		{"stale version", afternoon, b01, `{"version":5,"to":"B02","reason":"r"}`, 409, "changed"},
		{"not on the roster", afternoon, b01, `{"version":1,"to":"Z99","reason":"r"}`, 400, "roster"},
		{"no reason", afternoon, b01, `{"version":1,"to":"B02"}`, 400, "reason"},
		{"no version", afternoon, b01, `{"to":"B02","reason":"r"}`, 400, "version"},
		{"not JSON", afternoon, b01, `to=B02`, 400, "JSON object"},
		{"another team's task", afternoon, "/api/v1/callbacks/" + itoa(h.taskOf["C01"]) + "/assign", `{"version":1,"to":"B02","reason":"r"}`, 404, ""},
		{"no such task", afternoon, "/api/v1/callbacks/99999/assign", `{"version":1,"to":"B02","reason":"r"}`, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := h.server(t, Config{Now: tc.now})
			res, body, _ := call(t, http.MethodPost, ts.URL+tc.url, lead, tc.body)
			wantProblem(t, tc.name, res, body, tc.status)
			if d, _ := body["detail"].(string); !strings.Contains(d, tc.detail) {
				t.Errorf("detail %q does not contain %q", d, tc.detail)
			}
		})
	}
	// Once the owner has called, the task stays theirs.
	ts := h.server(t, Config{Now: afternoon})
	call(t, http.MethodPost, ts.URL+"/api/v1/callbacks/"+itoa(h.taskOf["B01"])+"/attempts", h.tokens["butler B01"], `{"version":1,"disposition":"no_answer"}`)
	res, body, _ := call(t, http.MethodPost, ts.URL+b01, lead, `{"version":2,"to":"B02","reason":"r"}`)
	wantProblem(t, "after a call", res, body, 409)
	if d, _ := body["detail"].(string); !strings.Contains(d, "already called") {
		t.Errorf("after a call: detail %q", d)
	}
	if _, body := get(t, ts.URL+"/api/v1/audit", h.tokens["admin"]); len(assignEntries(body)) != 0 {
		t.Errorf("refused assignments were audited: %v", body["items"])
	}
}

// assignEntries picks the assignments out of an audit listing (creating the
// test tokens wrote entries of their own).
func assignEntries(body map[string]any) []map[string]any {
	var out []map[string]any
	items, _ := body["items"].([]any)
	for _, it := range items {
		if e, _ := it.(map[string]any); e["action"] == "assign" {
			out = append(out, e)
		}
	}
	return out
}
