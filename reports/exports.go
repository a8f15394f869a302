package reports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
)

// Exports a caller can ask for by name.
const (
	ExportGuests    = "guests"
	ExportTargets   = "targets"
	ExportCallbacks = "callbacks"
	ExportKPIs      = "kpis"
	ExportRejects   = "rejects"
	// ExportCampaign is a campaign's contact list (ExportRequest.Campaign).
	ExportCampaign = "campaign"
)

// ExportNames lists every export, in the order help texts show them.
var ExportNames = []string{ExportTargets, ExportGuests, ExportCallbacks, ExportKPIs, ExportRejects}

// yuan turns hundredths (fen) into the currency's units for Money columns.
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
	{Key: "vip_level", TitleZH: "会员等级", TitleEN: "Member level", Kind: export.Text, Explain: "最新会员等级 / latest member level", Label: bilingual(VIPLabels)},
	{Key: "mobile", TitleZH: "手机", TitleEN: "Mobile", Kind: export.Mobile, Explain: "手机（已遮蔽）/ mobile, masked"},
	{Key: "visits", TitleZH: "来访次数", TitleEN: "Visits", Kind: export.Integer, Explain: "来访次数（同一天或重叠的消费合为一次）/ visits: stays that overlap or share a day are one"},
	{Key: "repeat_visits", TitleZH: "回访次数", TitleEN: "Repeat visits", Kind: export.Integer, Explain: "首次之后的来访次数 / visits after the first"},
	{Key: "first_visit", TitleZH: "首次到店", TitleEN: "First visit", Kind: export.Date, Explain: "首次到店日期 / day of the first arrival"},
	{Key: "last_visit", TitleZH: "上次离店", TitleEN: "Last visit", Kind: export.Date, Explain: "最近一次离店日期 / day the last visit ended"},
	{Key: "recency_days", TitleZH: "首末间隔天数", TitleEN: "Recency (days)", Kind: export.Integer, Explain: "首次来访到店日期至最近一次来访到店日期的整天数（酒店当地日期，模型的 t_x；仅来过一次为 0）/ whole days from the first visit's arrival date to the last visit's arrival date, hotel-local (t_x of the models; 0 after one visit)"},
	{Key: "age_days", TitleZH: "客龄天数", TitleEN: "Age (days)", Kind: export.Integer, Explain: "首次来访到店日期至统计日的整天数（酒店当地日期，模型的 T；统计日当天首次来访为 0）/ whole days from the first visit's arrival date to the as-of date, hotel-local (T of the models; 0 for a first visit on the as-of date)"},
	{Key: "days_since_last", TitleZH: "距上次天数", TitleEN: "Days since last", Kind: export.Integer, Explain: "最近一次离店日期至统计日的整天数（酒店当地日期；统计日当天离店为 0）/ whole days from the last visit's departure date to the as-of date, hotel-local (0 when it ended on the as-of date)"},
	{Key: "typical_interval_days", TitleZH: "通常间隔天数", TitleEN: "Typical interval (days)", Kind: export.Decimal, Explain: "回访间隔中位数（下次到店减上次离店）/ median of next arrival − previous departure"},
	{Key: "expected_next", TitleZH: "预计下次来访", TitleEN: "Expected next visit", Kind: export.Date, Explain: "按本人节奏（或周年）预计的下次来访 / next visit by the guest's own rhythm (or anniversary)"},
	{Key: "days_overdue", TitleZH: "逾期天数", TitleEN: "Days overdue", Kind: export.Integer, Explain: "统计日减预计下次来访，负数为尚未到期 / as-of day − expected next visit; negative: not due yet"},
	{Key: "total_spend", TitleZH: "累计消费", TitleEN: "Total spend", Kind: export.Money, Explain: "累计消费（{元}）/ total spend, {yuan}"},
	{Key: "mean_spend", TitleZH: "次均消费", TitleEN: "Spend per visit", Kind: export.Money, Explain: "每次来访平均消费（{元}）/ mean spend per visit, {yuan}"},
	{Key: "favourite_outlet", TitleZH: "常去场所", TitleEN: "Favourite outlet", Kind: export.Text, Explain: "room / dining / banquet / conference", Label: bilingual(OutletLabels)},
	{Key: "segment", TitleZH: "客户分群", TitleEN: "Segment", Kind: export.Text, Explain: "RFM 分群（表格中为中英文名，CSV 为代码）/ RFM segment (words here, the code in the CSV)", Label: bilingual(SegmentLabels)},
	{Key: "segment_label", TitleZH: "分群名称", TitleEN: "Segment label", Kind: export.Text, Explain: "分群中英文名 / segment in Chinese and English"},
	{Key: "rfm", TitleZH: "RFM 分", TitleEN: "RFM scores", Kind: export.Text, Explain: "近度、频度、金额五分位（5 最好）/ recency, frequency, monetary quintiles, 5 best"},
	{Key: "p_alive", TitleZH: "仍为活跃客户概率", TitleEN: "P(alive)", Kind: export.Probability, Explain: "模型估计仍会再来的概率 / model probability the guest is still a guest"},
	{Key: "expected_visits_90d", TitleZH: "未来90天预计来访", TitleEN: "Expected visits, 90 days", Kind: export.Decimal, Explain: "模型预计未来 90 天来访次数 / expected visits in the next 90 days"},
	{Key: "expected_visits_365d", TitleZH: "未来365天预计来访", TitleEN: "Expected visits, 365 days", Kind: export.Decimal, Explain: "模型预计未来 365 天来访次数 / expected visits in the next 365 days"},
	{Key: "expected_spend", TitleZH: "预计次均消费", TitleEN: "Expected spend per visit", Kind: export.Money, Explain: "Gamma-Gamma 模型预计每次消费（{元}）/ Gamma-Gamma expected spend per visit, {yuan}"},
	{Key: "value_365d", TitleZH: "未来一年价值", TitleEN: "365-day value", Kind: export.Money, Explain: "预计来访 × 预计消费，折现（{元}）/ expected visits × spend, discounted, {yuan}"},
	{Key: "main_butler", TitleZH: "常服务管家", TitleEN: "Main butler", Kind: export.Text, Explain: "服务次数最多的管家（表格中为姓名和员工号，CSV 为员工号）/ the butler who served the guest most (name and staff id here, the staff id in the CSV)"},
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
	{Key: "kind", TitleZH: "类别", TitleEN: "List", Kind: export.Text, Explain: "due 即将回访 / winback 挽回", Label: bilingual(TargetKindLabels)},
	{Key: "priority", TitleZH: "优先级", TitleEN: "Priority", Kind: export.Decimal, Explain: "预计次均消费（{元}）× P(alive) × (1 + ln 来访次数)，越大越先 / expected spend ({yuan}) × P(alive) × (1 + ln visits): larger first"},
	{Key: "guest_id", TitleZH: "客户编号", TitleEN: "Guest ID", Kind: export.Text, Explain: "主档案的 PMS 客户编号 / PMS id of the guest's primary profile"},
	{Key: "name", TitleZH: "姓名", TitleEN: "Name", Kind: export.Text, Explain: "最新档案姓名 / name on the latest profile"},
	{Key: "title", TitleZH: "称谓", TitleEN: "Title", Kind: export.Text, Explain: "称呼 / form of address"},
	{Key: "vip_level", TitleZH: "会员等级", TitleEN: "Member level", Kind: export.Text, Explain: "最新会员等级 / latest member level", Label: bilingual(VIPLabels)},
	{Key: "mobile", TitleZH: "手机", TitleEN: "Mobile", Kind: export.Mobile, Explain: "手机（已遮蔽，完整号码需授权）/ mobile, masked unless the caller is entitled"},
	{Key: "due_date", TitleZH: "预计回访日", TitleEN: "Due", Kind: export.Date, Explain: "即将回访名单的预计日期 / expected visit day, for the due list"},
	{Key: "visits", TitleZH: "来访次数", TitleEN: "Visits", Kind: export.Integer, Explain: "来访次数 / visits"},
	{Key: "days_since_last", TitleZH: "距上次天数", TitleEN: "Days since last", Kind: export.Integer, Explain: "最近一次离店日期至统计日的整天数（酒店当地日期；统计日当天离店为 0）/ whole days from the last visit's departure date to the as-of date, hotel-local (0 when it ended on the as-of date)"},
	{Key: "p_alive", TitleZH: "仍为活跃客户概率", TitleEN: "P(alive)", Kind: export.Probability, Explain: "模型估计仍会再来的概率 / model probability the guest is still a guest"},
	{Key: "segment", TitleZH: "客户分群", TitleEN: "Segment", Kind: export.Text, Explain: "RFM 分群（表格中为中英文名，CSV 为代码）/ RFM segment (words here, the code in the CSV)", Label: bilingual(SegmentLabels)},
	{Key: "butler", TitleZH: "建议管家", TitleEN: "Suggested butler", Kind: export.Text, Explain: "服务该客人最多的管家（表格中为姓名和员工号，CSV 为员工号）/ the butler who served the guest most (name and staff id here, the staff id in the CSV)"},
	{Key: "favourite_outlet", TitleZH: "常去场所", TitleEN: "Favourite outlet", Kind: export.Text, Explain: "room / dining / banquet / conference", Label: bilingual(OutletLabels)},
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

// ExportRequest names one export and what it covers.
type ExportRequest struct {
	Report   string
	AsOf     time.Time // guests, targets: the analysed day
	Unmasked bool      // write full mobiles (only for callers entitled to them)
	// Callbacks: the tasks to export; the caller narrows it to its scope.
	Tasks warehouse.TaskFilter
	// Rejects: the rejected rows to export.
	Rejects warehouse.RejectFilter
	// Campaign: the campaign whose contact group to export.
	Campaign int64
	// KPIs: the figures to export, computed by the caller.
	KPIs *KPIReport
	// Wide writes the KPIs as people read them, a row per group and a
	// column per figure (the XLSX); false keeps the long form programs
	// read (CSV, JSON).
	Wide bool
	// Currency names the money in labels, explanations and number formats
	// (the zero value is CNY).
	Currency money.Currency
	Loc      *time.Location // the hotel's clock, for callbacks' times
	// Filter describes the request for the summary sheet and the audit log:
	// parameters, never personal data.
	Filter string
	// Summary adds lines to the summary sheet.
	Summary [][2]string
}

// ErrUnknownExport is returned for a report name that is not an export.
var ErrUnknownExport = errors.New("unknown export: targets, guests, callbacks, kpis or rejects")

// Export writes one export under audit. It reads from one snapshot of the
// warehouse: it counts the rows, commits the audit entry (action export,
// the report, the filter, the row count, who) before anything is written,
// then streams the same rows to write. A file therefore never leaves
// without its entry, and the entry's count is the file's. It returns the
// rows written.
func Export(ctx context.Context, wh *warehouse.Warehouse, req ExportRequest, audit warehouse.AuditEntry,
	write func(export.Table, export.Rows) (int, error)) (int, error) {
	if req.Loc == nil {
		req.Loc = time.UTC
	}
	var n int
	err := wh.InSnapshot(ctx, func(s *warehouse.Snapshot) error {
		table, count, rows, err := prepareExport(ctx, s, req)
		if err != nil {
			return err
		}
		audit.Action, audit.Target, audit.Filter, audit.Rows = warehouse.AuditExport, req.Report, req.Filter, count
		if req.Unmasked {
			audit.Filter = strings.TrimSpace(audit.Filter + " unmasked")
		}
		if err := s.Audit(ctx, audit); err != nil {
			return err
		}
		if n, err = write(table, rows); err != nil {
			return err
		}
		if int64(n) != count {
			return fmt.Errorf("reports: export %s wrote %d rows, its snapshot counted %d", req.Report, n, count)
		}
		return nil
	})
	return n, err
}

// prepareExport describes the export, counts its rows and returns their
// stream, all in snapshot s.
func prepareExport(ctx context.Context, s *warehouse.Snapshot, req ExportRequest) (export.Table, int64, export.Rows, error) {
	summary := [][2]string{{"生成时间 Generated", time.Now().In(req.Loc).Format(time.RFC3339)}}
	if req.Filter != "" {
		summary = append(summary, [2]string{"条件 Filter", req.Filter})
	}
	summary = append(summary, req.Summary...)
	if !req.Unmasked {
		summary = append(summary, [2]string{"手机 Mobiles", "已遮蔽 masked"})
	}
	summary = append(summary, [2]string{"货币 Currency", req.Currency.Code()})
	asOf := [2]string{"统计日 As of", req.AsOf.Format(time.DateOnly)}
	table, n, rows, err := prepareTable(ctx, s, req, summary, asOf)
	if err == nil {
		table.Columns, err = withStaffNames(ctx, s, table.Columns)
	}
	table.Columns = inCurrency(table.Columns, req.Currency)
	table.Currency = req.Currency
	return table, n, rows, err
}

// staffColumns are the columns that hold a staff id.
var staffColumns = map[string]bool{"main_butler": true, "butler": true, "owner": true, "escalated_to": true}

// withStaffNames labels each staff column of cols with the roster's names
// ("王芳 B005"), read in snapshot s: people read names, so the XLSX shows
// them; the CSV and JSON keep the ids programs join on. The roster is read
// only when cols has such a column.
func withStaffNames(ctx context.Context, s *warehouse.Snapshot, cols []export.Column) ([]export.Column, error) {
	if !slices.ContainsFunc(cols, func(c export.Column) bool { return staffColumns[c.Key] }) {
		return cols, nil
	}
	names, err := s.StaffNames(ctx)
	if err != nil {
		return cols, fmt.Errorf("reports: export: %w", err)
	}
	out := slices.Clone(cols)
	for i := range out {
		if staffColumns[out[i].Key] {
			out[i].Label = staffLabel(names)
		}
	}
	return out, nil
}

// inCurrency names cur in the columns' titles and explanations, where they
// say {code} (the ISO code), {元} (its Chinese name) and {yuan} (English).
func inCurrency(cols []export.Column, cur money.Currency) []export.Column {
	out := make([]export.Column, len(cols))
	names := strings.NewReplacer("{code}", cur.Code(), "{元}", cur.NameZH(), "{yuan}", cur.NameEN())
	for i, c := range cols {
		c.TitleZH, c.TitleEN, c.Explain = names.Replace(c.TitleZH), names.Replace(c.TitleEN), names.Replace(c.Explain)
		out[i] = c
	}
	return out
}

// prepareTable describes req's report, counts its rows and returns their stream.
func prepareTable(ctx context.Context, s *warehouse.Snapshot, req ExportRequest, summary [][2]string, asOf [2]string) (export.Table, int64, export.Rows, error) {
	switch req.Report {
	case ExportGuests:
		n, err := s.CountGuestRows(ctx, req.AsOf)
		t := export.Table{Name: "客户 Guests", Columns: guestColumns, Summary: append([][2]string{asOf}, summary...), Unmasked: req.Unmasked}
		return t, n, func(yield func([]any) error) error {
			return s.GuestRows(ctx, req.AsOf, func(g *warehouse.GuestRow) error { return yield(guestRow(g)) })
		}, err
	case ExportTargets:
		n, err := s.CountTargetRows(ctx, req.AsOf)
		t := export.Table{Name: "回访名单 Targets", Columns: targetColumns, Summary: append([][2]string{asOf}, summary...), Unmasked: req.Unmasked}
		return t, n, func(yield func([]any) error) error {
			return s.TargetRows(ctx, req.AsOf, func(r *warehouse.TargetRow) error { return yield(targetRow(r)) })
		}, err
	case ExportCampaign:
		n, err := s.CountCampaignList(ctx, req.Campaign)
		t := export.Table{Name: "活动名单 Campaign", Columns: targetColumns, Summary: append([][2]string{asOf}, summary...), Unmasked: req.Unmasked}
		return t, n, func(yield func([]any) error) error {
			return s.CampaignList(ctx, req.Campaign, func(r *warehouse.TargetRow) error { return yield(targetRow(r)) })
		}, err
	case ExportCallbacks:
		return callbackExport(ctx, s, req, summary)
	case ExportRejects:
		n, err := s.CountRejects(ctx, req.Rejects)
		t := export.Table{Name: "拒收行 Rejected rows", Columns: rejectColumns, Summary: summary, Unmasked: req.Unmasked}
		return t, n, func(yield func([]any) error) error {
			return s.RejectRows(ctx, req.Rejects, func(r *warehouse.RejectRecord) error { return yield(rejectRow(r)) })
		}, err
	case ExportKPIs:
		if req.KPIs == nil {
			return export.Table{}, 0, nil, errors.New("reports: the kpis export needs its figures")
		}
		rows, cols := kpiRows(req.KPIs, req.Currency), kpiColumns
		if req.Wide {
			cols, rows = kpiWideTable(req.KPIs, req.Currency)
			summary = append(summary, [2]string{"表格形式 Layout", "宽表：每组一行，每个指标一列（CSV 为长表）/ wide: a row per group, a column per KPI (the CSV is long)"})
		}
		t := export.Table{Name: "指标 KPIs", Columns: cols, Summary: summary, Unmasked: req.Unmasked}
		return t, int64(len(rows)), func(yield func([]any) error) error {
			for _, r := range rows {
				if err := yield(r); err != nil {
					return err
				}
			}
			return nil
		}, nil
	}
	return export.Table{}, 0, nil, fmt.Errorf("%w (not %q)", ErrUnknownExport, req.Report)
}

// callbackExport reads the tasks once (a period's callbacks are thousands,
// not millions) with their guests' names and mobiles.
func callbackExport(ctx context.Context, s *warehouse.Snapshot, req ExportRequest, summary [][2]string) (export.Table, int64, export.Rows, error) {
	t := export.Table{Name: "回访任务 Callbacks", Columns: callbackColumns, Summary: summary, Unmasked: req.Unmasked}
	f := req.Tasks
	f.Limit = 0
	tasks, err := s.Tasks(ctx, f)
	if err != nil {
		return t, 0, nil, err
	}
	ids := make([]string, 0, len(tasks))
	for _, tk := range tasks {
		ids = append(ids, tk.GuestID)
	}
	contacts, err := s.Contacts(ctx, ids)
	if err != nil {
		return t, 0, nil, err
	}
	return t, int64(len(tasks)), func(yield func([]any) error) error {
		for i := range tasks {
			if err := yield(callbackRow(&tasks[i], contacts[tasks[i].GuestID], req.Loc)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// callbackColumns are the callbacks export's columns. Keys are a contract.
var callbackColumns = []export.Column{
	{Key: "task_id", TitleZH: "任务号", TitleEN: "Task", Kind: export.Integer, Explain: "回访任务编号 / callback task number"},
	{Key: "guest_id", TitleZH: "客户编号", TitleEN: "Guest ID", Kind: export.Text, Explain: "主档案的 PMS 客户编号 / PMS id of the guest's primary profile"},
	{Key: "name", TitleZH: "姓名", TitleEN: "Name", Kind: export.Text, Explain: "最新档案姓名 / name on the latest profile"},
	{Key: "title", TitleZH: "称谓", TitleEN: "Title", Kind: export.Text, Explain: "称呼 / form of address"},
	{Key: "mobile", TitleZH: "手机", TitleEN: "Mobile", Kind: export.Mobile, Explain: "手机（已遮蔽）/ mobile, masked"},
	{Key: "owner", TitleZH: "负责管家", TitleEN: "Owner", Kind: export.Text, Explain: "首问负责的管家（表格中为姓名和员工号，CSV 为员工号）/ the butler who owns the call (name and staff id here, the staff id in the CSV)"},
	{Key: "priority", TitleZH: "优先级", TitleEN: "Priority", Kind: export.Integer, Explain: "1 投诉或低分，2 贵宾，3 首次入住，4 其他 / 1 complaint or low score, 2 VIP, 3 first visit, 4 everyone else"},
	{Key: "priority_reason", TitleZH: "优先原因", TitleEN: "Why this priority", Kind: export.Text, Width: 30, Explain: "优先级的原因 / why the task has its priority"},
	{Key: "status", TitleZH: "状态", TitleEN: "Status", Kind: export.Text, Explain: "open 进行中 / closed 已结束", Label: bilingual(StatusLabels)},
	{Key: "disposition", TitleZH: "结果", TitleEN: "Outcome", Kind: export.Text, Explain: "结束时的结果代码 / the closing code", Label: bilingual(dispositionLabels)},
	{Key: "departure_at", TitleZH: "离店时间", TitleEN: "Departed", Kind: export.DateTime, Explain: "离店时间（酒店时区）/ departure, hotel time"},
	{Key: "due_at", TitleZH: "应回访时间", TitleEN: "Due", Kind: export.DateTime, Explain: "离店后 24 小时 / 24 hours after departure"},
	{Key: "attempts", TitleZH: "拨打次数", TitleEN: "Attempts", Kind: export.Integer, Explain: "已拨打次数 / calls placed"},
	{Key: "score", TitleZH: "电话满意度", TitleEN: "Score on the call", Kind: export.Integer, Explain: "电话中客人给的满意度 1–5 / satisfaction 1–5 given on the call"},
	{Key: "escalated", TitleZH: "已升级", TitleEN: "Escalated", Kind: export.Text, Explain: "24 小时未结束，已报主管 / not closed within 24 h: the lead was told"},
	{Key: "escalated_to", TitleZH: "升级给", TitleEN: "Escalated to", Kind: export.Text, Explain: "主管（表格中为姓名和员工号，CSV 为员工号）/ the lead (name and staff id here, the staff id in the CSV)"},
	{Key: "closed_at", TitleZH: "结束时间", TitleEN: "Closed", Kind: export.DateTime, Explain: "任务结束时间（酒店时区）/ when the task closed, hotel time"},
	{Key: "within_24h", TitleZH: "24小时内完成", TitleEN: "Within 24 h", Kind: export.Text, Explain: "离店后 24 小时内结束 / closed within 24 hours of departure"},
}

func yesNo(b bool) string {
	if b {
		return "是 yes"
	}
	return "否 no"
}

func callbackRow(t *warehouse.Task, c warehouse.Contact, loc *time.Location) []any {
	var closed any
	within := ""
	if t.ClosedAt != nil {
		closed = t.ClosedAt.In(loc)
		within = yesNo(!t.ClosedAt.After(t.DueAt))
	}
	var score any
	if t.Score != nil {
		score = *t.Score
	}
	return []any{
		t.ID, t.GuestID, c.Name, c.Title, c.Mobile, t.Owner, t.Priority, t.PriorityReason, t.Status, t.Disposition,
		t.DepartureAt.In(loc), t.DueAt.In(loc), t.Attempts, score, yesNo(t.Escalated), t.EscalatedTo, closed, within,
	}
}

// rejectColumns are the rejected rows export's columns. Keys are a contract.
var rejectColumns = []export.Column{
	{Key: "import_id", TitleZH: "导入号", TitleEN: "Import", Kind: export.Integer, Explain: "导入编号 / import number"},
	{Key: "file", TitleZH: "文件", TitleEN: "File", Kind: export.Text, Width: 30, Explain: "导入的文件名 / the imported file's name"},
	{Key: "line", TitleZH: "行号", TitleEN: "Line", Kind: export.Integer, Explain: "文件中的行号（表头为第 1 行）/ line in the file, the header is line 1"},
	{Key: "column", TitleZH: "列", TitleEN: "Column", Kind: export.Text, Explain: "出问题的列 / the offending column"},
	{Key: "reason", TitleZH: "原因", TitleEN: "Reason", Kind: export.Text, Explain: "稳定的原因代码 / stable reason code", Label: bilingual(RejectReasonLabels)},
	{Key: "severity", TitleZH: "级别", TitleEN: "Severity", Kind: export.Text, Explain: "reject 整行拒收 / warning 仅丢弃该值 / reject: row refused; warning: value dropped", Label: bilingual(SeverityLabels)},
	{Key: "message", TitleZH: "说明", TitleEN: "Message", Kind: export.Text, Width: 50, Explain: "如何修正（表格中先列中文建议）/ what is wrong and how to fix it (here after advice in Chinese; the CSV keeps the English message)", RowLabel: rejectMessage},
	{Key: "value_masked", TitleZH: "原值（已遮蔽）", TitleEN: "Value (masked)", Kind: export.Text, Explain: "原值，个人信息已遮蔽 / the value, personal data masked"},
}

func rejectRow(r *warehouse.RejectRecord) []any {
	return []any{r.ImportID, r.File, r.Line, r.Column, r.Reason, r.Severity, r.Message, r.Value}
}
