package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

func init() {
	addMessages(map[string][2]string{
		"dl.title": {"名单下载", "Downloads"},
		"dl.note": {"下载的手机号码均已遮蔽；每次下载都会记录下载人、条件和行数。",
			"Mobile numbers in downloads are masked; every download is recorded with who, the filter and the row count."},
		"dl.targets.name": {"回访名单", "Targets"},
		"dl.targets.about": {"本次分析选出的即将回访与待挽回客人：类别、优先级、联系方式、建议管家和上榜原因。",
			"The guests the analysis picked as due back or slipping away: list, priority, contact, suggested butler and why."},
		"dl.guests.name": {"客户", "Guests"},
		"dl.guests.about": {"每位客人的来访、消费、分群，以及模型预测：仍为活跃客户的概率、预计来访和未来一年价值。",
			"Every guest's visits, spend and segment, with the models' forecasts: P(alive), expected visits, 365-day value."},
		"dl.callbacks.name": {"回访任务", "Callbacks"},
		"dl.callbacks.about": {"离店回访任务：负责管家、优先级、状态、结果，以及是否在 24 小时内完成。",
			"The after-departure callbacks: owner, priority, status, outcome, and whether each closed within 24 hours."},
		"dl.kpis.name": {"经营指标", "KPIs"},
		"dl.kpis.about": {"消费次数、回头客比例、回访率、满意度和回访服务水平，每项附分子与分母。",
			"Stays, repeat-guest rate, revisit rates, satisfaction and callback service level, each with its numerator and denominator."},
		"dl.rejects.name": {"拒收行", "Rejected rows"},
		"dl.rejects.about": {"导入时被拒收的行和被丢弃的值：文件、行号、列和原因，供前台更正源数据。",
			"Rows refused and values dropped on import: file, line, column and reason, for the front desk to fix the source."},
		"dl.as_of":        {"统计日", "Analysis day"},
		"dl.from":         {"开始日期", "From"},
		"dl.to":           {"结束日期", "To"},
		"dl.import":       {"导入编号（留空为全部）", "Import number (empty: every import)"},
		"dl.show":         {"更新", "Update"},
		"dl.data_of":      {"数据日期", "Data of"},
		"dl.rows":         {"行数", "Rows"},
		"dl.rows_hint":    {"按当前数据计算，下载时以文件为准。", "Counted now; the file holds what there is when you download."},
		"dl.due":          {"应回访日", "due"},
		"dl.every_import": {"全部导入", "every import"},
		"dl.until":        {"截至", "up to"},
		"dl.no_analysis":  {"还没有分析结果：请先运行分析。", "No analysis yet: run the analysis first."},
		"dl.not_analysed": {"该日没有分析结果。", "That day was not analysed."},
		"dl.bad_date":     {"日期格式应为 年-月-日。", "Dates are written YYYY-MM-DD."},
		"dl.future_day":   {"统计日不能晚于今天。", "The analysis day cannot be after today."},
		"dl.bad_range":    {"开始日期不能晚于结束日期，跨度最多 %d 天。", "From must not be after to, and the range may span at most %d days."},
		"dl.bad_import":   {"没有该编号的导入。", "No import has that number."},
		"dl.uncounted":    {"暂时无法计算行数，请稍后再试。", "The rows could not be counted just now; please try again."},
	})
}

// analysedDaysShown is how many analysed days the downloads page offers.
const analysedDaysShown = 30

// downloadCard is one export on the downloads page: its filter, what the
// file would hold now, and its links.
type downloadCard struct {
	Report         string
	NameZH, NameEN string
	Fields         []downloadField
	Keep           []downloadField // the other cards' filters, sent along so they stay
	DataOf         string
	Rows           int64
	Problem        string // why there is no count and no link
	XLSX, CSV      string
	query          url.Values
	// count counts the file's rows in a snapshot; nil when counted already
	// or not countable.
	count   func(context.Context, *warehouse.Snapshot) (int64, error)
	counted bool
}

// downloadField is one input of a card's filter. Names carry the report
// as a prefix, since two cards may filter by the same parameter.
type downloadField struct {
	Name, Label, Type, Value string // Type: date, number or select
	Options                  []string
}

// downloadsRequest is what the page was asked, and for whom.
type downloadsRequest struct {
	q     url.Values
	lang  string
	tok   warehouse.Principal
	now   time.Time   // in the hotel's zone
	days  []time.Time // analysed days, newest first
	today time.Time   // the hotel's civil day
}

func (r downloadsRequest) tr(key string) string { return translate(r.lang, key) }

// downloadsPage is GET /ui/downloads: every export the caller's role may
// download, each with its filter, the day its data is of, how many rows
// it holds now, and links to the file in either format. A GET form per
// export re-shows the page with the chosen filter; the links go to the
// API's exports, which audit every download.
func (s *Server) downloadsPage(c *gin.Context) {
	ctx := c.Request.Context()
	now := s.cfg.Now().In(s.loc())
	r := downloadsRequest{q: c.Request.URL.Query(), lang: uiLang(c), tok: principal(c), now: now, today: civilDay(now)}
	var err error
	if r.days, err = s.wh.AnalysedDays(ctx, r.today, analysedDaysShown); err != nil {
		s.downloadsFailed(c, err)
		return
	}
	var cards []*downloadCard
	for _, report := range reports.ExportNames {
		if slices.Contains(exportRoles[report], r.tok.Role) {
			cards = append(cards, s.downloadCard(ctx, r, report))
		}
	}
	if err := s.countDownloads(ctx, r, cards); err != nil {
		s.downloadsFailed(c, err)
		return
	}
	for _, card := range cards {
		if card.Problem == "" && card.counted {
			base := "/api/v1/exports/" + card.Report
			card.XLSX, card.CSV = base+".xlsx", base+".csv"
			if qs := card.query.Encode(); qs != "" {
				card.XLSX, card.CSV = card.XLSX+"?"+qs, card.CSV+"?"+qs
			}
		}
		for _, other := range cards {
			if other != card {
				card.Keep = append(card.Keep, other.Fields...)
			}
		}
	}
	// Marketing starts a campaign where it downloads the day's list.
	form, err := s.campaignForm(ctx, r.q.Get("targets_as_of"))
	if err != nil {
		s.downloadsFailed(c, err)
		return
	}
	s.render(c, "downloads", uiData{"CSS": "downloads.css", "Cards": cards,
		"CampaignForm": uiData{"Form": form, "CSRF": csrfToken(c.GetString("session"))}})
}

func (s *Server) downloadsFailed(c *gin.Context, err error) {
	s.log.Error("downloads page failed", "request_id", requestID(c), "error", err)
	c.Status(http.StatusInternalServerError)
	s.render(c, "error", uiData{"Message": s.tr(c, "error.internal")})
}

// downloadCard reads one export's filter and prepares its count.
func (s *Server) downloadCard(ctx context.Context, r downloadsRequest, report string) *downloadCard {
	card := &downloadCard{Report: report, NameZH: translate("zh", "dl."+report+".name"),
		NameEN: translate("en", "dl."+report+".name"), query: url.Values{}}
	switch report {
	case reports.ExportTargets, reports.ExportGuests:
		asOfCard(r, card)
	case reports.ExportCallbacks:
		from, to := rangeField(r, card, r.today.AddDate(0, 0, -6), r.today, 366)
		if card.Problem == "" {
			card.DataOf = r.tr("dl.due") + " " + from.Format(time.DateOnly) + " – " + to.Format(time.DateOnly)
			f := warehouse.TaskFilter{DueFrom: dayStart(from, r.now.Location()), DueTo: dayStart(to.AddDate(0, 0, 1), r.now.Location())}
			scope(r.tok, &f)
			card.count = func(ctx context.Context, snap *warehouse.Snapshot) (int64, error) {
				tasks, err := snap.Tasks(ctx, f)
				return int64(len(tasks)), err
			}
		}
	case reports.ExportKPIs:
		yesterday := r.today.AddDate(0, 0, -1)
		from, to := rangeField(r, card, yesterday.AddDate(0, 0, -29), yesterday, 3*366)
		if card.Problem == "" {
			card.DataOf = from.Format(time.DateOnly) + " – " + to.Format(time.DateOnly)
			s.countKPIs(ctx, r, card, warehouse.KPIQuery{From: from, To: to, Now: r.now})
		}
	case reports.ExportRejects:
		s.rejectsCard(ctx, r, card)
	}
	return card
}

// asOfCard is the filter of targets and guests: one of the analysed days,
// the latest by default.
func asOfCard(r downloadsRequest, card *downloadCard) {
	field := downloadField{Name: card.Report + "_as_of", Label: "dl.as_of", Type: "select"}
	for _, d := range r.days {
		field.Options = append(field.Options, d.Format(time.DateOnly))
	}
	var asOf time.Time
	switch raw := r.q.Get(field.Name); {
	case raw != "":
		d, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			card.Problem = r.tr("dl.bad_date")
			break
		}
		if d.After(r.today) { // no analysis of a day to come is served
			card.Problem = r.tr("dl.future_day")
			break
		}
		asOf = d
	case len(r.days) > 0:
		asOf = r.days[0]
	default:
		card.Problem = r.tr("dl.no_analysis")
	}
	if !asOf.IsZero() {
		field.Value = asOf.Format(time.DateOnly)
		if !slices.Contains(field.Options, field.Value) { // older than the list, or never analysed
			field.Options = append(field.Options, field.Value)
		}
		card.DataOf = field.Value
		card.query.Set("as_of", field.Value)
		count := (*warehouse.Snapshot).CountTargetRows
		if card.Report == reports.ExportGuests {
			count = (*warehouse.Snapshot).CountGuestRows
		}
		card.count = func(ctx context.Context, snap *warehouse.Snapshot) (int64, error) { return count(snap, ctx, asOf) }
	}
	card.Fields = []downloadField{field}
}

// rangeField is a from–to filter of days with its defaults and longest
// span; a bad one is the card's problem.
func rangeField(r downloadsRequest, card *downloadCard, defFrom, defTo time.Time, maxDays int) (time.Time, time.Time) {
	from, to := defFrom, defTo
	fields := []downloadField{{Name: card.Report + "_from", Label: "dl.from", Type: "date"}, {Name: card.Report + "_to", Label: "dl.to", Type: "date"}}
	for i, dst := range []*time.Time{&from, &to} {
		raw := r.q.Get(fields[i].Name)
		fields[i].Value = raw
		if raw == "" {
			fields[i].Value = dst.Format(time.DateOnly)
			continue
		}
		d, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			card.Problem = r.tr("dl.bad_date")
			continue
		}
		*dst = d
	}
	card.Fields = fields
	if card.Problem != "" {
		return from, to
	}
	if to.Before(from) || to.Sub(from) > time.Duration(maxDays)*24*time.Hour {
		card.Problem = fmt.Sprintf(r.tr("dl.bad_range"), maxDays)
		return from, to
	}
	card.query.Set("from", from.Format(time.DateOnly))
	card.query.Set("to", to.Format(time.DateOnly))
	return from, to
}

func dayStart(day time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
}

// countKPIs computes the report the kpis export would write (through the
// KPI cache the KPI page shares) and counts its rows.
func (s *Server) countKPIs(ctx context.Context, r downloadsRequest, card *downloadCard, q warehouse.KPIQuery) {
	report, _, err := s.kpis(ctx, q)
	switch {
	case errors.Is(err, warehouse.ErrBadKPIQuery):
		card.Problem = fmt.Sprintf(r.tr("dl.bad_range"), 3*366)
	case err != nil:
		s.log.Warn("downloads page: kpis not counted", "error", err)
		card.Problem = r.tr("dl.uncounted")
	default:
		card.Rows, card.counted = kpiRowCount(report), true
	}
}

// kpiRowCount is how many rows the KPI workbook writes for report: the
// total and one per group, each with a column per figure. (The CSV is long,
// a row per group and figure; the card counts what people open.)
func kpiRowCount(report reports.KPIReport) int64 { return 1 + int64(len(report.Groups)) }

// rejectsCard is the filter of rejected rows: one import, or every one.
func (s *Server) rejectsCard(ctx context.Context, r downloadsRequest, card *downloadCard) {
	field := downloadField{Name: "rejects_import", Label: "dl.import", Type: "number", Value: r.q.Get("rejects_import")}
	card.Fields = []downloadField{field}
	var f warehouse.RejectFilter
	card.DataOf = r.tr("dl.every_import") + ", " + r.tr("dl.until") + " " + r.today.Format(time.DateOnly)
	if field.Value != "" {
		id, err := strconv.ParseInt(field.Value, 10, 64)
		known := false
		if err == nil && id > 0 {
			if known, err = s.importExists(ctx, id); err != nil {
				s.log.Warn("downloads page: rejects not counted", "error", err)
				card.Problem = r.tr("dl.uncounted")
				return
			}
		}
		if !known {
			card.Problem = r.tr("dl.bad_import")
			return
		}
		f.ImportID = id
		card.DataOf = "#" + field.Value
		card.query.Set("import_id", field.Value)
	}
	card.count = func(ctx context.Context, snap *warehouse.Snapshot) (int64, error) { return snap.CountRejects(ctx, f) }
}

// countDownloads counts every card's rows in one snapshot, as the exports
// count theirs.
func (s *Server) countDownloads(ctx context.Context, r downloadsRequest, cards []*downloadCard) error {
	return s.wh.InSnapshot(ctx, func(snap *warehouse.Snapshot) error {
		for _, card := range cards {
			if card.count == nil || card.Problem != "" {
				continue
			}
			n, err := card.count(ctx, snap)
			switch {
			case errors.Is(err, warehouse.ErrNoAnalysis):
				card.Problem = r.tr("dl.not_analysed")
			case errors.Is(err, context.Canceled):
				return err
			case err != nil:
				s.log.Warn("downloads page: rows not counted", "report", card.Report, "error", err)
				card.Problem = r.tr("dl.uncounted")
			default:
				card.Rows, card.counted = n, true
			}
		}
		return nil
	})
}
