package reports

import (
	"context"
	"time"

	"revisit/reports/export"
	"revisit/warehouse"
)

// Exports a caller can ask for by name.
const (
	ExportGuests  = "guests"
	ExportTargets = "targets"
)

// yuan turns fen into yuan for Money columns.
func yuan(cents int64) float64 { return float64(cents) / 100 }

func yuanPtr(cents *float64) any {
	if cents == nil {
		return nil
	}
	return *cents / 100
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func intOrNil(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func dateOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// guestColumns are the guests export's columns. Keys are a contract.
var guestColumns = []export.Column{
	{Key: "guest_id", TitleZH: "客户编号", TitleEN: "Guest ID", Kind: export.Text, Explain: "主档案的 PMS 客户编号 / PMS id of the guest's primary profile"},
	{Key: "name", TitleZH: "姓名", TitleEN: "Name", Kind: export.Text, Explain: "最新档案姓名 / name on the latest profile"},
	{Key: "title", TitleZH: "称谓", TitleEN: "Title", Kind: export.Text, Explain: "称呼 / form of address"},
	{Key: "vip_level", TitleZH: "会员等级", TitleEN: "Member level", Kind: export.Text, Explain: "最新会员等级 / latest member level"},
	{Key: "mobile", TitleZH: "手机", TitleEN: "Mobile", Kind: export.Mobile, Explain: "手机（已遮蔽）/ mobile, masked"},
	{Key: "visits", TitleZH: "来访次数", TitleEN: "Visits", Kind: export.Integer, Explain: "来访次数（同一天或重叠的消费合为一次）/ visits: stays that overlap or share a day are one"},
	{Key: "repeat_visits", TitleZH: "回访次数", TitleEN: "Repeat visits", Kind: export.Integer, Explain: "首次之后的来访次数 / visits after the first"},
	{Key: "first_visit", TitleZH: "首次到店", TitleEN: "First visit", Kind: export.Date, Explain: "首次到店日期 / day of the first arrival"},
	{Key: "last_visit", TitleZH: "上次离店", TitleEN: "Last visit", Kind: export.Date, Explain: "最近一次离店日期 / day the last visit ended"},
	{Key: "recency_days", TitleZH: "首末间隔天数", TitleEN: "Recency (days)", Kind: export.Integer, Explain: "首次到最近一次来访的天数（模型 t_x）/ days from first to last visit (the models' t_x)"},
	{Key: "age_days", TitleZH: "客龄天数", TitleEN: "Age (days)", Kind: export.Integer, Explain: "首次来访至统计日的天数（模型 T）/ days from first visit to the as-of day (the models' T)"},
	{Key: "days_since_last", TitleZH: "距上次天数", TitleEN: "Days since last", Kind: export.Integer, Explain: "上次离店至统计日的天数 / days since the last visit ended"},
	{Key: "typical_interval_days", TitleZH: "通常间隔天数", TitleEN: "Typical interval (days)", Kind: export.Decimal, Explain: "回访间隔中位数（下次到店减上次离店）/ median of next arrival − previous departure"},
	{Key: "expected_next", TitleZH: "预计下次来访", TitleEN: "Expected next visit", Kind: export.Date, Explain: "按本人节奏（或周年）预计的下次来访 / next visit by the guest's own rhythm (or anniversary)"},
	{Key: "days_overdue", TitleZH: "逾期天数", TitleEN: "Days overdue", Kind: export.Integer, Explain: "统计日减预计下次来访，负数为尚未到期 / as-of day − expected next visit; negative: not due yet"},
	{Key: "total_spend", TitleZH: "累计消费", TitleEN: "Total spend", Kind: export.Money, Explain: "累计消费（元）/ total spend, yuan"},
	{Key: "mean_spend", TitleZH: "次均消费", TitleEN: "Spend per visit", Kind: export.Money, Explain: "每次来访平均消费（元）/ mean spend per visit, yuan"},
	{Key: "favourite_outlet", TitleZH: "常去场所", TitleEN: "Favourite outlet", Kind: export.Text, Explain: "room / dining / banquet / conference"},
	{Key: "segment", TitleZH: "客户分群", TitleEN: "Segment", Kind: export.Text, Explain: "RFM 分群代码 / RFM segment code"},
	{Key: "segment_label", TitleZH: "分群名称", TitleEN: "Segment label", Kind: export.Text, Explain: "分群中英文名 / segment in Chinese and English"},
	{Key: "rfm", TitleZH: "RFM 分", TitleEN: "RFM scores", Kind: export.Text, Explain: "近度、频度、金额五分位（5 最好）/ recency, frequency, monetary quintiles, 5 best"},
	{Key: "p_alive", TitleZH: "仍为活跃客户概率", TitleEN: "P(alive)", Kind: export.Probability, Explain: "模型估计仍会再来的概率 / model probability the guest is still a guest"},
	{Key: "expected_visits_90d", TitleZH: "未来90天预计来访", TitleEN: "Expected visits, 90 days", Kind: export.Decimal, Explain: "模型预计未来 90 天来访次数 / expected visits in the next 90 days"},
	{Key: "expected_visits_365d", TitleZH: "未来365天预计来访", TitleEN: "Expected visits, 365 days", Kind: export.Decimal, Explain: "模型预计未来 365 天来访次数 / expected visits in the next 365 days"},
	{Key: "expected_spend", TitleZH: "预计次均消费", TitleEN: "Expected spend per visit", Kind: export.Money, Explain: "Gamma-Gamma 模型预计每次消费（元）/ Gamma-Gamma expected spend per visit, yuan"},
	{Key: "value_365d", TitleZH: "未来一年价值", TitleEN: "365-day value", Kind: export.Money, Explain: "预计来访 × 预计消费，折现（元）/ expected visits × spend, discounted, yuan"},
	{Key: "main_butler", TitleZH: "常服务管家", TitleEN: "Main butler", Kind: export.Text, Explain: "服务次数最多的管家员工号 / staff id of the butler who served the guest most"},
}

func guestRow(g *warehouse.GuestRow) []any {
	segZH, segEN := SegmentLabels(g.Segment)
	return []any{
		g.GuestID, g.Name, g.Title, g.VIPLevel, g.Mobile, g.Visits, g.Visits - 1, g.FirstVisit, g.LastVisit,
		g.RecencyDays, g.AgeDays, g.DaysSinceLast, floatOrNil(g.MedianIntervalDays), dateOrNil(g.ExpectedNext),
		intOrNil(g.DaysOverdue), yuan(g.TotalSpendCents), yuan(g.MeanSpendCents), g.FavouriteOutlet,
		g.Segment, segZH + " " + segEN, rfm(g.RScore, g.FScore, g.MScore), floatOrNil(g.PAlive),
		floatOrNil(g.ExpectedVisits90), floatOrNil(g.ExpectedVisits365), yuanPtr(g.ExpectedSpendCents),
		yuanPtr(g.Value365Cents), g.MainButler,
	}
}

func rfm(r, f, m int) string { return string([]byte{byte('0' + r), byte('0' + f), byte('0' + m)}) }

// targetColumns are the targets export's columns. Keys are a contract.
var targetColumns = []export.Column{
	{Key: "kind", TitleZH: "类别", TitleEN: "List", Kind: export.Text, Explain: "due 即将回访 / winback 挽回"},
	{Key: "priority", TitleZH: "优先级", TitleEN: "Priority", Kind: export.Decimal, Explain: "预计次均消费（元）× P(alive) × (1 + ln 来访次数)，越大越先 / expected spend × P(alive) × (1 + ln visits): larger first"},
	{Key: "guest_id", TitleZH: "客户编号", TitleEN: "Guest ID", Kind: export.Text, Explain: "主档案的 PMS 客户编号 / PMS id of the guest's primary profile"},
	{Key: "name", TitleZH: "姓名", TitleEN: "Name", Kind: export.Text, Explain: "最新档案姓名 / name on the latest profile"},
	{Key: "title", TitleZH: "称谓", TitleEN: "Title", Kind: export.Text, Explain: "称呼 / form of address"},
	{Key: "vip_level", TitleZH: "会员等级", TitleEN: "Member level", Kind: export.Text, Explain: "最新会员等级 / latest member level"},
	{Key: "mobile", TitleZH: "手机", TitleEN: "Mobile", Kind: export.Mobile, Explain: "手机（已遮蔽，完整号码需授权）/ mobile, masked unless the caller is entitled"},
	{Key: "due_date", TitleZH: "预计回访日", TitleEN: "Due", Kind: export.Date, Explain: "即将回访名单的预计日期 / expected visit day, for the due list"},
	{Key: "visits", TitleZH: "来访次数", TitleEN: "Visits", Kind: export.Integer, Explain: "来访次数 / visits"},
	{Key: "days_since_last", TitleZH: "距上次天数", TitleEN: "Days since last", Kind: export.Integer, Explain: "上次离店至统计日的天数 / days since the last visit ended"},
	{Key: "p_alive", TitleZH: "仍为活跃客户概率", TitleEN: "P(alive)", Kind: export.Probability, Explain: "模型估计仍会再来的概率 / model probability the guest is still a guest"},
	{Key: "segment", TitleZH: "客户分群", TitleEN: "Segment", Kind: export.Text, Explain: "RFM 分群代码 / RFM segment code"},
	{Key: "butler", TitleZH: "建议管家", TitleEN: "Suggested butler", Kind: export.Text, Explain: "服务该客人最多的管家 / the butler who served the guest most"},
	{Key: "favourite_outlet", TitleZH: "常去场所", TitleEN: "Favourite outlet", Kind: export.Text, Explain: "room / dining / banquet / conference"},
	{Key: "preferences", TitleZH: "喜好", TitleEN: "Preferences", Kind: export.Text, Explain: "客史档案中的喜好 / preferences from the guest history"},
	{Key: "reason_zh", TitleZH: "原因", TitleEN: "Reason (Chinese)", Kind: export.Text, Width: 60, Explain: "为何在名单上 / why the guest is on the list"},
	{Key: "reason_en", TitleZH: "原因（英文）", TitleEN: "Reason", Kind: export.Text, Width: 70, Explain: "why the guest is on the list, in English"},
}

func targetRow(t *warehouse.TargetRow) []any {
	return []any{
		t.Kind, t.Priority, t.GuestID, t.Name, t.Title, t.VIPLevel, t.Mobile, dateOrNil(t.DueDate), t.Visits,
		t.DaysSinceLast, floatOrNil(t.PAlive), t.Segment, t.ButlerID, t.FavouriteOutlet, t.Preferences,
		t.ReasonZH, t.ReasonEN,
	}
}

// ExportTable describes an export of asOf and the function that streams its
// rows from the warehouse.
func ExportTable(ctx context.Context, wh *warehouse.Warehouse, report string, asOf time.Time, unmasked bool) (export.Table, export.Rows, error) {
	summary := [][2]string{
		{"统计日 As of", asOf.Format(time.DateOnly)},
		{"生成时间 Generated", time.Now().Format(time.RFC3339)},
	}
	if !unmasked {
		summary = append(summary, [2]string{"手机 Mobiles", "已遮蔽 masked"})
	}
	switch report {
	case ExportGuests:
		t := export.Table{Name: "客户 Guests", Columns: guestColumns, Summary: summary, Unmasked: unmasked}
		return t, func(yield func([]any) error) error {
			return wh.GuestRows(ctx, asOf, func(g *warehouse.GuestRow) error { return yield(guestRow(g)) })
		}, nil
	case ExportTargets:
		t := export.Table{Name: "回访名单 Targets", Columns: targetColumns, Summary: summary, Unmasked: unmasked}
		return t, func(yield func([]any) error) error {
			return wh.TargetRows(ctx, asOf, func(r *warehouse.TargetRow) error { return yield(targetRow(r)) })
		}, nil
	}
	return export.Table{}, nil, errUnknownExport(report)
}

type errUnknownExport string

func (e errUnknownExport) Error() string {
	return "unknown export " + string(e) + ": guests or targets"
}
