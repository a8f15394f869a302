package api

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestUICampaignStartedFromDownloadsShowsItsResultInWords(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := dlSignIn(t, ts.URL, h.tokens["marketing"])
	_, page := b.get("/ui/downloads")
	if !strings.Contains(page, `id="new-campaign"`) || !strings.Contains(page, `action="/ui/campaigns"`) {
		t.Fatal("the downloads page offers no campaign form")
	}
	form := url.Values{"csrf": {csrfOf(t, page)}, "name": {"冬季回访"}, "kind": {"winback"}, "as_of": {"2026-11-22"},
		"holdout": {"0.5"}, "channel": {"wechat"}}
	res, raw := b.send(http.MethodPost, "/ui/campaigns", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	body := html.UnescapeString(string(raw))
	if res.StatusCode != 200 || !strings.Contains(body, "活动已发起：2 位客人待联系，2 位为对照组。") {
		t.Fatalf("start: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, "回来 0.0 % vs 对照组 0.0 %: +0.0 个百分点 (95 %:") || !strings.Contains(body, "窗口未结束") {
		t.Errorf("the result is not in words:\n%s", body)
	}
	_, en := b.get("/ui/campaigns?lang=en")
	en = html.UnescapeString(en)
	if !strings.Contains(en, "came back 0.0 % vs holdout 0.0 %: +0.0 points (95 %:") {
		t.Errorf("no English result:\n%s", en)
	}
	// Without the form's token nothing is drawn.
	form.Del("csrf")
	if res, _ := b.send(http.MethodPost, "/ui/campaigns", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); res.StatusCode != http.StatusForbidden {
		t.Errorf("a campaign without the CSRF token: %d, want 403", res.StatusCode)
	}
	// The managers' KPI page lists it once its window has closed.
	for _, c := range []struct {
		now    time.Time
		listed bool
	}{{time.Date(2026, 12, 1, 15, 0, 0, 0, shanghai), false}, {time.Date(2027, 2, 21, 9, 0, 0, 0, shanghai), true}} {
		now := c.now
		ts := h.server(t, Config{Now: func() time.Time { return now }})
		_, kpis := dlSignIn(t, ts.URL, h.tokens["manager"]).get("/ui/kpis")
		if got := strings.Contains(kpis, "冬季回访"); got != c.listed {
			t.Errorf("KPI page on %s lists the campaign: %v, want %v", now.Format(time.DateOnly), got, c.listed)
		}
	}
}
