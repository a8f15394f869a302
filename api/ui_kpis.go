package api

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

// kpisPage is /ui/kpis, the managers' page: every KPI of a period with its
// numerator and denominator, a weekly or monthly trend of the key ones,
// tables per outlet, team and butler, and how well the targeting models
// predicted who came back. Its four reports come from the KPI cache, so a
// manager reloading the page does not recompute them.
func (s *Server) kpisPage(c *gin.Context) {
	lang := uiLang(c)
	q, form, problem := s.kpiPageQuery(c)
	data := uiData{"CSS": "kpis.css", "Form": form}
	if problem != "" {
		c.Status(http.StatusBadRequest)
		data["Error"] = translate(lang, problem)
		s.render(c, "kpis", data)
		return
	}
	ctx := c.Request.Context()
	trend, at, err := s.kpis(ctx, q)
	if err != nil {
		s.kpiPageFailed(c, data, err)
		return
	}
	var tables []kpiTable
	for _, by := range []string{"outlet", "team", "butler"} {
		g := q
		g.GroupBy = by
		r, _, err := s.kpis(ctx, g)
		if err != nil {
			s.kpiPageFailed(c, data, err)
			return
		}
		tables = append(tables, kpiTableOf(lang, s.cfg.Currency, r))
	}
	period := trend.From + " – " + trend.To
	if trend.Property != "" {
		period += " · " + trend.Property
	}
	data["Period"] = period
	data["ComputedAt"] = at.In(s.loc()).Format("2006-01-02 15:04")
	data["Cutoff"] = trend.RevisitCutoff
	data["Cards"] = kpiCards(lang, s.cfg.Currency, trend.Total.KPIs)
	data["Trends"] = kpiTrends(lang, s.cfg.Currency, trend)
	data["Tables"] = tables
	data["Backtest"] = kpiBacktestRows(trend.Backtest)
	if data["Health"], err = s.kpiModelHealth(ctx, lang, q.To); err != nil {
		s.kpiPageFailed(c, data, err)
		return
	}
	if data["Campaigns"], err = s.campaignRows(ctx, lang, true); err != nil {
		s.kpiPageFailed(c, data, err)
		return
	}
	s.render(c, "kpis", data)
}

// kpiPageFailed shows a report that could not be made: the filter's fault
// on the page itself, anything else as the error page, logged.
func (s *Server) kpiPageFailed(c *gin.Context, data uiData, err error) {
	if errors.Is(err, warehouse.ErrBadKPIQuery) {
		c.Status(http.StatusBadRequest)
		data["Error"] = s.tr(c, "kpis.bad_query")
		s.render(c, "kpis", data)
		return
	}
	s.log.Error("kpi page failed", "request_id", requestID(c), "error", err)
	c.Status(http.StatusInternalServerError)
	s.render(c, "error", uiData{"Message": s.tr(c, "error.internal")})
}

// kpiForm is the filter as the manager wrote it, shown back in the form.
type kpiForm struct{ From, To, GroupBy, Property string }

// kpiPageQuery reads the filter. By default it is the twelve months ending
// yesterday, from the first of the month, so that a monthly trend has
// twelve points and only the latest one is partial. problem is the key of
// the text saying what is wrong with the filter, or "".
func (s *Server) kpiPageQuery(c *gin.Context) (q warehouse.KPIQuery, form kpiForm, problem string) {
	now := s.cfg.Now().In(s.loc())
	form = kpiForm{From: c.Query("from"), To: c.Query("to"), GroupBy: c.Query("group_by"), Property: strings.TrimSpace(c.Query("property"))}
	if form.To == "" {
		form.To = civilDay(now).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if form.GroupBy == "" {
		form.GroupBy = "month"
	}
	to, err := time.Parse(time.DateOnly, form.To)
	if err != nil {
		return q, form, "kpis.bad_date"
	}
	if form.From == "" {
		form.From = time.Date(to.Year(), to.Month()-11, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	from, err := time.Parse(time.DateOnly, form.From)
	switch {
	case err != nil:
		return q, form, "kpis.bad_date"
	case form.GroupBy != "week" && form.GroupBy != "month":
		return q, form, "kpis.bad_group"
	case to.Before(from):
		return q, form, "kpis.bad_order"
	case !to.Before(from.AddDate(3, 0, 0)):
		return q, form, "kpis.bad_range"
	}
	return warehouse.KPIQuery{From: from, To: to, Property: form.Property, GroupBy: form.GroupBy, Now: now}, form, ""
}

// kpiKind is how a figure reads: it decides the value's format, what is
// shown beneath it and the scale of its chart.
type kpiKind int

const (
	kpiCount   kpiKind = iota // a number of things: its value is the count
	kpiRate                   // a share, shown in per cent
	kpiScore                  // a mean score of 1 to 5
	kpiPoints                 // NPS, −100 to 100
	kpiPer100                 // per 100 stays
	kpiMedian                 // a median of days or hours; the denominator is the sample
	kpiRatio                  // a mean count, such as attempts per task
	kpiMoney                  // an amount in the hotel's currency (room revenue)
	kpiRate100                // money per unit (ADR): revenue in hundredths over nights
)

// kpiSpec is one figure of warehouse.KPIs, in the order it declares them.
type kpiSpec struct {
	code         string // the figure's JSON name, as in the API and the export
	kind         kpiKind
	trend, table bool // charted over time; a column of the outlet, team and butler tables
	of           func(*warehouse.KPIs) *warehouse.Figure
}

var kpiSpecs = []kpiSpec{
	{"stays", kpiCount, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.Stays }},
	{"guests", kpiCount, false, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.Guests }},
	{"room_nights", kpiCount, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.RoomNights }},
	{"room_revenue", kpiMoney, false, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.RoomRevenue }},
	{"adr", kpiRate100, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.ADR }},
	{"repeat_guest_rate", kpiRate, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.RepeatGuestRate }},
	{"revisit_rate_90d", kpiRate, false, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.RevisitRate90d }},
	{"revisit_rate_180d", kpiRate, false, false, func(k *warehouse.KPIs) *warehouse.Figure { return k.RevisitRate180d }},
	{"revisit_rate_365d", kpiRate, false, false, func(k *warehouse.KPIs) *warehouse.Figure { return k.RevisitRate365d }},
	{"median_revisit_interval_days", kpiMedian, false, false, func(k *warehouse.KPIs) *warehouse.Figure { return k.MedianRevisitIntervalDays }},
	{"csat", kpiScore, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.CSAT }},
	{"top2_box", kpiRate, false, false, func(k *warehouse.KPIs) *warehouse.Figure { return k.Top2Box }},
	{"nps", kpiPoints, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.NPS }},
	{"complaint_rate", kpiPer100, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.ComplaintRate }},
	{"complaint_resolution_hours", kpiMedian, false, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.ComplaintResolutionHours }},
	{"open_complaints", kpiRate, false, false, func(k *warehouse.KPIs) *warehouse.Figure { return k.OpenComplaints }},
	{"callback_sla", kpiRate, true, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.CallbackSLA }},
	{"reach_rate", kpiRate, false, true, func(k *warehouse.KPIs) *warehouse.Figure { return k.ReachRate }},
	{"attempts_per_task", kpiRatio, false, false, func(k *warehouse.KPIs) *warehouse.Figure { return k.AttemptsPerTask }},
	{"recovery_rate", kpiRate, false, false, func(k *warehouse.KPIs) *warehouse.Figure { return k.RecoveryRate }},
}

// known says whether f has a value: a count always does, a ratio over
// nothing (0 / 0) does not.
func (k kpiKind) known(f *warehouse.Figure) bool { return f != nil && f.Value != nil }

// number is what f measures.
func (k kpiKind) number(f *warehouse.Figure) float64 { return *f.Value }

// value is f's figure as shown: "—" when it has none (0 / 0), "" when it
// does not apply; money in cur.
func (k kpiKind) value(f *warehouse.Figure, cur money.Currency) string {
	switch {
	case f == nil:
		return ""
	case !k.known(f):
		return "—"
	}
	v := *f.Value
	switch k {
	case kpiMoney, kpiRate100:
		return moneyText(cur, v)
	case kpiRate:
		return kpiNumber(100*v, 1) + "%"
	case kpiScore, kpiRatio:
		return kpiNumber(v, 2)
	case kpiPoints, kpiCount:
		return kpiNumber(v, 0)
	}
	return kpiNumber(v, 1)
}

// fraction is what f was computed from, shown beneath it: "413 / 500", the
// size of a median's sample, or an ADR's revenue over its nights.
func (k kpiKind) fraction(f *warehouse.Figure, cur money.Currency) string {
	switch {
	case f == nil || k == kpiCount || k == kpiMoney:
		return ""
	case k == kpiMedian:
		return "n = " + strconv.FormatInt(f.Denominator, 10)
	case k == kpiRate100:
		return moneyText(cur, float64(f.Numerator)/100) + " / " + strconv.FormatInt(f.Denominator, 10)
	}
	return strconv.FormatInt(f.Numerator, 10) + " / " + strconv.FormatInt(f.Denominator, 10)
}

// axis labels a chart's y axis.
func (k kpiKind) axis(v float64) string {
	switch k {
	case kpiRate:
		return kpiNumber(100*v, 0) + "%"
	case kpiCount, kpiPoints, kpiMoney, kpiRate100:
		return kpiNumber(v, 0)
	}
	return kpiNumber(v, 1)
}

// kpiNumber formats v, without the "-0" rounding can leave.
func kpiNumber(v float64, digits int) string {
	s := formatFloat(v, digits)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	return s
}

// kpiCell is one figure as a page shows it.
type kpiCell struct{ Label, Value, Fraction string }

// kpiCard is one figure of the totals, with its definition.
type kpiCard struct {
	Code, Def string
	kpiCell
}

func kpiCards(lang string, cur money.Currency, k warehouse.KPIs) []kpiCard {
	cards := make([]kpiCard, 0, len(kpiSpecs))
	for _, sp := range kpiSpecs {
		f := sp.of(&k)
		cards = append(cards, kpiCard{Code: sp.code, Def: translate(lang, "kpis.def."+sp.code),
			kpiCell: kpiCell{Label: kpiLabel(lang, sp.code, cur), Value: sp.kind.value(f, cur), Fraction: sp.kind.fraction(f, cur)}})
	}
	return cards
}

// kpiTrend is one figure's chart over the weeks or months of the period.
type kpiTrend struct {
	Label, Def string
	SVG        template.HTML
}

func kpiTrends(lang string, cur money.Currency, r reports.KPIReport) []kpiTrend {
	var trends []kpiTrend
	for _, sp := range kpiSpecs {
		if !sp.trend {
			continue
		}
		ch := chart{Title: kpiLabel(lang, sp.code, cur), Format: sp.kind.axis, Empty: translate(lang, "kpis.no_data")}
		if sp.kind == kpiCount {
			ch.Kind = chartBars
		}
		if sp.kind == kpiScore {
			ch.Floor, ch.Ceil = 1, 5
		}
		for _, g := range r.Groups {
			f := sp.of(&g.KPIs)
			p := chartPoint{Label: g.Key, Known: sp.kind.known(f), Tip: g.Key + " (" + g.Label + "): " + sp.kind.value(f, cur)}
			if p.Known {
				p.Value = sp.kind.number(f)
				if fr := sp.kind.fraction(f, cur); fr != "" {
					p.Tip += " (" + fr + ")"
				}
			}
			ch.Points = append(ch.Points, p)
		}
		trends = append(trends, kpiTrend{Label: ch.Title, Def: translate(lang, "kpis.def."+sp.code), SVG: ch.SVG()})
	}
	return trends
}

// kpiTable is a report grouped by outlet, team or butler: the main figures
// that apply to the grouping, one row per group.
type kpiTable struct {
	ID, Title, GroupTitle string
	Columns               []kpiColumn
	Rows                  []kpiRow
}

type kpiColumn struct{ Label, Def string }

type kpiRow struct {
	Label, Key string // Key when the label alone does not name the group (a butler's staff id)
	Cells      []kpiCell
}

func kpiTableOf(lang string, cur money.Currency, r reports.KPIReport) kpiTable {
	t := kpiTable{ID: r.GroupBy, Title: translate(lang, "kpis.by_"+r.GroupBy), GroupTitle: translate(lang, "kpis.group_"+r.GroupBy)}
	var specs []kpiSpec
	for _, sp := range kpiSpecs {
		// A column when some group has the figure: room nights are the rooms
		// outlet's alone, and the restaurants' cells stay empty.
		if sp.table && slices.ContainsFunc(r.Groups, func(g reports.KPIGroup) bool { return sp.of(&g.KPIs) != nil }) {
			specs = append(specs, sp)
			t.Columns = append(t.Columns, kpiColumn{Label: kpiLabel(lang, sp.code, cur), Def: translate(lang, "kpis.def."+sp.code)})
		}
	}
	for _, g := range r.Groups {
		row := kpiRow{Label: kpiPick(lang, g.Label)}
		if r.GroupBy == "butler" && g.Key != "" {
			// A name is a name in every language; the staff id tells two of a name apart.
			row.Label, row.Key = g.Label, g.Key
		}
		for _, sp := range specs {
			f := sp.of(&g.KPIs)
			row.Cells = append(row.Cells, kpiCell{Label: kpiLabel(lang, sp.code, cur), Value: sp.kind.value(f, cur), Fraction: sp.kind.fraction(f, cur)})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// kpiBacktestRow is one targeting model's backtest, as shown.
type kpiBacktestRow struct {
	Model, AsOf                      string
	HoldoutDays                      int
	Guests                           int64
	Predicted, Actual, MAE, Captured string
	Selected                         bool
}

// kpiModelNames name the targeting models as the literature does.
var kpiModelNames = map[string]string{"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD"}

func kpiBacktestRows(bts []warehouse.KPIBacktest) []kpiBacktestRow {
	var rows []kpiBacktestRow
	for _, b := range bts {
		row := kpiBacktestRow{Model: b.Model, AsOf: b.AsOf, HoldoutDays: b.HoldoutDays, Guests: b.Guests,
			Predicted: kpiNumber(b.PredictedTotal, 1), Actual: kpiNumber(b.ActualTotal, 1), MAE: "—", Captured: "—", Selected: b.Selected}
		if name, ok := kpiModelNames[b.Model]; ok {
			row.Model = name
		}
		if b.MAE != nil {
			row.MAE = kpiNumber(*b.MAE, 2)
		}
		if b.TopDecileLift != nil {
			// A share of the returning guests: 10 % is what chance finds.
			row.Captured = kpiNumber(100**b.TopDecileLift, 1) + "% · " + kpiNumber(*b.TopDecileLift/0.1, 1) + "×"
		}
		rows = append(rows, row)
	}
	return rows
}

// kpiLabel names a figure in lang, as the KPI export does, money in cur.
func kpiLabel(lang, code string, cur money.Currency) string {
	return kpiPick(lang, reports.KPILabel(code, cur))
}

// kpiPick picks lang's half of a label written "中文 English", as the
// warehouse and the export write them: the Chinese runs to the last
// character beyond ASCII. A label not written so is shown whole.
func kpiPick(lang, label string) string {
	end := 0
	for i, r := range label {
		if r >= utf8.RuneSelf {
			end = i + utf8.RuneLen(r)
		}
	}
	zh, en := strings.TrimSpace(label[:end]), strings.TrimSpace(label[end:])
	switch {
	case zh == "" || en == "":
		return label
	case lang == "en":
		return en
	}
	return zh
}

func init() {
	addMessages(map[string][2]string{
		"kpis.title":           {"经营指标", "KPIs"},
		"kpis.from":            {"起始日", "From"},
		"kpis.to":              {"截止日", "To"},
		"kpis.group_by":        {"趋势按", "Trend by"},
		"kpis.week":            {"周", "Week"},
		"kpis.month":           {"月", "Month"},
		"kpis.property":        {"门店", "Property"},
		"kpis.computed_at":     {"计算于", "computed at"},
		"kpis.cutoff":          {"回访窗口截至", "revisit windows closed by"},
		"kpis.totals":          {"期间合计", "Totals of the period"},
		"kpis.tap_hint":        {"点按指标名称查看定义。", "Tap a figure's name for its definition."},
		"kpis.trend":           {"趋势", "Trend"},
		"kpis.no_data":         {"暂无数据", "No data"},
		"kpis.by_outlet":       {"按消费场所", "By outlet"},
		"kpis.by_team":         {"按组别", "By team"},
		"kpis.by_butler":       {"按管家", "By butler"},
		"kpis.group_outlet":    {"场所", "Outlet"},
		"kpis.group_team":      {"组别", "Team"},
		"kpis.group_butler":    {"管家", "Butler"},
		"kpis.backtest":        {"回访预测回测", "Targeting backtest"},
		"kpis.backtest_lead":   {"我们预测会回来的客人，实际回来了多少：模型在留出期内预测的回访次数与实际回访次数。", "Of the guests we predicted, how many came back: the visits each model predicted over a holdout period against the visits that happened."},
		"kpis.backtest_none":   {"尚无回测：夜间分析运行后显示。", "No backtest yet: it appears after the nightly analysis has run."},
		"kpis.bt_model":        {"模型", "Model"},
		"kpis.bt_as_of":        {"分析日", "Analysis of"},
		"kpis.bt_holdout":      {"留出天数", "Holdout days"},
		"kpis.bt_guests":       {"客人数", "Guests"},
		"kpis.bt_predicted":    {"预测回访", "Predicted visits"},
		"kpis.bt_actual":       {"实际回访", "Actual visits"},
		"kpis.bt_mae":          {"平均绝对误差", "MAE"},
		"kpis.bt_captured":     {"前10%命中", "Top-decile capture"},
		"kpis.bt_selected":     {"已选用", "selected"},
		"kpis.bt_mae_def":      {"每位客人预测与实际回访次数之差的平均绝对值，越小越好。", "The mean absolute difference between predicted and actual visits per guest: smaller is better."},
		"kpis.bt_captured_def": {"预测最高的10%客人找到了留出期内回访客人的多少；随机为10%，倍数为相对随机的提升。", "The share of the returning guests found among the top 10% of predictions; chance finds 10%, and the multiple is the lift over chance."},
		"kpis.bad_date":        {"日期格式应为 YYYY-MM-DD。", "Dates must be written YYYY-MM-DD."},
		"kpis.bad_group":       {"趋势只能按周或按月。", "The trend is by week or by month."},
		"kpis.bad_order":       {"起始日不能晚于截止日。", "The first day must not be after the last."},
		"kpis.bad_range":       {"期间最长三年。", "The period may span at most three years."},
		"kpis.bad_query":       {"无法按此条件计算指标。", "The figures cannot be computed for this filter."},

		"kpis.def.stays":                        {"期间内离店的住宿及各场所消费次数（按离店日）。", "Stays and outlet visits that departed in the period, by departure day."},
		"kpis.def.guests":                       {"期间内有离店消费的客人数，每人只计一次；不分管家或组别。", "Guests with a visit that departed in the period, each counted once; not per butler or team."},
		"kpis.def.room_nights":                  {"期间内售出的客房间夜数：仅计客房（客房类消费场所）；一次入住的间夜为到店日至离店日前一日的每个酒店当地日期，各计入其所在的日、周、月（1月30日至2月2日：1月2晚、2月1晚）；钟点房（当日离店）为0晚。", "Room nights sold in the period: room stays only; a stay's nights are the hotel-local dates from its arrival date up to, not including, its departure date, each counted in the day, week or month it falls in (30 Jan – 2 Feb: 2 nights in January, 1 in February); a day-use room (leaving the day it arrived) has 0 nights."},
		"kpis.def.room_revenue":                 {"客房消费按间夜平均分摊，计入各晚所在的期间；钟点房的消费计入其当日。未记录消费的入住只计间夜。", "Room stays' spend spread evenly over their nights, each share in the period its night falls in; a day-use room's spend on its date. A stay without a recorded spend adds nights only."},
		"kpis.def.adr":                          {"平均房价：客房收入 / 售出间夜数（含钟点房收入，不含其间夜）；无间夜时为“—”。", "Average daily rate: room revenue / room nights sold (day-use revenue included, its stays not counted as nights); \"—\" when no night was sold."},
		"kpis.def.repeat_guest_rate":            {"期间内离店的客人中，此前（任何时间、任何门店）来过的比例；不分管家或组别。", "Of the guests with a visit departing in the period, the share who had an earlier visit (any time, any property); not per butler or team."},
		"kpis.def.revisit_rate_90d":             {"首次来店于期间内离店、且90天窗口已结束的客人中，90天内再次到店的比例（按首次离店日）。", "Of the guests whose first visit ever departed in the period and whose 90-day window has closed, the share whose next visit arrived within 90 days; by first departure day."},
		"kpis.def.revisit_rate_180d":            {"同90天回访率，窗口为180天。", "As the 90-day revisit rate, within 180 days."},
		"kpis.def.revisit_rate_365d":            {"同90天回访率，窗口为365天。", "As the 90-day revisit rate, within 365 days."},
		"kpis.def.median_revisit_interval_days": {"下次到店日减上次离店日（天）的中位数，计下次到店在期间内的间隔；n 为间隔数。", "The median days from a departure to the guest's next arrival, over the intervals whose next arrival was in the period; n is the number of intervals."},
		"kpis.def.csat":                         {"期间内提交的意见表总体满意度（1–5分）平均值：分数之和 / 表数。", "The mean overall score (1–5) of the forms submitted in the period: the sum of scores / the forms."},
		"kpis.def.top2_box":                     {"期间内提交的意见表中，总体满意度为4或5分的比例。", "The share of the forms submitted in the period with an overall score of 4 or 5."},
		"kpis.def.nps":                          {"推荐者（9–10分）减贬损者（0–6分），除以有推荐意愿分数的表数；单位为分，−100至100。", "Promoters (9–10) minus detractors (0–6), over the forms with a recommendation score; in points, −100 to 100."},
		"kpis.def.complaint_rate":               {"期间内标为投诉的意见表数，每100次离店消费。", "Forms marked as a complaint, per 100 stays that departed in the period."},
		"kpis.def.complaint_resolution_hours":   {"期间内开启并已解决的补救个案，从开启到解决的小时数中位数；n 为已解决个案数；不分场所。", "The median hours from opened to resolved of the recovery cases opened in the period and resolved since; n is the resolved cases; not per outlet."},
		"kpis.def.open_complaints":              {"期间内开启、至今仍未解决的补救个案比例；不分场所。", "The share of the recovery cases opened in the period that are still unresolved; not per outlet."},
		"kpis.def.callback_sla":                 {"期间内到期的回访任务中，离店后24小时内结案（任何结案方式，含无法接通）的比例（按到期日）；不分场所。", "The share of the callback tasks due in the period closed within 24 h of departure (any closing code, unreachable included), by due day; not per outlet."},
		"kpis.def.reach_rate":                   {"期间内到期并已结案的回访任务中，接通客人的比例。", "Of the tasks due in the period that were closed, the share closed as reached."},
		"kpis.def.attempts_per_task":            {"期间内到期的回访任务的拨打次数 / 任务数。", "Call attempts on the tasks due in the period, per task."},
		"kpis.def.recovery_rate":                {"期间内到期任务的补救个案中，已解决的个案里挽回成功的比例。", "Of the resolved recovery cases of the tasks due in the period, the share resolved as recovered."},
	})
}
