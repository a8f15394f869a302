package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// The model-health section of /ui/kpis: which model tonight's targets rest
// on, and whether the data pin each fitted model down, in words a manager
// can act on. It reads the health analyze stored with each fit (the params
// JSON of model_fits: identified, why, standard_errors, penalty).

// kpiHealth is the section's content.
type kpiHealth struct {
	AsOf    string
	Uses    string // the sentence saying which model the targets use
	Message string // the analysis's own note, when it made one
	Models  []kpiHealthModel
}

// kpiHealthModel is one fitted model's health.
type kpiHealthModel struct {
	Model      string
	Selected   bool
	Identified bool
	Verdict    string // identified or not, in words
	Why        string // the reason, in the page's language
}

// kpiHealthNames name the models as the literature does.
var kpiHealthNames = map[string]string{"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "gamma_gamma": "Gamma-Gamma"}

// kpiModelHealth reads the latest analysis on or before the day to, and
// never one after today (a night once run for 9999-12-31); nil when there
// is none yet.
func (s *Server) kpiModelHealth(ctx context.Context, lang string, to time.Time) (*kpiHealth, error) {
	if today := s.today(); to.After(today) {
		to = today
	}
	run, err := s.wh.LatestAnalysisBefore(ctx, to.AddDate(0, 0, 1))
	if errors.Is(err, warehouse.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h := &kpiHealth{AsOf: run.AsOf.Format(time.DateOnly)}
	if name, ok := kpiHealthNames[run.SelectedModel]; ok {
		h.Uses = fmt.Sprintf(translate(lang, "kpis.health_uses"), h.AsOf, name)
	} else {
		h.Uses = fmt.Sprintf(translate(lang, "kpis.health_rhythm"), h.AsOf)
	}
	if lang == "en" && run.Message != "" {
		h.Message = run.Message // written in English by the analysis
	}
	for _, f := range run.Fits {
		h.Models = append(h.Models, kpiHealthOf(lang, f, f.Name == run.SelectedModel))
	}
	// The model the lists use first, then the repeat models, then spend.
	rank := func(m kpiHealthModel) int {
		if m.Selected {
			return 0
		}
		return 1 + slices.Index([]string{"BG/NBD", "MBG/NBD", "Gamma-Gamma"}, m.Model)
	}
	sort.SliceStable(h.Models, func(i, j int) bool { return rank(h.Models[i]) < rank(h.Models[j]) })
	return h, nil
}

// fitHealth is the health analyze stores in a fit's params JSON.
type fitHealth struct {
	Converged      bool               `json:"converged"`
	Identified     bool               `json:"identified"`
	Why            string             `json:"why"`
	Penalty        float64            `json:"penalty"`
	StandardErrors map[string]float64 `json:"standard_errors"`
	Error          string             `json:"error"`
}

// kpiHealthOf puts one fit's health in words. The English why is the one
// the analysis wrote; the Chinese is built from the same numbers.
func kpiHealthOf(lang string, f warehouse.ModelFit, selected bool) kpiHealthModel {
	m := kpiHealthModel{Model: f.Name, Selected: selected}
	if name, ok := kpiHealthNames[f.Name]; ok {
		m.Model = name
	}
	var h fitHealth
	var params map[string]any
	if json.Unmarshal([]byte(f.Params), &h) != nil || json.Unmarshal([]byte(f.Params), &params) != nil {
		m.Verdict = translate(lang, "kpis.health_unknown")
		return m
	}
	m.Identified = h.Identified
	switch {
	case h.Identified && h.Penalty > 0:
		m.Verdict = fmt.Sprintf(translate(lang, "kpis.health_ok_penalised"), strconv.FormatFloat(h.Penalty, 'g', -1, 64))
	case h.Identified:
		m.Verdict = translate(lang, "kpis.health_ok")
	default:
		m.Verdict = translate(lang, "kpis.health_not")
	}
	if lang == "en" {
		m.Why = h.Why
		return m
	}
	m.Why = healthWhyZH(h, params)
	return m
}

// healthParamZH says in Chinese what the data would have to show to pin a
// parameter down.
var healthParamZH = map[string]string{
	"r": "客人之间来访频率的差异", "alpha": "客人多久来一次", "a": "客人何时不再回来", "b": "客人何时不再回来",
	"p": "客人每次消费多少", "q": "客人之间消费的差异", "gamma": "客人每次消费多少",
}

// healthWhyZH is the why in Chinese: the largest relative standard error,
// and what it means.
func healthWhyZH(h fitHealth, params map[string]any) string {
	switch {
	case h.Error != "" && strings.Contains(h.Why, "edge of the search"):
		return "有参数跑到了搜索边界（趋于 0 或无穷大）：数据无法确定这个模型。"
	case h.Error != "":
		return "无法拟合：数据太少、没有回头客，或优化未收敛。"
	case !h.Converged:
		return "优化未收敛：估计值不是最优点。"
	case len(h.StandardErrors) == 0:
		return "似然函数在最优点处是平的：数据无法确定这个模型。"
	}
	worst, worstRSE, worstValue := "", -1.0, 0.0
	for _, k := range slices.Sorted(maps.Keys(h.StandardErrors)) {
		v, _ := params[k].(float64)
		if rse := h.StandardErrors[k] / v; v > 0 && rse > worstRSE {
			worst, worstRSE, worstValue = k, rse, v
		}
	}
	switch {
	case worst == "":
		return "未记录参数。"
	case h.Identified && !math.IsInf(worstRSE, 1):
		return fmt.Sprintf("各参数的估计误差均在 %.0f%% 以内。", math.Ceil(100*worstRSE))
	case strings.Contains(h.Why, "condition number"):
		return "似然函数沿某个参数组合几乎是平的：数据无法确定这个模型。"
	}
	rse := kpiNumber(100*worstRSE, 0) + "%"
	switch {
	case math.IsInf(worstRSE, 1):
		rse = "远大于估计值"
	case worstRSE >= 2:
		rse = "其 " + kpiNumber(worstRSE, 0) + " 倍"
	}
	return fmt.Sprintf("参数 %s 估计为 %s，标准误为%s：数据无法判断%s。", worst, strconv.FormatFloat(worstValue, 'g', 3, 64), rse, healthParamZH[worst])
}

func init() {
	addMessages(map[string][2]string{
		"kpis.health":              {"模型健康", "Model health"},
		"kpis.health_uses":         {"%s 的回访名单使用 %s 模型。", "The targets of %s use %s."},
		"kpis.health_rhythm":       {"%s 的回访名单未使用生命周期模型，只按每位客人自己的回访节奏。", "The targets of %s use no lifetime model: only each guest's own rhythm."},
		"kpis.health_rule":         {"选用规则：沿用前一晚的模型，除非另一模型对留出期的预测显著更好（z ≥ 3）；数据无法确定的模型从不用于名单。", "The rule: last night's model stays unless the other predicts the holdout significantly better (z ≥ 3); a model the data cannot pin down is never used for the lists."},
		"kpis.health_none":         {"尚无分析：夜间分析运行后显示。", "No analysis yet: it appears after the nightly analysis has run."},
		"kpis.health_ok":           {"数据足以确定", "Pinned down by the data"},
		"kpis.health_ok_penalised": {"数据足以确定（已加正则化，权重 %s）", "Pinned down by the data (regularised, weight %s)"},
		"kpis.health_not":          {"数据不足以确定，未用于名单", "Not pinned down by the data: not used for the lists"},
		"kpis.health_unknown":      {"未记录模型健康", "No health recorded"},
		"kpis.health_model":        {"模型", "Model"},
		"kpis.health_verdict":      {"是否可靠", "Verdict"},
		"kpis.health_why":          {"原因", "Why"},
		"kpis.health_selected":     {"名单使用", "used for the lists"},
	})
}
