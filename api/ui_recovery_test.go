package api

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
)

var caseVersion = regexp.MustCompile(`(?s)id="case-(\d+)".*?name="version" value="(\d+)"`)

// caseForm finds the version a page's form for the case carries.
func caseForm(t *testing.T, page string, id int64) string {
	t.Helper()
	for _, m := range caseVersion.FindAllStringSubmatch(page, -1) {
		if m[1] == itoa(id) {
			return m[2]
		}
	}
	t.Fatalf("no form for case %d on the page:\n%s", id, page)
	return ""
}

// kpiCases reads the open-complaint and recovery-rate figures a manager sees.
func kpiCases(t *testing.T, base, token string) (open, opened, recovered, resolved float64) {
	t.Helper()
	_, body, _ := call(t, http.MethodGet, base+"/api/v1/kpis?from=2026-11-01&to=2026-11-23", token, "")
	open, opened, _ = figure(t, body["total"], "open_complaints")
	recovered, resolved, _ = figure(t, body["total"], "recovery_rate")
	return open, opened, recovered, resolved
}

func TestButlerWorksARecoveryCaseOnTheirPageAndTheKPIsMove(t *testing.T) {
	h := newHotel(t)
	id := h.caseOf(t)
	ts := h.server(t, Config{Now: afternoon, KPIStaleFor: -1}) // KPIs always fresh
	if open, opened, recovered, resolved := kpiCases(t, ts.URL, h.tokens["manager"]); open != 1 || opened != 1 || recovered != 0 || resolved != 0 {
		t.Fatalf("before: open complaints %v/%v, recovery %v/%v; want 1/1 and 0/0", open, opened, recovered, resolved)
	}

	b := signedIn(t, ts.URL, h.tokens["butler B01"])
	_, page := b.get("/ui/callbacks")
	for _, want := range []string{"服务补救", "张伟", "客房部", "空调噪音太大", "11-23 17:00", "跟进中"} {
		if !strings.Contains(page, want) {
			t.Errorf("the butler's page does not show %q in its recovery section", want)
		}
	}
	if strings.Contains(page, `value="recovered"`) {
		t.Error("an open case offers 已补救 before it is taken up")
	}
	res, page := b.post("/ui/recovery/"+itoa(id), url.Values{"csrf": {csrfOf(t, page)}, "version": {caseForm(t, page, id)},
		"outcome": {""}, "note": {"已通知客房部"}, "back": {"callbacks"}})
	if res.StatusCode != 200 || !strings.Contains(page, "服务补救已更新") || !strings.Contains(page, `value="recovered"`) {
		t.Fatalf("taking the case up: %d\n%s", res.StatusCode, page)
	}
	res, page = b.post("/ui/recovery/"+itoa(id), url.Values{"csrf": {csrfOf(t, page)}, "version": {caseForm(t, page, id)},
		"outcome": {"recovered"}, "note": {"换房并致歉"}, "back": {"callbacks"}})
	if res.StatusCode != 200 || strings.Contains(page, `id="case-`+itoa(id)+`"`) || !strings.Contains(page, "没有待处理的服务补救") {
		t.Fatalf("resolving the case: %d\n%s", res.StatusCode, page)
	}
	// One case opened in the period, resolved as recovered: 0 of 1 still
	// open, 1 of 1 recovered.
	if open, opened, recovered, resolved := kpiCases(t, ts.URL, h.tokens["manager"]); open != 0 || opened != 1 || recovered != 1 || resolved != 1 {
		t.Errorf("after: open complaints %v/%v, recovery %v/%v; want 0/1 and 1/1", open, opened, recovered, resolved)
	}
}

func TestARefusedRecoveryShowsTheRuleInThePagesLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"zh", "内容刚被更新，请查看最新状态后再试。"},
		{"en", "changed meanwhile"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			h := newHotel(t)
			id := h.caseOf(t)
			ts := h.server(t, Config{Now: afternoon})
			b := signedIn(t, ts.URL, h.tokens["butler B01"])
			_, page := b.get("/ui/callbacks?lang=" + tc.lang)
			csrf, version := csrfOf(t, page), caseForm(t, page, id)
			// Someone else takes the case up first: the page's version is stale.
			if _, err := callback.WorkCase(context.Background(), h.w, callback.CaseChange{CaseID: id, Version: 1,
				Status: "in_progress", By: "B09", At: afternoon()}); err != nil {
				t.Fatal(err)
			}
			res, page := b.post("/ui/recovery/"+itoa(id), url.Values{"csrf": {csrf}, "version": {version}, "outcome": {""}, "back": {"callbacks"}})
			if res.StatusCode != http.StatusConflict || !strings.Contains(page, tc.want) {
				t.Errorf("a stale case on the %s page: %d, want 409 saying %q\n%s", tc.lang, res.StatusCode, tc.want, page)
			}
		})
	}
}

func TestARefusedCallShowsTheRuleInChineseOnTheChinesePage(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := signedIn(t, ts.URL, h.tokens["butler B01"])
	_, page := b.get("/ui/callbacks")
	task := h.taskOf["B01"]
	res, page := b.post("/ui/callbacks/"+itoa(task)+"/attempt", url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"},
		"disposition": {"reached_issue"}, "note": {"空调坏了"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "“有问题”需要选择负责处理的部门") {
		t.Errorf("有问题 without a department: %d\n%s", res.StatusCode, page)
	}
	if strings.Contains(page, "reached_issue needs department") {
		t.Error("the Chinese page shows the English refusal")
	}
}

func TestTheLeadSeesTheTeamsCasesOverdueFirstAndWorksThem(t *testing.T) {
	h := newHotel(t)
	b01 := h.caseOf(t)
	ctx := context.Background()
	// B02's issue was raised an hour earlier: its case falls due first.
	if _, err := callback.Record(ctx, h.w, callback.DefaultRules(shanghai), callback.Attempt{TaskID: h.taskOf["B02"], By: "B02",
		At: afternoon().Add(-time.Hour), Disposition: callback.ReachedIssue, Department: "餐饮部", Note: "早餐太凉"}, callback.DefaultRecoveryDue); err != nil {
		t.Fatal(err)
	}
	// C01 is another team's: not on B09's board.
	if _, err := callback.Record(ctx, h.w, callback.DefaultRules(shanghai), callback.Attempt{TaskID: h.taskOf["C01"], By: "C01",
		At: afternoon(), Disposition: callback.ReachedIssue, Department: "工程部", Note: "热水不热"}, callback.DefaultRecoveryDue); err != nil {
		t.Fatal(err)
	}
	// A day and a half later both of B09's are overdue.
	later := func() time.Time { return afternoon().Add(36 * time.Hour) }
	ts := h.server(t, Config{Now: later})
	lead := signedIn(t, ts.URL, h.tokens["lead B09"])
	_, page := lead.get("/ui/team?lang=en")
	sec := page[strings.Index(page, `id="recovery"`):]
	first, second := strings.Index(sec, "早餐太凉"), strings.Index(sec, "空调噪音太大")
	if first < 0 || second < 0 || first > second || strings.Contains(sec, "热水不热") || strings.Count(sec, "Overdue") != 2 {
		t.Fatalf("the lead's recovery section, the earliest due first, the team's only, both overdue:\n%s", sec)
	}
	res, page := lead.post("/ui/recovery/"+itoa(b01), url.Values{"csrf": {csrfOf(t, page)}, "version": {caseForm(t, page, b01)},
		"outcome": {""}, "back": {"team"}})
	if res.StatusCode != 200 || !res.Request.URL.Query().Has("recovered") || !strings.Contains(page, "Service recovery updated") {
		t.Fatalf("the lead takes B01's case up: %d %s\n%s", res.StatusCode, res.Request.URL, page)
	}
	// C01's case is not the lead's to work.
	other, err := h.w.RecoveryCases(ctx, h.taskOf["C01"])
	if err != nil || len(other) != 1 {
		t.Fatal(other, err)
	}
	res, page = lead.post("/ui/recovery/"+itoa(other[0].ID), url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"}, "back": {"team"}})
	if res.StatusCode != http.StatusNotFound || !strings.Contains(page, "not yours to work") {
		t.Errorf("another team's case: %d\n%s", res.StatusCode, page)
	}
}
