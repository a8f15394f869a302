package api

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// load imports one more file into the hotel.
func (h *hotel) load(t *testing.T, name, body string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := load.Files(context.Background(), h.w, []string{p}, load.Options{RejectThreshold: 1,
		Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}})
	if err != nil || res[0].Status != load.StatusLoaded {
		t.Fatalf("load %s: %+v %v", name, res, err)
	}
}

// withFeedback gives G1 a complaint and an ID number and WeChat id, the
// personal data no card may show in full.
func (h *hotel) withFeedback(t *testing.T) {
	t.Helper()
	h.load(t, "guests2.csv", "客户编号,姓名,手机,证件号码,微信,喜好\nG1,张伟,13812345678,11010519491231002X,zhangwei88,高楼层 安静\n")
	h.load(t, "feedback.csv", "表单号,单号,填写时间,总体满意度,推荐意愿,意见建议,投诉\nF1,S1,2026-11-22 10:00,2,3,空调太吵,空调噪音整夜\n")
}

func TestGuestCardRolesAndScopes(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{})
	g1 := ts.URL + "/api/v1/guests/G1"
	h.matrix(t, http.MethodGet, g1, "", []roleCase{
		{"", 401}, {"butler B02", 404}, // G1 is B01's guest: B02 does not know of them
		{"admin", 200}, {"manager", 200}, {"marketing", 200}, {"butler B01", 200}, {"lead B09", 200},
	})
	h.matrix(t, http.MethodGet, ts.URL+"/api/v1/guests/G3", "", []roleCase{{"lead B09", 404}, {"manager", 200}})
	h.matrix(t, http.MethodGet, ts.URL+"/api/v1/guests/nobody", "", []roleCase{{"manager", 404}, {"butler B01", 404}})
}

func TestGuestCardShowsTheGuestButNoFullContact(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	ts := h.server(t, Config{})
	for _, who := range []string{"manager", "butler B01", "marketing", "admin"} {
		res, card, raw := call(t, http.MethodGet, ts.URL+"/api/v1/guests/G1", h.tokens[who], "")
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", who, res.StatusCode, raw)
		}
		if card["mobile"] != "138****5678" || card["name"] != "张伟" || card["id_last4"] != "002X" {
			t.Errorf("%s: contact %v %v %v", who, card["mobile"], card["name"], card["id_last4"])
		}
		for _, leak := range []string{"13812345678", "11010519491231002X", "zhangwei88"} {
			if strings.Contains(raw, leak) {
				t.Errorf("%s: the card holds %s in full", who, leak)
			}
		}
		if p, _ := card["preferences"].([]any); len(p) != 1 || p[0] != "高楼层 安静" {
			t.Errorf("%s: preferences %v", who, card["preferences"])
		}
		if st, _ := card["stays"].([]any); len(st) != 1 || card["stay_count"] != float64(1) {
			t.Errorf("%s: stays %v", who, card["stays"])
		}
		fb, _ := card["feedback"].([]any)
		if len(fb) != 1 {
			t.Fatalf("%s: feedback %v", who, card["feedback"])
		}
		form := fb[0].(map[string]any)
		cbs, _ := card["callbacks"].([]any)
		if who == "marketing" {
			if form["comment"] != nil || form["complaint_text"] != nil || strings.Contains(raw, "空调") {
				t.Errorf("marketing reads the complaint's text: %v", form)
			}
			if len(cbs) != 0 {
				t.Errorf("marketing sees callbacks: %v", cbs)
			}
			continue
		}
		if form["complaint_text"] != "空调噪音整夜" || form["complaint"] != true {
			t.Errorf("%s: the complaint %v", who, form)
		}
		if len(cbs) != 1 {
			t.Errorf("%s: callbacks %v", who, cbs)
		}
	}
}

func TestRevealContactIsScopedAndAudited(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	ts := h.server(t, Config{})
	url := ts.URL + "/api/v1/guests/G1/reveal-contact"
	body := `{"reason":"callback","task_id":` + itoa(h.taskOf["B01"]) + `}`
	h.matrix(t, http.MethodPost, url, body, []roleCase{
		{"", 401}, {"manager", 403}, {"marketing", 403}, {"butler B02", 404},
	})
	for _, bad := range []string{`{"reason":"curious"}`, `{"reason":"callback","mobile":"x"}`, `not json`, ``} {
		res, out, _ := call(t, http.MethodPost, url, h.tokens["butler B01"], bad)
		wantProblem(t, "reveal with "+bad, res, out, 400)
	}
	// A task named as the reason must be this guest's and the caller's.
	res, out, _ := call(t, http.MethodPost, url, h.tokens["butler B01"], `{"reason":"callback","task_id":`+itoa(h.taskOf["B02"])+`}`)
	wantProblem(t, "reveal for another butler's task", res, out, 404)
	res, out, _ = call(t, http.MethodPost, url, h.tokens["lead B09"], `{"reason":"callback","task_id":`+itoa(h.taskOf["B02"])+`}`)
	wantProblem(t, "reveal for another guest's task", res, out, 400)
	if log := auditOf(t, h, warehouse.AuditReveal); len(log) != 0 {
		t.Fatalf("refused reveals left audit entries: %+v", log)
	}
	res, out, _ = call(t, http.MethodPost, url, h.tokens["butler B01"], body)
	if res.StatusCode != 200 || out["mobile"] != "+8613812345678" || out["wechat"] != "zhangwei88" {
		t.Fatalf("reveal: %d %v", res.StatusCode, out)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("a revealed number may be cached: Cache-Control %q", cc)
	}
	log := auditOf(t, h, warehouse.AuditReveal)
	if len(log) != 1 || log[0].Action != warehouse.AuditReveal || log[0].Actor != "B01" || log[0].Role != roles.Butler ||
		log[0].Target != "guest G1" || log[0].Filter != "reason=callback task="+itoa(h.taskOf["B01"]) || log[0].ClientIP != "127.0.0.1" {
		t.Errorf("audit: %+v", log)
	}
}

// auditOf is the hotel's audit log of one action, newest first.
func auditOf(t *testing.T, h *hotel, action string) []warehouse.AuditEntry {
	t.Helper()
	all, err := h.w.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []warehouse.AuditEntry
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}
