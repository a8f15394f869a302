package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAttemptsRoles(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	url := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"]) + "/attempts"
	// Only the owner records: another butler's task does not exist for them.
	h.matrix(t, http.MethodPost, url, `{"version":1,"disposition":"no_answer"}`,
		everyRoleBut(map[string]int{"butler B02": 404, "butler B01": 200}))
}

func TestButlerRecordsAnAttemptAndSeesItPersisted(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	task := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"])
	tok := h.tokens["butler B01"]
	res, body, _ := call(t, http.MethodPost, task+"/attempts", tok, `{"version":1,"disposition":"no_answer","note":"voicemail"}`)
	if res.StatusCode != 200 || body["attempts"] != float64(1) || body["version"] != float64(2) || body["status"] != "open" {
		t.Fatalf("first attempt: %d %v", res.StatusCode, body)
	}
	res, body = get(t, task, tok)
	if res.StatusCode != 200 || body["attempts"] != float64(1) || body["version"] != float64(2) {
		t.Fatalf("the attempt is not persisted: %d %v", res.StatusCode, body)
	}
	// A call on the version just read closes the task as the guest wished.
	res, body, _ = call(t, http.MethodPost, task+"/attempts", tok, `{"version":2,"disposition":"reached_satisfied","score":5}`)
	if res.StatusCode != 200 || body["status"] != "closed" || body["disposition"] != "reached_satisfied" {
		t.Fatalf("closing attempt: %d %v", res.StatusCode, body)
	}
	res, body, _ = call(t, http.MethodPost, task+"/attempts", tok, `{"version":3,"disposition":"no_answer"}`)
	wantProblem(t, "an attempt on a closed task", res, body, http.StatusConflict)
	if d, _ := body["detail"].(string); !strings.Contains(d, "closed") {
		t.Errorf("closed task: detail %q does not say so", d)
	}
}

func TestAttemptErrors(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	tok := h.tokens["butler B01"]
	task := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"])
	cases := []struct {
		name, url, body string
		status          int
		detail          string // a part of the safe detail
	}{
		{"stale version", task + "/attempts", `{"version":7,"disposition":"no_answer"}`, 409, "changed"},
		{"not JSON", task + "/attempts", `{"version":1,`, 400, "JSON object"},
		{"unknown field", task + "/attempts", `{"version":1,"disposition":"no_answer","mobile":"13812345678"}`, 400, "JSON object"},
		{"no version", task + "/attempts", `{"disposition":"no_answer"}`, 400, "version"},
		{"unknown disposition", task + "/attempts", `{"version":1,"disposition":"maybe"}`, 400, "unknown disposition"},
		{"score out of range", task + "/attempts", `{"version":1,"disposition":"reached_satisfied","score":9}`, 400, "1 to 5"},
		{"issue without department", task + "/attempts", `{"version":1,"disposition":"reached_issue"}`, 400, "department"},
		{"call back later without a time", task + "/attempts", `{"version":1,"disposition":"call_back_later"}`, 400, "requested_at"},
		{"a time that is not RFC 3339", task + "/attempts", `{"version":1,"disposition":"call_back_later","requested_at":"tomorrow"}`, 400, "RFC 3339"},
		{"another butler's task", ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B02"]) + "/attempts", `{"version":1,"disposition":"no_answer"}`, 404, ""},
		{"no such task", ts.URL + "/api/v1/callbacks/99999/attempts", `{"version":1,"disposition":"no_answer"}`, 404, ""},
		{"not an id", ts.URL + "/api/v1/callbacks/x/attempts", `{"version":1,"disposition":"no_answer"}`, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body, raw := call(t, http.MethodPost, tc.url, tok, tc.body)
			wantProblem(t, tc.name, res, body, tc.status)
			if d, _ := body["detail"].(string); !strings.Contains(d, tc.detail) {
				t.Errorf("detail %q does not contain %q", d, tc.detail)
			}
			if strings.Contains(raw, "13812345678") {
				t.Error("the problem echoes the body's mobile number")
			}
		})
	}
	// Nothing above changed the task.
	if _, body := get(t, task, tok); body["version"] != float64(1) || body["attempts"] != float64(0) {
		t.Errorf("refused attempts changed the task: %v", body)
	}
	// A reached_issue with its department is recorded.
	res, body, _ := call(t, http.MethodPost, task+"/attempts", tok,
		fmt.Sprintf(`{"version":%d,"disposition":"reached_issue","department":"客房部","note":"noisy room"}`, 1))
	if res.StatusCode != 200 || body["status"] != "closed" {
		t.Errorf("reached_issue: %d %v", res.StatusCode, body)
	}
}
