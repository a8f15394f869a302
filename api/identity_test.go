package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse/identity"
)

func TestMergeAcrossIDNumbersIsAConflictWithTheReason(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t) // G1 now has a valid ID number
	h.load(t, "daughter.csv", "客户编号,姓名,手机,证件号码\nG9,张小雨,13812345678,110105199807150020\n")
	ts := h.server(t, Config{})
	for _, dry := range []string{"true", "false"} {
		res, body, _ := call(t, http.MethodPost, ts.URL+"/api/v1/identity/merge", h.tokens["admin"],
			`{"profile":"G9","into":"G1","dry_run":`+dry+`}`)
		wantProblem(t, "merge across ID numbers", res, body, http.StatusConflict)
		if body["rule"] != "id_conflict" || body["detail"] != "profile G9 cannot join guest G1: profiles G1 and G9 hold different valid ID numbers" {
			t.Errorf("dry_run %s: rule %v, detail %v", dry, body["rule"], body["detail"])
		}
	}
	for _, c := range []struct {
		body   string
		status int
	}{
		{`{"profile":"G9","into":"G1"}`, 400}, // dry_run must be said
		{`{"into":"G1","dry_run":true}`, 400},
		{`{"profile":"G9","dry_run":true}`, 400},
		{`{"profile":"NOPE","into":"G1","dry_run":true}`, 404},
		{`{"profile":"G9","into":"NOPE","dry_run":true}`, 404},
		{`{"profile":"G1","into":"G1","dry_run":true}`, 409},
	} {
		res, body, _ := call(t, http.MethodPost, ts.URL+"/api/v1/identity/merge", h.tokens["admin"], c.body)
		wantProblem(t, c.body, res, body, c.status)
	}
}

func TestSplitOverTheAPIMovesTheGuestAndItsOpenTask(t *testing.T) {
	// G8 books under G2's mobile: the data makes them one guest (G2, the
	// earlier profile), and G8's stay's callback is G2's task. The admin
	// splits them; the task follows G8.
	h := newHotel(t)
	h.load(t, "wife.csv", "客户编号,姓名,手机\nG8,李太太,13900002222\n")
	h.load(t, "wifestay.csv", "单号,客户编号,到店时间,离店时间,管家\nS8,G8,2026-11-23 15:00,2026-11-24 11:00,B02\n")
	ctx := context.Background()
	if _, err := callback.Generate(ctx, h.w, callback.GenerateOptions{AsOf: afternoon().AddDate(0, 0, 2), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{})
	res, rep, raw := call(t, http.MethodPost, ts.URL+"/api/v1/identity/split", h.tokens["admin"], `{"profile":"G8","dry_run":true}`)
	if res.StatusCode != 200 || rep["dry_run"] != true {
		t.Fatalf("dry run: %d %s", res.StatusCode, raw)
	}
	moves, _ := rep["moves"].([]any)
	tasks, _ := rep["tasks"].([]any)
	if len(moves) != 1 || !sameJSON(moves[0], map[string]any{"profile_id": "G8", "from": "G2", "to": "G8"}) || len(tasks) != 1 {
		t.Fatalf("dry run report: %s", raw)
	}
	if _, card := get(t, ts.URL+"/api/v1/guests/G8", h.tokens["admin"]); card["guest_id"] != nil {
		t.Fatal("a dry run made G8 a guest")
	}
	res, _, raw = call(t, http.MethodPost, ts.URL+"/api/v1/identity/split", h.tokens["admin"], `{"profile":"G8","dry_run":false}`)
	if res.StatusCode != 200 {
		t.Fatalf("split: %d %s", res.StatusCode, raw)
	}
	res, card := get(t, ts.URL+"/api/v1/guests/G8", h.tokens["admin"])
	if res.StatusCode != 200 {
		t.Fatalf("G8 is no guest after the split: %d", res.StatusCode)
	}
	cbs, _ := card["callbacks"].([]any)
	conflicts, _ := card["identity_conflicts"].([]any)
	if len(cbs) != 1 || len(conflicts) != 1 ||
		!sameJSON(conflicts[0], map[string]any{"profile_id": "G8", "conflicts_with": "G2", "conflicts_with_guest": "G2", "evidence": "mobile", "reason": "split"}) {
		t.Errorf("G8's card after the split: callbacks %v, conflicts %v", cbs, conflicts)
	}
	log, err := h.w.AuditLog(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Action != identity.AuditIdentitySplit || log[1].Action != identity.AuditIdentitySplitDryRun || log[0].Actor != "admin" {
		t.Errorf("audit: %+v", log)
	}
}

func TestReviewListOverTheAPI(t *testing.T) {
	// G7 checks in on G2's mobile under another name: a likely wrong merge.
	h := newHotel(t)
	h.load(t, "lent.csv", "客户编号,姓名,手机\nG7,高娜,13900002222\n")
	ts := h.server(t, Config{})
	res, body, raw := call(t, http.MethodGet, ts.URL+"/api/v1/identity/review", h.tokens["admin"], "")
	items, _ := body["items"].([]any)
	if res.StatusCode != 200 || len(items) != 1 {
		t.Fatalf("review list: %d %s", res.StatusCode, raw)
	}
	item := items[0].(map[string]any)
	if item["key"] != "wrong:G7:G2" || item["kind"] != "likely_wrong_merge" || item["suggested"] != "split G7" {
		t.Fatalf("item %v", item)
	}
	res, body, _ = call(t, http.MethodPost, ts.URL+"/api/v1/identity/review", h.tokens["admin"], `{"key":"wrong:G7:G2","decision":"maybe"}`)
	wantProblem(t, "a bad decision", res, body, http.StatusBadRequest)
	res, body, raw = call(t, http.MethodPost, ts.URL+"/api/v1/identity/review", h.tokens["admin"], `{"key":"wrong:G7:G2","decision":"confirm"}`)
	if res.StatusCode != 200 || body["change"] == nil {
		t.Fatalf("confirm: %d %s", res.StatusCode, raw)
	}
	if res, _ := get(t, ts.URL+"/api/v1/guests/G7", h.tokens["admin"]); res.StatusCode != 200 {
		t.Errorf("G7 is no guest of its own after the confirmed split: %d", res.StatusCode)
	}
	res, body, _ = call(t, http.MethodPost, ts.URL+"/api/v1/identity/review", h.tokens["admin"], `{"key":"wrong:G7:G2","decision":"dismiss"}`)
	wantProblem(t, "answering twice", res, body, http.StatusNotFound)
	if _, body := get(t, ts.URL+"/api/v1/identity/review", h.tokens["admin"]); len(body["items"].([]any)) != 0 {
		t.Errorf("the answered item is offered again: %v", body["items"])
	}
}
