package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// afternoon is a server clock five hours after the hotel's tasks were
// generated (2026-11-22 12:00): past the idle time a lead must wait.
func afternoon() time.Time { return time.Date(2026, 11, 22, 17, 0, 0, 0, shanghai) }

// call sends one request over real HTTP and decodes the JSON answer; raw is
// the body as sent.
func call(t *testing.T, method, url, token, body string) (res *http.Response, out map[string]any, raw string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	json.Unmarshal(b, &out)
	return res, out, string(b)
}

// wantProblem fails unless the answer is an RFC 9457 problem of status.
func wantProblem(t *testing.T, what string, res *http.Response, body map[string]any, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("%s: %d, want %d (%v)", what, res.StatusCode, status, body)
		return
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" || body["type"] == nil ||
		body["request_id"] == nil || body["status"] != float64(status) {
		t.Errorf("%s: not a problem+json: %s %v", what, ct, body)
	}
}

// roleCase is one row of a role matrix: who calls, and the status they get.
type roleCase struct {
	who    string // a key of hotel.tokens, or "" for no token
	status int
}

// everyRoleBut answers 403 for every role and 401 without a token, except
// for the roles given, in a fixed order with the allowed ones last (so that
// a write they make cannot change what the others see).
func everyRoleBut(allowed map[string]int) []roleCase {
	cases := []roleCase{{"", 401}}
	for _, who := range []string{"admin", "manager", "marketing", "butler B01", "butler B02", "lead B09"} {
		if _, ok := allowed[who]; !ok {
			cases = append(cases, roleCase{who, 403})
		}
	}
	for _, who := range []string{"admin", "manager", "marketing", "butler B02", "butler B01", "lead B09"} {
		if st, ok := allowed[who]; ok {
			cases = append(cases, roleCase{who, st})
		}
	}
	return cases
}

func (h *hotel) matrix(t *testing.T, method, url, body string, cases []roleCase) {
	t.Helper()
	for _, tc := range cases {
		res, out, _ := call(t, method, url, h.tokens[tc.who], body)
		if tc.status >= 400 {
			wantProblem(t, method+" "+url+" as "+orNobody(tc.who), res, out, tc.status)
		} else if res.StatusCode != tc.status {
			t.Errorf("%s %s as %s: %d, want %d (%v)", method, url, orNobody(tc.who), res.StatusCode, tc.status, out)
		}
	}
}

func orNobody(who string) string {
	if who == "" {
		return "nobody"
	}
	return who
}
