package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestIdentityPageShowsEvidenceAndSplitsWithAPreviewFirst(t *testing.T) {
	// G1's daughter on his mobile with her own ID number (a conflict), and
	// G8 on G2's mobile with nothing to tell them apart (one guest, and on
	// the review list under another name).
	h := newHotel(t)
	h.withFeedback(t)
	h.load(t, "family.csv", "客户编号,姓名,手机,证件号码\nG9,张小雨,13812345678,110105199807150020\nG8,高娜,13900002222,\n")
	ts := h.server(t, Config{})

	manager := signedIn(t, ts.URL, h.tokens["manager"])
	if res, _ := manager.get("/ui/identity"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a manager on /ui/identity: %d", res.StatusCode)
	}
	admin := signedIn(t, ts.URL, h.tokens["admin"])
	res, page := admin.get("/ui/identity?guest=G1")
	if res.StatusCode != 200 || !strings.Contains(page, `href="/ui/identity"`) {
		t.Fatalf("the admin's page: %d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{`id="conflicts"`, "证件号不同", `href="/ui/identity?guest=G9"`, "138****5678", `id="review-wrong:G8:G2"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, "13812345678") {
		t.Error("the page shows a full mobile")
	}
	csrf := csrfOf(t, page)

	// The split button previews; nothing moves until the preview's button.
	res, page = admin.post("/ui/identity/split", url.Values{"csrf": {csrf}, "profile": {"G8"}, "dry_run": {"1"}})
	if res.StatusCode != 200 || !strings.Contains(page, "预览") || !strings.Contains(page, "档案：G8 从 G2 到 G8") || !strings.Contains(page, `id="confirm-change"`) {
		t.Fatalf("preview: %d\n%s", res.StatusCode, page)
	}
	if res, _ := admin.get("/ui/identity?guest=G8"); res.StatusCode != 200 {
		t.Fatalf("lookup: %d", res.StatusCode)
	} else if _, pg := admin.get("/ui/identity?guest=G8"); !strings.Contains(pg, "没有这个档案或客户") {
		t.Error("the preview made G8 a guest")
	}
	res, page = admin.post("/ui/identity/split", url.Values{"csrf": {csrf}, "profile": {"G8"}})
	if res.StatusCode != 200 || !strings.Contains(page, "已完成") {
		t.Fatalf("split: %d\n%s", res.StatusCode, page)
	}
	if _, pg := admin.get("/ui/identity?guest=G8"); !strings.Contains(pg, "管理员已拆分") {
		t.Errorf("G8's conflicts do not show the split:\n%s", pg)
	}

	// A merge across ID numbers is refused with the reason.
	res, page = admin.post("/ui/identity/merge", url.Values{"csrf": {csrf}, "profile": {"G9"}, "into": {"G1"}, "dry_run": {"1"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "hold different valid ID numbers") {
		t.Errorf("merge across IDs: %d\n%s", res.StatusCode, page)
	}
	// Without the CSRF token nothing happens.
	if res, _ := admin.post("/ui/identity/merge", url.Values{"profile": {"G8"}, "into": {"G2"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a post without CSRF: %d", res.StatusCode)
	}
}
