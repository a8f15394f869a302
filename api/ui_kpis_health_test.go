package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// saveHealth stores an analysis of 2026-11-20 whose fits carry the health
// analyze writes into model_fits: BG/NBD regularised and used, MBG/NBD
// whose b ran to 0.0006 with a standard error 40 times itself, Gamma-Gamma
// well determined (its largest relative standard error is q's, 0.48/4 = 12 %).
func saveHealth(t *testing.T, h *hotel, selected, message string) {
	t.Helper()
	ll := -1234.5
	err := h.w.SaveAnalysis(context.Background(), &warehouse.AnalysisRun{
		AsOf: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ComputedAt: time.Date(2026, 11, 21, 2, 0, 0, 0, shanghai),
		SelectedModel: selected, Message: message, TimingsJSON: "{}",
		Fits: []warehouse.ModelFit{
			{Name: "bgnbd", LogLikelihood: &ll, Converged: true, Message: "all parameters estimated to within 30 %",
				Params: `{"name":"bgnbd","r":0.25,"alpha":30,"a":0.8,"b":2.5,"converged":true,"identified":true,"penalty":0.001,
					"why":"all parameters estimated to within 30 %","standard_errors":{"r":0.0125,"alpha":3,"a":0.2,"b":0.75}}`},
			{Name: "mbgnbd", LogLikelihood: &ll, Converged: true, Message: "b ran to 0.0006 with standard error 40×: the data cannot tell when guests drop out",
				Params: `{"name":"mbgnbd","r":0.2,"alpha":25,"a":0.165,"b":0.0006,"converged":true,"identified":false,"penalty":0,
					"why":"b ran to 0.0006 with standard error 40×: the data cannot tell when guests drop out","standard_errors":{"r":0.02,"alpha":2.5,"a":0.05,"b":0.024}}`},
			{Name: "gamma_gamma", LogLikelihood: &ll, Converged: true, Message: "all parameters estimated to within 12 %",
				Params: `{"name":"gamma_gamma","p":6,"q":4,"gamma":15,"converged":true,"identified":true,"penalty":0,
					"why":"all parameters estimated to within 12 %","standard_errors":{"p":0.6,"q":0.48,"gamma":1.5}}`},
		}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUIKPIPageShowsModelHealth(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	client := kpiBrowser(t, h, ts, "manager")
	const u = "/ui/kpis?from=2026-11-01&to=2026-11-23"

	_, page := kpiGet(t, client, ts.URL+u)
	if sec := kpiSection(t, page, "model-health"); !strings.Contains(sec, "尚无分析") {
		t.Errorf("before any analysis:\n%s", sec)
	}

	saveHealth(t, h, "bgnbd", "")
	_, page = kpiGet(t, client, ts.URL+u)
	kpiPageIsSafe(t, page)
	sec := kpiSection(t, page, "model-health")
	bg, rest, _ := strings.Cut(sec, "MBG/NBD")
	mbg, gg, _ := strings.Cut(rest, "Gamma-Gamma")
	for part, wants := range map[string][]string{
		bg:  {"2026-11-20 的回访名单使用 BG/NBD 模型。", "名单使用", "数据足以确定（已加正则化，权重 0.001）", "各参数的估计误差均在 30% 以内。"},
		mbg: {"数据不足以确定，未用于名单", "参数 b 估计为 0.0006，标准误为其 40 倍：数据无法判断客人何时不再回来。"},
		gg:  {"数据足以确定<", "各参数的估计误差均在 12% 以内。", "沿用前一晚的模型"},
	} {
		for _, want := range wants {
			if !strings.Contains(part, want) {
				t.Errorf("model health lacks %q:\n%s", want, part)
			}
		}
	}
	if strings.Contains(mbg, "名单使用</span>") || strings.Contains(gg, "名单使用</span>") {
		t.Errorf("a model the lists do not use is marked as used:\n%s", sec)
	}

	_, page = kpiGet(t, client, ts.URL+u+"&lang=en")
	sec = kpiSection(t, page, "model-health")
	for _, want := range []string{"Model health", "The targets of 2026-11-20 use BG/NBD.", "Pinned down by the data (regularised, weight 0.001)",
		"all parameters estimated to within 30 %", "Not pinned down by the data: not used for the lists",
		"b ran to 0.0006 with standard error 40×: the data cannot tell when guests drop out", "last night&#39;s model stays"} {
		if !strings.Contains(sec, want) {
			t.Errorf("English model health lacks %q:\n%s", want, sec)
		}
	}
}

func TestUIKPIPageSaysWhenNoModelIsUsed(t *testing.T) {
	h := newHotel(t)
	saveHealth(t, h, "rhythm", "no lifetime model fits the data well enough to target with")
	ts := h.server(t, Config{Now: afternoon})
	client := kpiBrowser(t, h, ts, "manager")
	_, page := kpiGet(t, client, ts.URL+"/ui/kpis?from=2026-11-01&to=2026-11-23")
	sec := kpiSection(t, page, "model-health")
	if !strings.Contains(sec, "未使用生命周期模型，只按每位客人自己的回访节奏") || strings.Contains(sec, "名单使用</span>") {
		t.Errorf("rhythm only:\n%s", sec)
	}
	_, page = kpiGet(t, client, ts.URL+"/ui/kpis?from=2026-11-01&to=2026-11-23&lang=en")
	sec = kpiSection(t, page, "model-health")
	if !strings.Contains(sec, "use no lifetime model: only each guest&#39;s own rhythm") || !strings.Contains(sec, "no lifetime model fits the data well enough") {
		t.Errorf("rhythm only, in English:\n%s", sec)
	}
	// A report of a period before the analysis does not show it.
	_, page = kpiGet(t, client, ts.URL+"/ui/kpis?from=2026-10-01&to=2026-11-19&lang=zh")
	if sec := kpiSection(t, page, "model-health"); !strings.Contains(sec, "尚无分析") {
		t.Errorf("a period ending before the analysis:\n%s", sec)
	}
}

// FuzzModelHealthOfStoredParams: whatever a fit's stored params JSON holds
// (an older analysis, a hand-edited row), the page says something in each
// language and never shows NaN, Inf or a Go formatting error.
func FuzzModelHealthOfStoredParams(f *testing.F) {
	f.Add(`{"r":0.2,"b":0.0006,"converged":true,"identified":false,"why":"b ran","standard_errors":{"r":0.02,"b":0.024}}`, true)
	f.Add(`{"converged":true,"identified":true,"penalty":1e-3,"standard_errors":{"p":0,"q":-1}}`, false)
	f.Add(`{"error":"x","why":"a ran to 5e8, the edge of the search"}`, false)
	f.Add(`{"standard_errors":{"b":1e308},"b":1e-308}`, true)
	f.Add(`{"standard_errors":{"b":1e308},"b":1e-308,"converged":true}`, true)
	f.Add(`{"standard_errors":{"b":1e308},"b":1e-308,"converged":true,"identified":true}`, true)
	f.Add(`not json`, false)
	f.Fuzz(func(t *testing.T, params string, selected bool) {
		for _, lang := range []string{"zh", "en"} {
			m := kpiHealthOf(lang, warehouse.ModelFit{Name: "mbgnbd", Params: params}, selected)
			text := m.Verdict + m.Why
			if m.Verdict == "" || strings.Contains(text, "NaN") || strings.Contains(text, "Inf") || strings.Contains(text, "%!") {
				t.Errorf("%s, params %q: verdict %q, why %q", lang, params, m.Verdict, m.Why)
			}
		}
	})
}
