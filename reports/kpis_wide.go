package reports

import (
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
)

// The KPI workbook for people: one row per group (the total first), one
// column per figure, each formatted as it reads (rates in per cent, counts
// whole, money in the hotel's currency, 0 / 0 blank). The CSV and JSON keep
// the long form of kpiColumns, whose keys programs read.

// kpiRateCodes and kpiCountCodes are the figures read as a share and as a
// number of things; the rest are means, medians and scores.
var (
	kpiRateCodes = map[string]bool{"repeat_guest_rate": true, "revisit_rate_90d": true, "revisit_rate_180d": true,
		"revisit_rate_365d": true, "top2_box": true, "open_complaints": true, "callback_sla": true, "reach_rate": true, "recovery_rate": true}
	kpiCountCodes = map[string]bool{"stays": true, "guests": true, "room_nights": true}
)

// kpiExportKind is how a figure's cell is formatted in the workbook.
func kpiExportKind(code string) export.ColumnKind {
	switch {
	case kpiRateCodes[code]:
		return export.Rate
	case kpiCountCodes[code]:
		return export.Integer
	case kpiMoneyCodes[code]:
		return export.Money
	}
	return export.Decimal
}

// kpiWideTable is the workbook's table and rows: a column for every figure
// some group has, in the order warehouse.KPIs declares them.
func kpiWideTable(r *KPIReport, cur money.Currency) ([]export.Column, [][]any) {
	groups := append([]KPIGroup{r.Total}, r.Groups...)
	groupBy := func(i int) string {
		if i == 0 {
			return "total"
		}
		return r.GroupBy
	}
	cols := []export.Column{
		{Key: "group_by", TitleZH: "分组方式", TitleEN: "Grouped by", Kind: export.Text,
			Explain: "total 合计 / day / week / month / outlet / team / butler。本表为宽表：每组一行，每个指标一列；CSV 为长表：每组每个指标一行 / this sheet is wide: a row per group, a column per KPI; the CSV is long: a row per group and KPI"},
		{Key: "group", TitleZH: "分组", TitleEN: "Group", Kind: export.Text, Explain: "分组的键：日期、周、月、场所、组别或员工号 / the group's key: a day, week, month, outlet, team or staff id"},
		{Key: "group_label", TitleZH: "分组名称", TitleEN: "Group label", Kind: export.Text, Width: 24, Explain: "分组的名称 / the group's name"},
	}
	t := reflect.TypeOf(warehouse.KPIs{})
	var fields []int
	for i := range t.NumField() {
		used := false
		for _, g := range groups {
			if f, ok := reflect.ValueOf(g.KPIs).Field(i).Interface().(*warehouse.Figure); ok && f != nil {
				used = true
			}
		}
		if !used {
			continue
		}
		code, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		zh, en := splitLabel(KPILabel(code, cur))
		fields = append(fields, i)
		cols = append(cols, export.Column{Key: code, TitleZH: zh, TitleEN: en, Kind: kpiExportKind(code),
			Explain: zh + " / " + en + "；无分母（0/0）或不适用时留空 / blank when there is nothing to divide (0/0) or it does not apply"})
	}
	rows := make([][]any, 0, len(groups))
	for gi, g := range groups {
		row := []any{groupBy(gi), g.Key, g.Label}
		v := reflect.ValueOf(g.KPIs)
		for _, i := range fields {
			var cell any // nil: a blank cell
			if f, _ := v.Field(i).Interface().(*warehouse.Figure); f != nil && f.Value != nil {
				cell = *f.Value
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	return cols, rows
}

// splitLabel splits a "中文 English" label at the end of its Chinese part
// (the last CJK or full-width character).
func splitLabel(label string) (zh, en string) {
	end := 0
	for i, r := range label {
		if r >= 0x3000 {
			end = i + utf8.RuneLen(r)
		}
	}
	if end == 0 {
		return label, label
	}
	return strings.TrimSpace(label[:end]), strings.TrimSpace(label[end:])
}
