package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

var tokenShape = regexp.MustCompile(`^rvk_[A-Za-z0-9_-]{43}$`)

// A token made over the API works as a bearer token at once, is never shown
// again, and is refused from the request after its DELETE.
func TestTokenMadeOverTheAPIWorksUntilRevoked(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{})
	admin := h.tokens["admin"]
	res, body, _ := call(t, "POST", ts.URL+"/api/v1/tokens", admin, `{"role":"butler","name":"李伟香的手机","staff_id":"B01"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", res.StatusCode, body)
	}
	secret, _ := body["token"].(string)
	id := int64(body["id"].(float64))
	if !tokenShape.MatchString(secret) || body["staff_id"] != "B01" || body["expires_at"] == nil {
		t.Fatalf("created %v", body)
	}
	if res, body := get(t, ts.URL+"/api/v1/callbacks", secret); res.StatusCode != http.StatusOK {
		t.Fatalf("the new token on /callbacks: %d %v", res.StatusCode, body)
	}
	// A butler's token stays a butler's: no administration with it.
	if res, body, _ := call(t, "POST", ts.URL+"/api/v1/tokens", secret, `{"role":"admin","name":"me too"}`); res.StatusCode != http.StatusForbidden {
		t.Errorf("the butler's token makes a token: %d %v", res.StatusCode, body)
	}
	_, _, raw := call(t, "GET", ts.URL+"/api/v1/tokens", admin, "")
	if strings.Contains(raw, secret) || !strings.Contains(raw, "李伟香的手机") {
		t.Errorf("the list shows the secret or lacks the token: %s", raw)
	}
	if res, body, _ := call(t, "DELETE", ts.URL+fmt.Sprintf("/api/v1/tokens/%d", id), admin, ""); res.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d %v", res.StatusCode, body)
	}
	res, body = get(t, ts.URL+"/api/v1/callbacks", secret)
	wantProblem(t, "the revoked token", res, body, http.StatusUnauthorized)
	res, body, _ = call(t, "DELETE", ts.URL+fmt.Sprintf("/api/v1/tokens/%d", id), admin, "")
	wantProblem(t, "revoke twice", res, body, http.StatusConflict)

	for _, c := range []struct{ what, body string }{
		{"a butler without a staff id", `{"role":"butler","name":"x"}`},
		{"a manager with one", `{"role":"manager","name":"x","staff_id":"B01"}`},
		{"no such role", `{"role":"owner","name":"x"}`},
		{"a staff id off the roster", `{"role":"butler","name":"x","staff_id":"B77"}`},
		{"an expiry in the past", `{"role":"manager","name":"x","expires_at":"2020-01-01T00:00:00Z"}`},
		{"both expiries", `{"role":"manager","name":"x","expires_at":"2099-01-01T00:00:00Z","never_expires":true}`},
		{"an unknown field", `{"role":"manager","name":"x","scope":"all"}`},
	} {
		res, body, _ := call(t, "POST", ts.URL+"/api/v1/tokens", admin, c.body)
		wantProblem(t, c.what, res, body, http.StatusBadRequest)
	}
	res, body, _ = call(t, "POST", ts.URL+"/api/v1/tokens", admin, `{"role":"manager","name":"admin","never_expires":true}`)
	wantProblem(t, "a live token's name", res, body, http.StatusConflict)

	acts := auditActions(t, h.w)
	if acts["token_create admin"] != 1 || acts["token_revoke admin"] != 1 {
		t.Errorf("audit log: %v, want one token_create and one token_revoke by admin", acts)
	}
}

func TestStaffAccountsOverTheAPI(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{})
	admin := h.tokens["admin"]
	ctx := context.Background()
	const pw = "Harbour-view-88"
	res, body, _ := call(t, "POST", ts.URL+"/api/v1/staff", admin, `{"staff_id":"B01","role":"butler","name":"李伟香","password":"`+pw+`"}`)
	if res.StatusCode != http.StatusCreated || body["temporary_password"] != nil {
		t.Fatalf("create with a password: %d %v", res.StatusCode, body)
	}
	if s, err := h.w.AuthenticateStaff(ctx, "B01", pw, time.Now()); err != nil || s.Role != "butler" || s.MustChange {
		t.Errorf("sign in as B01: %+v %v", s, err)
	}
	// Without a password: a temporary one, once, that must be changed.
	res, body, _ = call(t, "POST", ts.URL+"/api/v1/staff", admin, `{"staff_id":"M1","role":"manager","name":"王经理"}`)
	temp, _ := body["temporary_password"].(string)
	if res.StatusCode != http.StatusCreated || len(temp) < 10 {
		t.Fatalf("create without a password: %d %v", res.StatusCode, body)
	}
	if s, err := h.w.AuthenticateStaff(ctx, "M1", temp, time.Now()); err != nil || !s.MustChange {
		t.Errorf("sign in with the temporary password: %+v %v, want must_change", s, err)
	}
	for _, c := range []struct {
		what, body string
		status     int
		detail     string
	}{
		{"a short password", `{"staff_id":"A1","role":"admin","name":"x","password":"short1"}`, 400, "at least 10 characters"},
		{"digits only", `{"staff_id":"A1","role":"admin","name":"x","password":"13812345678"}`, 400, "only digits"},
		{"the staff id", `{"staff_id":"ADMIN00001","role":"admin","name":"x","password":"admin00001"}`, 400, "staff id"},
		{"a butler off the roster", `{"staff_id":"B77","role":"butler","name":"x","password":"` + pw + `"}`, 400, "roster"},
		{"no such role", `{"staff_id":"A1","role":"owner","name":"x","password":"` + pw + `"}`, 400, "role"},
		{"an existing account", `{"staff_id":"B01","role":"butler","name":"x","password":"` + pw + `"}`, 409, "exists"},
	} {
		res, body, _ := call(t, "POST", ts.URL+"/api/v1/staff", admin, c.body)
		wantProblem(t, c.what, res, body, c.status)
		if d, _ := body["detail"].(string); !strings.Contains(d, c.detail) || strings.Contains(d, "13812345678") {
			t.Errorf("%s: detail %q, want it to say %q and not echo the password", c.what, d, c.detail)
		}
	}
	_, body, raw := call(t, "GET", ts.URL+"/api/v1/staff", admin, "")
	if list, _ := body["staff"].([]any); len(list) != 2 || strings.Contains(raw, "argon2") || strings.Contains(raw, pw) {
		t.Errorf("list: %s", raw)
	}
	// An admin's reset: a new temporary password; the old one is dead.
	res, body, _ = call(t, "POST", ts.URL+"/api/v1/staff/B01/password", admin, "")
	temp2, _ := body["temporary_password"].(string)
	if st, _ := body["staff"].(map[string]any); res.StatusCode != http.StatusOK || len(temp2) < 10 || st["must_change"] != true {
		t.Fatalf("reset: %d %v", res.StatusCode, body)
	}
	if _, err := h.w.AuthenticateStaff(ctx, "B01", pw, time.Now()); !errors.Is(err, warehouse.ErrBadCredentials) {
		t.Errorf("the password before the reset: %v", err)
	}
	res, body, _ = call(t, "POST", ts.URL+"/api/v1/staff/B01/password", admin, `{"password":"Second-garden-99"}`)
	if res.StatusCode != http.StatusOK || body["temporary_password"] != nil {
		t.Errorf("reset to a given password: %d %v", res.StatusCode, body)
	}
	res, body, _ = call(t, "POST", ts.URL+"/api/v1/staff/B01/password", admin, `{"password":"1234567890"}`)
	wantProblem(t, "reset to digits", res, body, http.StatusBadRequest)
	// Disabled: the right password is refused.
	if res, body, _ := call(t, "POST", ts.URL+"/api/v1/staff/B01/disable", admin, ""); res.StatusCode != http.StatusOK || body["disabled_at"] == nil {
		t.Fatalf("disable: %d %v", res.StatusCode, body)
	}
	if _, err := h.w.AuthenticateStaff(ctx, "B01", "Second-garden-99", time.Now()); !errors.Is(err, warehouse.ErrStaffDisabled) {
		t.Errorf("sign in after disabling: %v", err)
	}
	res, body, _ = call(t, "POST", ts.URL+"/api/v1/staff/B01/disable", admin, "")
	wantProblem(t, "disable twice", res, body, http.StatusConflict)

	acts := auditActions(t, h.w)
	if acts["staff_create admin"] != 2 || acts["staff_password_reset admin"] != 2 || acts["staff_disable admin"] != 1 {
		t.Errorf("audit log: %v", acts)
	}
}

// auditActions counts the audit log's entries by "action actor".
func auditActions(t *testing.T, w *warehouse.Warehouse) map[string]int {
	t.Helper()
	log, err := w.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range log {
		out[e.Action+" "+e.Actor]++
	}
	return out
}
