package api

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

// kpiBrowser signs in as who through the sign-in form and returns a client
// that keeps the session cookie and does not follow redirects.
func kpiBrowser(t *testing.T, h *hotel, ts *httptest.Server, who string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if who == "" {
		return client
	}
	_, form := kpiGet(t, client, ts.URL+"/ui/login")
	res, err := client.PostForm(ts.URL+"/ui/login", url.Values{"token": {h.tokens[who]}, "next": {"/ui/kpis"}, "csrf": {csrfOf(t, form)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", who, res.StatusCode)
	}
	return client
}

// kpiGet gets a page and reads it.
func kpiGet(t *testing.T, client *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// kpiCardOf is the HTML of one figure's card on the page.
func kpiCardOf(t *testing.T, page, code string) string {
	t.Helper()
	_, card, ok := strings.Cut(page, `id="kpi-`+code+`"`)
	if !ok {
		t.Fatalf("no card for %s", code)
	}
	card, _, _ = strings.Cut(card, "</article>")
	return card
}

// kpiSection is the HTML of one section of the page, by its id.
func kpiSection(t *testing.T, page, id string) string {
	t.Helper()
	_, sec, ok := strings.Cut(page, `<section id="`+id+`">`)
	if !ok {
		t.Fatalf("no section %s", id)
	}
	sec, _, _ = strings.Cut(sec, "</section>")
	return sec
}

// kpiPageIsSafe checks what the Content Security Policy would otherwise
// break in a browser: no inline style, no inline script, no NaN.
func kpiPageIsSafe(t *testing.T, page string) {
	t.Helper()
	if strings.Contains(page, "style=") {
		t.Error("the page has an inline style, which the CSP blocks")
	}
	for _, s := range strings.Split(page, "<script")[1:] {
		if !strings.HasPrefix(s, " src=") {
			t.Errorf("an inline script: <script%.40s", s)
		}
	}
	if strings.Contains(page, "NaN") || strings.Contains(page, "Inf") {
		t.Error("the page shows NaN or Inf")
	}
}

func TestUIKPIPageShowsEveryFigureWithWhatItCountedFrom(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	ts := h.server(t, Config{Now: afternoon, KPIStaleFor: -1})
	client := kpiBrowser(t, h, ts, "manager")
	res, page := kpiGet(t, client, ts.URL+"/ui/kpis?from=2026-11-01&to=2026-11-23")
	if res.StatusCode != 200 {
		t.Fatalf("kpis: %d\n%s", res.StatusCode, page)
	}
	kpiPageIsSafe(t, page)
	for _, want := range []string{`<svg class="chart"`, "2026-11-01 – 2026-11-23",
		"回头客比例", "平均满意度", "净推荐值", "24小时回访完成率", "每百次消费投诉数", "90天回访率"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The fixture: three stays departed on 2026-11-22, three callbacks due,
	// none made; one form on S1 scored 2, recommendation 3, a complaint.
	for code, want := range map[string][]string{
		"stays":                        {`class="kpi-value">3<`},
		"csat":                         {">2.00<", ">2 / 1<"},
		"top2_box":                     {">0.0%<", ">0 / 1<"},
		"nps":                          {">-100<", ">-1 / 1<"},
		"complaint_rate":               {">33.3<", ">1 / 3<"},
		"callback_sla":                 {">0.0%<", ">0 / 3<"},
		"repeat_guest_rate":            {">0.0%<", ">0 / 3<"},
		"revisit_rate_90d":             {">—<", ">0 / 0<"}, // no 90-day window has closed yet
		"reach_rate":                   {">—<", ">0 / 0<"},
		"median_revisit_interval_days": {">—<", ">n = 0<"},
	} {
		card := kpiCardOf(t, page, code)
		for _, w := range want {
			if !strings.Contains(card, w) {
				t.Errorf("card %s lacks %q:\n%s", code, w, card)
			}
		}
		if !strings.Contains(card, "<details><summary>") || !strings.Contains(card, `title="`) {
			t.Errorf("card %s has no definition to tap or hover", code)
		}
	}
	if n := strings.Count(kpiSection(t, page, "trend"), `<svg class="chart"`); n != 8 {
		t.Errorf("%d trend charts, want 8", n)
	}
	butlers := kpiSection(t, page, "by-butler")
	for _, want := range []string{"李伟香", "B01", "郭笑颜", "宋雅婷", ">2 / 1<"} {
		if !strings.Contains(butlers, want) {
			t.Errorf("the butlers' table lacks %q", want)
		}
	}
	if strings.Contains(butlers, "回头客比例") {
		t.Error("the butlers' table shows the repeat-guest rate, which is not per butler")
	}
	if teams := kpiSection(t, page, "by-team"); !strings.Contains(teams, "客服管家") || !strings.Contains(teams, "餐饮管家") {
		t.Errorf("the teams' table: %s", teams)
	}
	if outlets := kpiSection(t, page, "by-outlet"); !strings.Contains(outlets, "<table") || strings.Contains(outlets, "24小时回访完成率") {
		t.Errorf("the outlets' table: %s", outlets)
	}
	if bt := kpiSection(t, page, "backtest"); !strings.Contains(bt, "尚无回测") {
		t.Errorf("without an analysis the backtest does not say so: %s", bt)
	}
}

func TestUIKPIPageIsForManagersAndAdmins(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	for _, tc := range []struct {
		who    string
		status int
	}{
		{"", http.StatusSeeOther}, {"marketing", 403}, {"butler B01", 403}, {"lead B09", 403},
		{"manager", 200}, {"admin", 200},
	} {
		res, page := kpiGet(t, kpiBrowser(t, h, ts, tc.who), ts.URL+"/ui/kpis")
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", orNobody(tc.who), res.StatusCode, tc.status)
		}
		switch tc.status {
		case http.StatusSeeOther:
			if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/ui/login") {
				t.Errorf("nobody is sent to %q, not to sign in", loc)
			}
		case 403:
			if strings.Contains(page, "kpi-grid") || !strings.Contains(page, "此页面不对您的角色开放") {
				t.Errorf("%s sees the figures or no reason", tc.who)
			}
		}
	}
}

func TestUIKPIPageInEnglish(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	res, page := kpiGet(t, kpiBrowser(t, h, ts, "manager"), ts.URL+"/ui/kpis?from=2026-11-01&to=2026-11-23&lang=en")
	if res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	for _, want := range []string{"Repeat-guest rate", "CSAT (mean overall score)", "Callback SLA (closed within 24 h)",
		"Complaints per 100 stays", "By butler", "Targeting backtest", "Promoters (9–10) minus detractors"} {
		if !strings.Contains(page, want) {
			t.Errorf("the English page lacks %q", want)
		}
	}
	if strings.Contains(page, "回头客比例") || strings.Contains(page, "平均满意度") {
		t.Error("the English page shows Chinese labels")
	}
}

func TestUIKPIPageDefaultsAndRefusals(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	client := kpiBrowser(t, h, ts, "manager")
	// The clock's yesterday is 2026-11-21: twelve months from 1 December.
	res, page := kpiGet(t, client, ts.URL+"/ui/kpis")
	if res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	for _, want := range []string{`name="from" value="2025-12-01"`, `name="to" value="2026-11-21"`, `<option value="month" selected>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the default filter lacks %s", want)
		}
	}
	// The stays departed on the 22nd, after the default period: the bars
	// (stays and room nights) are twelve months of none.
	if trend := kpiSection(t, page, "trend"); strings.Count(trend, "<rect") != 2*12 ||
		!strings.Contains(trend, "<title>2025-12 (2025-12-01 – 2025-12-31): 0</title>") ||
		!strings.Contains(trend, "<title>2026-11 (2026-11-01 – 2026-11-21): 0</title>") {
		t.Errorf("the default trend is not twelve months:\n%s", trend)
	}
	_, page = kpiGet(t, client, ts.URL+"/ui/kpis?from=2026-11-01&to=2026-11-23&group_by=week")
	if !strings.Contains(page, "2026-W48") || !strings.Contains(page, `<option value="week" selected>`) {
		t.Error("a weekly trend does not show its weeks")
	}
	for _, bad := range []struct{ query, says string }{
		{"from=yesterday", "YYYY-MM-DD"},
		{"from=2026-11-30&to=2026-11-01", "起始日不能晚于截止日"},
		{"from=2020-01-01&to=2026-11-01", "最长三年"},
		{"group_by=butler", "按周或按月"},
	} {
		res, page := kpiGet(t, client, ts.URL+"/ui/kpis?"+bad.query)
		if res.StatusCode != 400 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s, want a 400 page", bad.query, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(page, bad.says) || !strings.Contains(page, `<form method="get" action="/ui/kpis"`) {
			t.Errorf("%s: the page does not say %q beside the filter", bad.query, bad.says)
		}
	}
}

func TestUIKPIPageOfAnEmptyPeriod(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	res, page := kpiGet(t, kpiBrowser(t, h, ts, "manager"), ts.URL+"/ui/kpis?from=2020-01-01&to=2020-03-31&group_by=week")
	if res.StatusCode != 200 {
		t.Fatalf("%d\n%s", res.StatusCode, page)
	}
	kpiPageIsSafe(t, page)
	if card := kpiCardOf(t, page, "csat"); !strings.Contains(card, ">—<") || !strings.Contains(card, ">0 / 0<") {
		t.Errorf("CSAT without forms: %s", card)
	}
	if card := kpiCardOf(t, page, "stays"); !strings.Contains(card, `class="kpi-value">0<`) {
		t.Errorf("no stays is zero stays: %s", card)
	}
	// Counts are 0 and money adds up to nothing; a rate over no night is "—".
	for code, want := range map[string]string{"room_nights": `class="kpi-value">0<`, "room_revenue": `class="kpi-value">¥0.00<`,
		"adr": `class="kpi-value">—<`} {
		if card := kpiCardOf(t, page, code); !strings.Contains(card, want) {
			t.Errorf("%s of an empty period lacks %s: %s", code, want, card)
		}
	}
	trend := kpiSection(t, page, "trend")
	if strings.Count(trend, "暂无数据") != 6 || strings.Contains(trend, "<circle") {
		t.Errorf("the charts of a period without data:\n%s", trend)
	}
	for _, id := range []string{"by-outlet", "by-team", "by-butler"} {
		if sec := kpiSection(t, page, id); strings.Contains(sec, "<table") || !strings.Contains(sec, "暂无数据") {
			t.Errorf("%s without data: %s", id, sec)
		}
	}
}

func TestUIKPIPageShowsTheTargetingBacktest(t *testing.T) {
	h := newHotel(t)
	mae, lift := 0.25, 0.4
	err := h.w.SaveAnalysis(context.Background(), &warehouse.AnalysisRun{
		AsOf: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ComputedAt: time.Date(2026, 11, 21, 2, 0, 0, 0, shanghai),
		SelectedModel: "bgnbd", Message: "ok", TimingsJSON: "{}",
		Backtests: []warehouse.BacktestResult{
			{Model: "bgnbd", HoldoutDays: 90, Guests: 40, MAE: &mae, PredictedTotal: 12.34, ActualTotal: 11, TopDecileLift: &lift, Selected: true},
			{Model: "mbgnbd", HoldoutDays: 90, Guests: 40, PredictedTotal: 9, ActualTotal: 11},
		}})
	if err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{Now: afternoon})
	_, page := kpiGet(t, kpiBrowser(t, h, ts, "manager"), ts.URL+"/ui/kpis?from=2026-11-01&to=2026-11-23")
	bt := kpiSection(t, page, "backtest")
	selected, other, _ := strings.Cut(bt, "MBG/NBD")
	for _, want := range []string{"BG/NBD", "已选用", "2026-11-20", ">12.3<", ">11.0<", ">0.25<", "40.0% · 4.0×"} {
		if !strings.Contains(selected, want) {
			t.Errorf("the selected model's row lacks %q:\n%s", want, bt)
		}
	}
	if !strings.Contains(other, ">9.0<") || strings.Contains(other, "已选用") || !strings.Contains(other, ">—<") {
		t.Errorf("the other model's row:\n%s", other)
	}
}

// TestUIKPISpecsCoverEveryFigure keeps the page in step with the
// warehouse: a new figure must be given a kind, a label and a definition.
func TestUIKPISpecsCoverEveryFigure(t *testing.T) {
	typ := reflect.TypeFor[warehouse.KPIs]()
	if typ.NumField() != len(kpiSpecs) {
		t.Fatalf("warehouse.KPIs has %d figures, the page knows %d", typ.NumField(), len(kpiSpecs))
	}
	var k warehouse.KPIs
	v := reflect.ValueOf(&k).Elem()
	for i, sp := range kpiSpecs {
		code, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if code != sp.code {
			t.Errorf("figure %d is %s, the page has %s", i, code, sp.code)
		}
		f := &warehouse.Figure{Numerator: int64(i)}
		v.Field(i).Set(reflect.ValueOf(f))
		if sp.of(&k) != f {
			t.Errorf("%s reads another field", sp.code)
		}
		if reports.KPILabel(sp.code, money.CNY) == sp.code {
			t.Errorf("%s has no label", sp.code)
		}
		for _, lang := range []string{"zh", "en"} {
			if d := translate(lang, "kpis.def."+sp.code); d == "kpis.def."+sp.code {
				t.Errorf("%s has no definition in %s", sp.code, lang)
			}
		}
	}
}

func TestUIKPILabelsPickTheirLanguage(t *testing.T) {
	for _, tc := range []struct{ label, zh, en string }{
		{"回头客比例 Repeat-guest rate", "回头客比例", "Repeat-guest rate"},
		{"回访间隔中位数（天）Median revisit interval (days)", "回访间隔中位数（天）", "Median revisit interval (days)"},
		{"满意（4–5分）比例 Top-2-box share", "满意（4–5分）比例", "Top-2-box share"},
		{"客房 room", "客房", "room"},
		{"客服管家", "客服管家", "客服管家"},
		{"John Smith", "John Smith", "John Smith"},
	} {
		if zh, en := kpiPick("zh", tc.label), kpiPick("en", tc.label); zh != tc.zh || en != tc.en {
			t.Errorf("%q: %q / %q, want %q / %q", tc.label, zh, en, tc.zh, tc.en)
		}
	}
}

// chartIsWellFormed fails unless svg parses as XML and carries no inline style.
func chartIsWellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
	}
	if !strings.HasPrefix(svg, `<svg class="chart"`) || !strings.Contains(svg, `viewBox="0 0 400 200"`) || strings.Contains(svg, "style=") {
		t.Errorf("not a chart of fixed viewBox without inline style:\n%s", svg)
	}
}

func TestChartEscapesEveryText(t *testing.T) {
	for _, kind := range []chartKind{chartLine, chartBars} {
		svg := string(chart{Title: `<script>alert("t")</script>`, Kind: kind, Empty: "<b>none</b>", Points: []chartPoint{
			{Label: "<script>x</script>", Value: 1, Known: true, Tip: `"><script>tip</script>`},
			{Label: "a&b", Value: 2, Known: true},
		}}.SVG())
		chartIsWellFormed(t, svg)
		if strings.Contains(svg, "<script") || !strings.Contains(svg, "&lt;script&gt;x&lt;/script&gt;") || !strings.Contains(svg, "a&amp;b") {
			t.Errorf("labels not escaped:\n%s", svg)
		}
	}
}

func TestChartOfNoValuesSaysSo(t *testing.T) {
	for name, points := range map[string][]chartPoint{
		"no points":     nil,
		"only unknowns": {{Label: "2026-10"}, {Label: "2026-11"}},
	} {
		svg := string(chart{Title: "CSAT", Empty: "No data", Points: points}.SVG())
		chartIsWellFormed(t, svg)
		if !strings.Contains(svg, ">No data</text>") || strings.Contains(svg, "<circle") || strings.Contains(svg, "<polyline") {
			t.Errorf("%s:\n%s", name, svg)
		}
	}
}

func TestChartOfOnePointIsAPointWithItsTooltip(t *testing.T) {
	svg := string(chart{Title: "NPS", Format: func(v float64) string { return formatFloat(v, 0) },
		Points: []chartPoint{{Label: "2026-11", Value: 40, Known: true}}}.SVG())
	chartIsWellFormed(t, svg)
	if strings.Count(svg, "<circle") != 1 || strings.Contains(svg, "<polyline") {
		t.Errorf("one point:\n%s", svg)
	}
	for _, want := range []string{"<title>2026-11: 40</title>", ">2026-11</text>", ">40</text>", ">0</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("one point lacks %q (its tooltip, its label, the max and min):\n%s", want, svg)
		}
	}
}

func TestChartBreaksTheLineWhereAStepHadNoData(t *testing.T) {
	points := []chartPoint{{Label: "1", Value: 1, Known: true}, {Label: "2", Value: 2, Known: true}, {Label: "3"},
		{Label: "4", Value: 3, Known: true}, {Label: "5", Value: 4, Known: true}, {Label: "6"}, {Label: "7", Value: 5, Known: true}}
	svg := string(chart{Points: points}.SVG())
	chartIsWellFormed(t, svg)
	if n, m := strings.Count(svg, "<polyline"), strings.Count(svg, "<circle"); n != 2 || m != 5 {
		t.Errorf("%d line pieces and %d points, want 2 and 5:\n%s", n, m, svg)
	}
	bars := string(chart{Kind: chartBars, Points: points}.SVG())
	if n := strings.Count(bars, "<rect"); n != 5 {
		t.Errorf("%d bars, want 5", n)
	}
}

func TestChartLabelsAtMostAFewStepsOfALongAxis(t *testing.T) {
	for n, want := range map[int][]int{0: nil, 1: {0}, 3: {0, 1, 2}, 5: {0, 1, 2, 3, 4}, 12: {0, 3, 6, 9}, 53: {0, 13, 26, 39, 52}} {
		if got := labelledSteps(n); !reflect.DeepEqual(got, want) {
			t.Errorf("%d steps: labels at %v, want %v", n, got, want)
		}
	}
}
