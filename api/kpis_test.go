package api

import (
	"math"
	"net/http"
	"testing"
	"time"
)

// figure reads one figure of a KPI group as numerator, denominator, value;
// a null value reads as NaN.
func figure(t *testing.T, group any, name string) (num, den, val float64) {
	t.Helper()
	g, _ := group.(map[string]any)
	kpis, _ := g["kpis"].(map[string]any)
	f, ok := kpis[name].(map[string]any)
	if !ok {
		t.Fatalf("no figure %s in %v", name, g)
	}
	v, present := f["value"]
	if !present {
		t.Fatalf("figure %s has no value: %v", name, f)
	}
	val = math.NaN()
	if v != nil {
		val = v.(float64)
	}
	return f["numerator"].(float64), f["denominator"].(float64), val
}

func TestKPIsRolesAndParameters(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	u := ts.URL + "/api/v1/kpis"
	h.matrix(t, http.MethodGet, u, "", everyRoleBut(map[string]int{"admin": 200, "manager": 200}))
	for _, bad := range []string{"?from=2026-11-30&to=2026-11-01", "?from=yesterday", "?group_by=planet",
		"?from=2020-01-01&to=2026-11-01"} {
		res, body, _ := call(t, http.MethodGet, u+bad, h.tokens["manager"], "")
		wantProblem(t, "kpis"+bad, res, body, 400)
	}
}

func TestKPIsCountFromTheWarehouseAndFollowItsChanges(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	ts := h.server(t, Config{Now: afternoon, KPIStaleFor: -1})
	u := ts.URL + "/api/v1/kpis?from=2026-11-01&to=2026-11-23&group_by=butler"
	tok := h.tokens["manager"]
	res, body, raw := call(t, http.MethodGet, u, tok, "")
	if res.StatusCode != 200 {
		t.Fatalf("kpis: %d %s", res.StatusCode, raw)
	}
	if num, den, val := figure(t, body["total"], "stays"); num != 3 || den != 1 || val != 3 {
		t.Errorf("stays %v/%v = %v, want the count of 3 departures", num, den, val)
	}
	if num, den, val := figure(t, body["total"], "csat"); num != 2 || den != 1 || val != 2 {
		t.Errorf("csat %v/%v = %v, want the one form's 2", num, den, val)
	}
	if num, den, _ := figure(t, body["total"], "callback_sla"); num != 0 || den != 3 {
		t.Errorf("callback SLA %v/%v before any call", num, den)
	}
	groups, _ := body["groups"].([]any)
	keys := map[string]bool{}
	for _, g := range groups {
		keys[g.(map[string]any)["key"].(string)] = true
	}
	if !keys["B01"] || !keys["B02"] || !keys["C01"] {
		t.Errorf("groups by butler: %v", keys)
	}

	// A closing call changes the figures at once when no staleness is
	// allowed: the cached report is not answered once the warehouse changed.
	task := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"])
	if res, out, _ := call(t, http.MethodPost, task+"/attempts", h.tokens["butler B01"], `{"version":1,"disposition":"reached_satisfied","score":5}`); res.StatusCode != 200 {
		t.Fatalf("attempt: %d %v", res.StatusCode, out)
	}
	_, body, _ = call(t, http.MethodGet, u, tok, "")
	if num, den, _ := figure(t, body["total"], "callback_sla"); num != 1 || den != 3 {
		t.Errorf("callback SLA %v/%v after one call closed within 24 h", num, den)
	}
	if num, den, _ := figure(t, body["total"], "reach_rate"); num != 1 || den != 1 {
		t.Errorf("reach rate %v/%v", num, den)
	}
}

func TestKPIsAnswerTheCachedReportWhileAFreshOneIsComputed(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, KPIStaleFor: time.Hour})
	u := ts.URL + "/api/v1/kpis?from=2026-11-01&to=2026-11-23"
	tok := h.tokens["manager"]
	_, body, _ := call(t, http.MethodGet, u, tok, "")
	first := body["computed_at"]
	if num, _, _ := figure(t, body["total"], "callback_sla"); num != 0 {
		t.Fatalf("callback SLA numerator %v before any call", num)
	}
	task := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"])
	call(t, http.MethodPost, task+"/attempts", h.tokens["butler B01"], `{"version":1,"disposition":"reached_satisfied","score":5}`)
	// The next answer may be the cached one, and says when it was computed;
	// the fresh report replaces it as soon as it is ready.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body, _ = call(t, http.MethodGet, u, tok, "")
		num, _, _ := figure(t, body["total"], "callback_sla")
		if num == 1 {
			if body["computed_at"] == nil {
				t.Error("the fresh report does not say when it was computed")
			}
			return
		}
		if body["computed_at"] != first {
			t.Fatalf("a report computed at %v still misses the call", body["computed_at"])
		}
		if time.Now().After(deadline) {
			t.Fatal("the cached report was never refreshed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
