package api

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

var shownSecret = regexp.MustCompile(`<code class="secret">([^<]+)</code>`)

// secretOn finds the secret a page shows once.
func secretOn(t *testing.T, page string) string {
	t.Helper()
	m := shownSecret.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

func TestStaffPageManagesAccountsAndTokensWithCSRF(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{})
	ctx := context.Background()

	manager := signedIn(t, ts.URL, h.tokens["manager"])
	if res, _ := manager.get("/ui/staff"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a manager on /ui/staff: %d", res.StatusCode)
	}
	if res, _ := manager.post("/ui/tokens", url.Values{"name": {"x"}, "role": {"admin"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a manager posts a token: %d", res.StatusCode)
	}

	admin := signedIn(t, ts.URL, h.tokens["admin"])
	res, page := admin.get("/ui/staff")
	if res.StatusCode != 200 || !strings.Contains(page, `href="/ui/staff"`) || !strings.Contains(page, "员工账号与令牌") {
		t.Fatalf("the admin's page: %d\n%s", res.StatusCode, page)
	}
	csrf := csrfOf(t, page)

	// Without the form's CSRF token nothing is made.
	if res, _ := admin.post("/ui/staff", url.Values{"staff_id": {"B01"}, "role": {"butler"}, "name": {"李伟香"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a post without CSRF: %d", res.StatusCode)
	}
	if list, err := h.w.StaffAccounts(ctx); err != nil || len(list) != 0 {
		t.Fatalf("a refused post made an account: %v %v", list, err)
	}

	// A weak password: refused in Chinese, the staff id kept, the password not.
	res, page = admin.post("/ui/staff", url.Values{"csrf": {csrf}, "staff_id": {"B01"}, "role": {"butler"}, "name": {"李伟香"}, "password": {"138123456789"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "密码不符合要求") || !strings.Contains(page, `value="B01"`) || strings.Contains(page, "138123456789") {
		t.Errorf("a weak password: %d\n%s", res.StatusCode, page)
	}
	// No password: a temporary one, shown once; it signs in and must be changed.
	res, page = admin.post("/ui/staff", url.Values{"csrf": {csrf}, "staff_id": {"B01"}, "role": {"butler"}, "name": {"李伟香"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d\n%s", res.StatusCode, page)
	}
	temp := secretOn(t, page)
	if s, err := h.w.AuthenticateStaff(ctx, "B01", temp, time.Now()); err != nil || !s.MustChange {
		t.Errorf("B01 with the page's temporary password: %+v %v", s, err)
	}
	if _, page := admin.get("/ui/staff"); strings.Contains(page, temp) || !strings.Contains(page, "须修改密码") {
		t.Errorf("the page again shows the password, or not that it must be changed:\n%s", page)
	}
	res, page = admin.post("/ui/staff", url.Values{"csrf": {csrf}, "staff_id": {"B01"}, "role": {"butler"}, "name": {"x"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "该员工号已有账号") {
		t.Errorf("a second B01: %d", res.StatusCode)
	}
	// Reset: another temporary password; the first no longer works.
	res, page = admin.post("/ui/staff/B01/reset", url.Values{"csrf": {csrf}})
	if temp2 := secretOn(t, page); res.StatusCode != http.StatusCreated || temp2 == temp {
		t.Errorf("reset: %d", res.StatusCode)
	}
	if _, err := h.w.AuthenticateStaff(ctx, "B01", temp, time.Now()); !errors.Is(err, warehouse.ErrBadCredentials) {
		t.Errorf("the first temporary password after a reset: %v", err)
	}
	// Disable: the page says so, in English when asked; the butler's
	// token acting as B01 is revoked with it.
	if res, _ := get(t, ts.URL+"/api/v1/callbacks", h.tokens["butler B01"]); res.StatusCode != 200 {
		t.Fatalf("B01's token before the disabling: %d", res.StatusCode)
	}
	if res, page := admin.post("/ui/staff/B01/disable", url.Values{"csrf": {csrf}}); res.StatusCode != 200 || !strings.Contains(page, "已停用") {
		t.Errorf("disable: %d", res.StatusCode)
	}
	res, body := get(t, ts.URL+"/api/v1/callbacks", h.tokens["butler B01"])
	wantProblem(t, "B01's token after the disabling", res, body, http.StatusUnauthorized)
	if _, page := admin.get("/ui/staff?lang=en"); !strings.Contains(page, "Staff accounts and tokens") || !strings.Contains(page, "disabled") {
		t.Errorf("the English page:\n%s", page)
	}
	admin.get("/ui/staff?lang=zh")

	// A token made on the page works once as a bearer token, until revoked there.
	res, page = admin.post("/ui/tokens", url.Values{"csrf": {csrf}, "name": {"李伟香的手机"}, "role": {"butler"}, "staff_id": {"B01"}, "expires": {"30"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("token: %d\n%s", res.StatusCode, page)
	}
	secret := secretOn(t, page)
	if res, body := get(t, ts.URL+"/api/v1/callbacks", secret); res.StatusCode != 200 {
		t.Fatalf("the page's token: %d %v", res.StatusCode, body)
	}
	var id string
	if tokens, err := h.w.Tokens(ctx); err == nil {
		for _, tk := range tokens {
			if tk.Name == "李伟香的手机" {
				id = itoa(tk.ID)
				if tk.ExpiresAt == nil || tk.ExpiresAt.Sub(tk.CreatedAt) != 30*24*time.Hour {
					t.Errorf("expires %v, want 30 days after %v", tk.ExpiresAt, tk.CreatedAt)
				}
			}
		}
	}
	res, page = admin.post("/ui/tokens", url.Values{"csrf": {csrf}, "name": {"x"}, "role": {"butler"}, "expires": {"30"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "需要员工号") || !strings.Contains(page, `value="x"`) {
		t.Errorf("a butler's token without a staff id: %d", res.StatusCode)
	}
	if res, _ := admin.post("/ui/tokens/"+id+"/revoke", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("revoke without CSRF: %d", res.StatusCode)
	}
	if res, page := admin.post("/ui/tokens/"+id+"/revoke", url.Values{"csrf": {csrf}}); res.StatusCode != 200 || !strings.Contains(page, "已吊销") {
		t.Errorf("revoke: %d", res.StatusCode)
	}
	res, body = get(t, ts.URL+"/api/v1/callbacks", secret)
	wantProblem(t, "the revoked token", res, body, http.StatusUnauthorized)

	acts := auditActions(t, h.w)
	if acts["staff_create admin"] != 1 || acts["staff_password_reset admin"] != 1 || acts["staff_disable admin"] != 1 ||
		acts["token_create admin"] != 1 || acts["token_revoke admin"] != 2 { // the disabling's and the page's
		t.Errorf("audit log: %v", acts)
	}
}
