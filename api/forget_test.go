package api

import (
	"net/http"
	"testing"
)

func TestForgetGuestDryRunThenDelete(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules()})
	admin := h.tokens["admin"]
	url := ts.URL + "/api/v1/guests/G1/forget"

	for _, body := range []string{`{}`, `{"dry_run":"yes"}`, ``} {
		if res, _, raw := call(t, "POST", url, admin, body); res.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q: %d, want 400\n%s", body, res.StatusCode, raw)
		}
	}
	if res, _, _ := call(t, "POST", ts.URL+"/api/v1/guests/nobody/forget", admin, `{"dry_run":true}`); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown guest: %d, want 404", res.StatusCode)
	}

	res, dry, raw := call(t, "POST", url, admin, `{"dry_run":true}`)
	if res.StatusCode != http.StatusOK || dry["dry_run"] != true || dry["profiles"].(float64) < 1 {
		t.Fatalf("dry run: %d %s", res.StatusCode, raw)
	}
	if res, _, _ := call(t, "GET", ts.URL+"/api/v1/guests/G1", admin, ""); res.StatusCode != http.StatusOK {
		t.Fatalf("the dry run removed the guest: card %d", res.StatusCode)
	}
	res, done, raw := call(t, "POST", url, admin, `{"dry_run":false}`)
	if res.StatusCode != http.StatusOK || done["dry_run"] != false || done["rows"] != dry["rows"] || done["pseudonym"] != dry["pseudonym"] {
		t.Fatalf("forget: %d %s\ndry run said %v", res.StatusCode, raw, dry)
	}
	if res, _, _ := call(t, "GET", ts.URL+"/api/v1/guests/G1", admin, ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("the forgotten guest's card: %d, want 404", res.StatusCode)
	}
	if res, _, _ := call(t, "POST", url, admin, `{"dry_run":false}`); res.StatusCode != http.StatusNotFound {
		t.Errorf("forgetting again: %d, want 404", res.StatusCode)
	}
	entries := auditOf(t, h, "forget")
	if len(entries) != 1 || entries[0].Target != done["pseudonym"] || entries[0].Actor == "" {
		t.Errorf("audit: %+v", entries)
	}
	if n := len(auditOf(t, h, "forget_dry_run")); n != 1 {
		t.Errorf("%d dry-run audit entries, want 1", n)
	}
}
