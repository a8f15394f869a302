package reports

import (
	"reflect"
	"strings"

	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
)

// kpiColumns are the KPI export's columns: one row per group and figure,
// long rather than wide, so that Excel's filter and pivot table take it as
// it is. Keys are a contract.
var kpiColumns = []export.Column{
	{Key: "group_by", TitleZH: "分组方式", TitleEN: "Grouped by", Kind: export.Text, Explain: "total 合计 / day / week / month / outlet / team / butler"},
	{Key: "group", TitleZH: "分组", TitleEN: "Group", Kind: export.Text, Explain: "分组的键：日期、周、月、场所、组别或员工号 / the group's key: a day, week, month, outlet, team or staff id"},
	{Key: "group_label", TitleZH: "分组名称", TitleEN: "Group label", Kind: export.Text, Explain: "分组的名称 / the group's name"},
	{Key: "kpi", TitleZH: "指标代码", TitleEN: "KPI code", Kind: export.Text, Explain: "稳定的指标代码，与 API 的字段名相同 / stable code, the API's field name"},
	{Key: "kpi_label", TitleZH: "指标", TitleEN: "KPI", Kind: export.Text, Width: 30, Explain: "指标中英文名 / the KPI in Chinese and English"},
	{Key: "numerator", TitleZH: "分子", TitleEN: "Numerator", Kind: export.Integer, Explain: "分子，供核对 / numerator, to check the figure"},
	{Key: "denominator", TitleZH: "分母", TitleEN: "Denominator", Kind: export.Integer, Explain: "分母，供核对 / denominator, to check the figure"},
	{Key: "value", TitleZH: "数值", TitleEN: "Value", Kind: export.Decimal, Explain: "指标值：计数为个数，比率为 0–1 的小数，金额以{元}计；无分母（0/0）时留空 / the figure: a count for counts, a fraction 0–1 for rates, {yuan} for money; blank when there is nothing to divide (0/0)"},
	{Key: "amount", TitleZH: "金额（{code}）", TitleEN: "Amount, {code}", Kind: export.Money, Explain: "金额类指标（客房收入、平均房价）的数值，以{元}计；其他指标留空 / the value of the money figures (room revenue, ADR) in {yuan}, formatted as money; blank for the others"},
}

// kpiMoneyCodes are the figures whose value is an amount of money.
var kpiMoneyCodes = map[string]bool{"room_revenue": true, "adr": true}

// kpiRows flattens a report: the total first, then each group, each with
// its figures in the order warehouse.KPIs declares them. A figure that does
// not apply to a grouping (nil) is left out; a figure without a value (0 / 0)
// has a blank value cell.
func kpiRows(r *KPIReport, cur money.Currency) [][]any {
	var out [][]any
	add := func(groupBy string, g KPIGroup) {
		v := reflect.ValueOf(g.KPIs)
		for i := range v.NumField() {
			f, ok := v.Field(i).Interface().(*warehouse.Figure)
			if !ok || f == nil {
				continue
			}
			key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			var amount *float64
			if kpiMoneyCodes[key] {
				amount = f.Value
			}
			out = append(out, []any{groupBy, g.Key, g.Label, key, KPILabel(key, cur), f.Numerator, f.Denominator, f.Value, amount})
		}
	}
	add("total", r.Total)
	for _, g := range r.Groups {
		add(r.GroupBy, g)
	}
	return out
}

// kpiLabels name each KPI code in Chinese and English.
var kpiLabels = map[string]string{
	"stays":                        "消费次数 Stays",
	"guests":                       "客人数 Guests",
	"room_nights":                  "客房间夜数 Room nights",
	"room_revenue":                 "客房收入（{code}）Room revenue, {code}",
	"adr":                          "平均房价（{code}）ADR, average daily rate, {code}",
	"repeat_guest_rate":            "回头客比例 Repeat-guest rate",
	"revisit_rate_90d":             "90天回访率 Revisit rate, 90 days",
	"revisit_rate_180d":            "180天回访率 Revisit rate, 180 days",
	"revisit_rate_365d":            "365天回访率 Revisit rate, 365 days",
	"median_revisit_interval_days": "回访间隔中位数（天）Median revisit interval (days)",
	"csat":                         "平均满意度 CSAT (mean overall score)",
	"top2_box":                     "满意（4–5分）比例 Top-2-box share",
	"nps":                          "净推荐值 NPS",
	"complaint_rate":               "每百次消费投诉数 Complaints per 100 stays",
	"complaint_resolution_hours":   "投诉解决时长中位数（小时）Median complaint resolution (hours)",
	"open_complaints":              "未解决投诉比例 Open complaints",
	"callback_sla":                 "24小时回访完成率 Callback SLA (closed within 24 h)",
	"reach_rate":                   "回访接通率 Reach rate",
	"attempts_per_task":            "每任务拨打次数 Attempts per task",
	"recovery_rate":                "服务补救成功率 Recovery rate",
}

// KPILabel names a KPI code in Chinese and English, money by cur's ISO
// code ("客房收入（CNY）Room revenue, CNY": a code, unlike a symbol, reads
// the same in both languages); an unknown code is returned as it is.
func KPILabel(code string, cur money.Currency) string {
	if l, ok := kpiLabels[code]; ok {
		return strings.ReplaceAll(l, "{code}", cur.Code())
	}
	return code
}
