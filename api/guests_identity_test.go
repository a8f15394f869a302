package api

import (
	"net/http"
	"testing"
)

func TestGuestCardShowsWhyASharedMobileDidNotJoin(t *testing.T) {
	// G1's daughter books under his mobile with her own valid ID number: she
	// is her own guest, and the card says why.
	h := newHotel(t)
	h.withFeedback(t)
	h.load(t, "daughter.csv", "客户编号,姓名,手机,证件号码\nG9,张小雨,13812345678,110105199807150020\n")
	ts := h.server(t, Config{})
	for _, who := range []string{"admin", "manager", "butler B01", "marketing"} {
		res, card, raw := call(t, http.MethodGet, ts.URL+"/api/v1/guests/G1", h.tokens[who], "")
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", who, res.StatusCode, raw)
		}
		if p, _ := card["profiles"].([]any); len(p) != 2 { // G1 twice (two exports), never G9
			t.Errorf("%s: profiles %v", who, card["profiles"])
		}
		conflicts, _ := card["identity_conflicts"].([]any)
		if who == "butler B01" || who == "marketing" {
			if len(conflicts) != 0 {
				t.Errorf("%s sees another guest's conflict: %v", who, conflicts)
			}
			continue
		}
		want := map[string]any{"profile_id": "G1", "conflicts_with": "G9", "conflicts_with_guest": "G9", "evidence": "mobile", "reason": "id_number"}
		if len(conflicts) != 1 || !sameJSON(conflicts[0], want) {
			t.Errorf("%s: identity_conflicts %v, want [%v]", who, conflicts, want)
		}
	}
	_, other, _ := call(t, http.MethodGet, ts.URL+"/api/v1/guests/G9", h.tokens["admin"], "")
	if c, _ := other["identity_conflicts"].([]any); len(c) != 1 || c[0].(map[string]any)["conflicts_with_guest"] != "G1" {
		t.Errorf("G9's card: identity_conflicts %v", other["identity_conflicts"])
	}
}

// sameJSON compares a decoded JSON object with want, key by key.
func sameJSON(got any, want map[string]any) bool {
	m, ok := got.(map[string]any)
	if !ok || len(m) != len(want) {
		return false
	}
	for k, v := range want {
		if m[k] != v {
			return false
		}
	}
	return true
}
