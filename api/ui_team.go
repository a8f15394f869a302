package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
)

// The lead's team board, /ui/team: every task of the lead's team (the
// scope of the API's callback list), escalations to the lead first, a
// reassign form per open task under the rules of POST /callbacks/{id}/assign,
// and the service level of the tasks due today.

func init() {
	addMessages(map[string][2]string{
		"team.title":           {"团队看板", "Team board"},
		"team.owner":           {"管家", "Butler"},
		"team.status":          {"状态", "Status"},
		"team.status.open":     {"未完成", "Open"},
		"team.status.closed":   {"已关闭", "Closed"},
		"team.priority":        {"优先级", "Priority"},
		"team.p1":              {"P1 投诉/低分", "P1 complaint or low score"},
		"team.p2":              {"P2 VIP", "P2 VIP"},
		"team.p3":              {"P3 首次来店", "P3 first visit"},
		"team.p4":              {"P4 回头客", "P4 returning guest"},
		"team.guest":           {"客人", "Guest"},
		"team.reason":          {"原因", "Reason"},
		"team.departure":       {"离店", "Departed"},
		"team.due":             {"应回访", "Due"},
		"team.attempts":        {"已拨打", "Attempts"},
		"team.flags":           {"标记", "Flags"},
		"team.at_risk":         {"有超时风险", "at risk"},
		"team.escalated":       {"已升级", "escalated"},
		"team.escalated_to_me": {"已升级给您", "escalated to you"},
		"team.overdue":         {"已超时", "overdue"},
		"team.escalations":     {"升级给您的未完成任务：%d 条，列在最前。", "Open tasks escalated to you: %d, listed first."},
		"team.count":           {"共 %d 条任务。", "%d tasks."},
		"team.more":            {"只列出前 %d 条，请用筛选缩小范围。", "Only the first %d are listed: narrow the filters."},
		"team.reassign":        {"改派", "Reassign"},
		"team.to":              {"交给", "Give to"},
		"team.why":             {"改派原因", "Why"},
		"team.done":            {"任务 %d（客人 %s）已交给 %s。", "Task %d (guest %s) is now %s's."},
		"team.err.fields":      {"请选择接手的管家并填写改派原因。", "Choose the butler who takes it and say why."},
		"team.signin":          {"登录二维码", "Sign-in QR codes"},
		"team.signin.hint":     {"管家忘记密码或换了手机时，出示二维码让他扫码登录（一次有效，15 分钟内）。", "When a butler forgot the password or has a new phone, show a QR code to scan (works once, for 15 minutes)."},
		"team.signin.none":     {"还没有账号", "no account yet"},
		"team.sla":             {"今日回访时效（截至目前）", "Today's callback SLA so far"},
		"team.sla.due":         {"今日到期", "Due today"},
		"team.sla.within":      {"24小时内关闭", "Closed within 24 h"},
		"team.sla.reached":     {"已接通（占已关闭）", "Reached (of closed)"},
		"team.sla.open":        {"仍未关闭", "Still open"},
		"team.sla.late":        {"其中已超时 %d 条", "%d of them overdue"},
		"team.sla.hint": {"按酒店时间今天 0:00–24:00 到期（离店后24小时）的本组任务及升级给您的任务，按任务当前状态计数：离店后24小时内关闭（任何结果，含联系不上）算按时；已接通指以接通类结果关闭。经营指标页按事件日志计算全酒店，数字可能略有不同。",
			"Your team's tasks and those escalated to you that fall due today (24 h after departure, hotel time 0:00–24:00), counted from each task's current state: closed within 24 h of departure (any closing code, unreachable included) is on time; reached means closed with the guest spoken to. The KPI page counts the whole hotel from the event log, so it may differ slightly."},
	})
}

// teamListMax is how many tasks the board lists at most; a team's open
// tasks fit, its closed history does not.
const teamListMax = 300

// teamFilter is the board's filter, read from the query string.
type teamFilter struct {
	Owner    string // "" for every butler
	Status   string // open, closed or all
	Priority int    // 0 for every priority
}

func teamFilterOf(q url.Values) teamFilter {
	f := teamFilter{Owner: strings.TrimSpace(q.Get("owner")), Status: q.Get("status")}
	if f.Status != warehouse.TaskClosed && f.Status != "all" {
		f.Status = warehouse.TaskOpen
	}
	if p, err := strconv.Atoi(q.Get("priority")); err == nil && p >= 1 && p <= 4 {
		f.Priority = p
	}
	return f
}

// Query is the filter as a query string, without its defaults.
func (f teamFilter) Query() string {
	q := url.Values{}
	if f.Owner != "" {
		q.Set("owner", f.Owner)
	}
	if f.Status != warehouse.TaskOpen {
		q.Set("status", f.Status)
	}
	if f.Priority != 0 {
		q.Set("priority", strconv.Itoa(f.Priority))
	}
	return q.Encode()
}

// teamButler is one butler of the lead's team; Account says whether they
// have a staff account the lead can show a sign-in QR code for.
type teamButler struct {
	ID, Name string
	Account  bool
}

// teamRow is one task as the board shows it.
type teamRow struct {
	ID                      int64
	GuestID                 string
	GuestName, GuestTitle   string // as the guest is addressed; the id when no name is known
	Owner, OwnerName        string
	Priority                int
	Reason                  string
	ReasonZH, ReasonEN      string // Reason in each language
	Open                    bool
	DispositionZh           string
	DispositionEn           string
	DepartureISO, Departure string
	DueISO, Due             string
	Attempts                int
	AtRisk, Escalated       bool
	EscalatedToMe, Overdue  bool
	Version                 int
	Hold                    string // why the reassign rules would refuse now
}

// guestNames reads the names and forms of address of the tasks' guests,
// so a lead reads "张伟 先生", not a PMS id.
func (s *Server) guestNames(ctx context.Context, tasks []warehouse.Task) (map[string]warehouse.Contact, error) {
	ids := make([]string, 0, len(tasks))
	for _, t := range tasks {
		ids = append(ids, t.GuestID)
	}
	var out map[string]warehouse.Contact
	err := s.wh.InSnapshot(ctx, func(sn *warehouse.Snapshot) error {
		var err error
		out, err = sn.Contacts(ctx, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("team board: guests' names: %w", err)
	}
	return out, nil
}

// teamSLA is today's service level of the team's tasks.
type teamSLA struct {
	Due, Closed, Open, Late int
	Within, Reached         warehouse.Figure
}

// teamPage is GET /ui/team.
func (s *Server) teamPage(c *gin.Context) {
	s.renderTeam(c, teamFilterOf(c.Request.URL.Query()), "")
}

// renderTeam shows the board, with problem (a refused reassignment) when
// given; the status is whatever the caller set.
func (s *Server) renderTeam(c *gin.Context, f teamFilter, problem string) {
	lead := principal(c).StaffID
	if lead == "" { // an empty team would widen the filter to every task
		c.Status(http.StatusForbidden)
		s.render(c, "error", uiData{"Message": s.tr(c, "error.forbidden")})
		return
	}
	data, err := s.teamBoard(c, lead, f)
	if err == nil {
		data["Recovery"], err = s.recoverySection(c, "team")
	}
	if err != nil {
		s.log.Error("team board failed", "request_id", requestID(c), "error", err)
		c.Status(http.StatusInternalServerError)
		s.render(c, "error", uiData{"Message": s.tr(c, "error.internal")})
		return
	}
	data["Problem"] = problem
	s.render(c, "team", data)
}

// teamBoard gathers what the board shows.
func (s *Server) teamBoard(c *gin.Context, lead string, f teamFilter) (uiData, error) {
	ctx := c.Request.Context()
	butlers, err := s.teamRoster(ctx, lead)
	if err != nil {
		return nil, err
	}
	tasks, more, err := s.teamTasks(ctx, lead, f)
	if err != nil {
		return nil, err
	}
	sla, err := s.teamSLAToday(ctx, lead)
	if err != nil {
		return nil, err
	}
	guests, err := s.guestNames(ctx, tasks)
	if err != nil {
		return nil, err
	}
	rows, escalations := s.teamRows(c, tasks, butlers)
	for i := range rows {
		rows[i].GuestName, rows[i].GuestTitle = guests[rows[i].GuestID].Name, guests[rows[i].GuestID].Title
	}
	return uiData{"CSS": "team.css", "Filter": f, "Back": f.Query(), "Butlers": butlers, "Rows": rows,
		"Count": fmt.Sprintf(s.tr(c, "team.count"), len(rows)), "More": more, "MoreText": fmt.Sprintf(s.tr(c, "team.more"), teamListMax),
		"Escalations": escalations, "EscalationsText": fmt.Sprintf(s.tr(c, "team.escalations"), escalations),
		"SLA": sla, "SLALate": fmt.Sprintf(s.tr(c, "team.sla.late"), sla.Late),
		"Done": s.teamFlash(c, butlers)}, nil
}

// teamRoster lists the lead's butlers.
func (s *Server) teamRoster(ctx context.Context, lead string) ([]teamButler, error) {
	team, err := s.wh.TeamOf(ctx, lead)
	if err != nil {
		return nil, err
	}
	accounts, err := s.wh.StaffAccounts(ctx)
	if err != nil {
		return nil, err
	}
	signs := map[string]bool{}
	for _, a := range accounts {
		signs[a.StaffID] = a.Role == roles.Butler && a.DisabledAt == nil
	}
	out := make([]teamButler, 0, len(team))
	for _, b := range team {
		out = append(out, teamButler{ID: b.StaffID, Name: b.Name, Account: signs[b.StaffID]})
	}
	return out, nil
}

// teamTasks lists the filtered tasks of the lead's scope, at most
// teamListMax; more says some were left off. The warehouse does not filter
// by priority, so pages are read until enough match.
func (s *Server) teamTasks(ctx context.Context, lead string, f teamFilter) (out []warehouse.Task, more bool, err error) {
	const pageSize, maxPages = 500, 20
	wf := warehouse.TaskFilter{Team: lead, Owner: f.Owner, Status: f.Status, Limit: pageSize}
	if wf.Status == "all" {
		wf.Status = ""
	}
	for page := 0; page < maxPages; page++ {
		wf.Offset = page * pageSize
		tasks, err := s.wh.Tasks(ctx, wf)
		if err != nil {
			return nil, false, err
		}
		for _, t := range tasks {
			if f.Priority != 0 && t.Priority != f.Priority {
				continue
			}
			if len(out) == teamListMax {
				return out, true, nil
			}
			out = append(out, t)
		}
		if len(tasks) < pageSize {
			return out, false, nil
		}
	}
	return out, true, nil
}

// teamSLAToday counts the scope's tasks due today, hotel time, from their
// current state. warehouse.SLA counts the whole hotel from the event log;
// a lead's board needs only the team's, and a day's tasks are few.
func (s *Server) teamSLAToday(ctx context.Context, lead string) (teamSLA, error) {
	now := s.cfg.Now().In(s.loc())
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	tasks, err := s.wh.Tasks(ctx, warehouse.TaskFilter{Team: lead, DueFrom: from, DueTo: from.AddDate(0, 0, 1)})
	if err != nil {
		return teamSLA{}, err
	}
	var sla teamSLA
	var within, reached int
	for _, t := range tasks {
		if t.Disposition == warehouse.DispositionForgotten {
			continue // closed because the guest was forgotten: neither met nor missed, as in warehouse.SLA
		}
		sla.Due++
		switch {
		case t.Status == warehouse.TaskOpen:
			sla.Open++
			if now.After(t.DueAt) {
				sla.Late++
			}
		case t.ClosedAt != nil:
			sla.Closed++
			if !t.ClosedAt.After(t.DepartureAt.Add(24 * time.Hour)) {
				within++
			}
			if warehouse.ReachedDisposition(t.Disposition) {
				reached++
			}
		}
	}
	sla.Within = teamRatio(within, sla.Due)
	sla.Reached = teamRatio(reached, sla.Closed)
	return sla, nil
}

func teamRatio(num, den int) warehouse.Figure {
	f := warehouse.Figure{Numerator: int64(num), Denominator: int64(den)}
	if den > 0 {
		v := float64(num) / float64(den)
		f.Value = &v
	}
	return f
}

// teamRows turns tasks into the board's rows, the open tasks escalated to
// the lead first (首问责任制: what the owner could not close comes to the
// lead at once), and counts those.
func (s *Server) teamRows(c *gin.Context, tasks []warehouse.Task, butlers []teamButler) ([]teamRow, int) {
	lead, loc, now := principal(c).StaffID, s.loc(), s.cfg.Now()
	names := map[string]string{}
	for _, b := range butlers {
		names[b.ID] = b.Name
	}
	rows := make([]teamRow, 0, len(tasks))
	escalations := 0
	for _, t := range tasks {
		r := teamRow{ID: t.ID, GuestID: t.GuestID, Owner: t.Owner, OwnerName: names[t.Owner], Priority: t.Priority,
			Reason: t.PriorityReason, Open: t.Status == warehouse.TaskOpen,
			DepartureISO: t.DepartureAt.In(loc).Format(time.RFC3339), Departure: t.DepartureAt.In(loc).Format("01-02 15:04"),
			DueISO: t.DueAt.In(loc).Format(time.RFC3339), Due: t.DueAt.In(loc).Format("01-02 15:04"),
			Attempts: t.Attempts, AtRisk: t.AtRisk, Escalated: t.Escalated, Version: t.Version}
		r.ReasonZH, r.ReasonEN = splitPair(t.PriorityReason)
		if r.Open {
			r.EscalatedToMe = t.EscalatedTo == lead
			r.Overdue = now.After(t.DueAt)
			r.Hold = s.teamHold(c, t, now)
			if r.EscalatedToMe {
				escalations++
			}
		} else {
			r.DispositionZh, r.DispositionEn = callback.Disposition(t.Disposition).Labels()
			if t.Disposition == warehouse.DispositionForgotten {
				r.DispositionZh, r.DispositionEn = "客人资料已删除", "guest forgotten"
			}
			if r.DispositionZh == "" {
				r.DispositionZh, r.DispositionEn = t.Disposition, t.Disposition
			}
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b teamRow) int {
		switch {
		case a.EscalatedToMe == b.EscalatedToMe:
			return 0
		case a.EscalatedToMe:
			return -1
		}
		return 1
	})
	return rows, escalations
}

// teamHold says why the reassignment rules would refuse the task now, in
// the page's language, so the lead need not try; "" when they would not.
func (s *Server) teamHold(c *gin.Context, t warehouse.Task, now time.Time) string {
	if r := callback.ReassignHold(t, now, callback.DefaultIdle, s.loc()); r != nil {
		return refusalText(r, uiLang(c))
	}
	return ""
}

// teamFlash is the message of a reassignment that just succeeded, read
// from the redirect's ?assigned=&to= and shown only when the task is in
// the lead's scope and really is the named butler's now, so a crafted
// link cannot make the board claim a reassignment that did not happen.
func (s *Server) teamFlash(c *gin.Context, butlers []teamButler) string {
	id, err := strconv.ParseInt(c.Query("assigned"), 10, 64)
	if err != nil || id <= 0 {
		return ""
	}
	t, err := s.wh.Task(c.Request.Context(), id)
	if err != nil || t.Owner != c.Query("to") || !s.inScope(c, principal(c), t) {
		return ""
	}
	who := t.Owner
	for _, b := range butlers {
		if b.ID == t.Owner {
			who = b.Name + " " + b.ID
		}
	}
	return fmt.Sprintf(s.tr(c, "team.done"), t.ID, t.GuestID, who)
}

// uiAssign is POST /ui/team/{id}/assign: the reassign form. It runs the
// rules and writes the audit entry of POST /api/v1/callbacks/{id}/assign;
// a refusal re-shows the board with the reason, a success goes back to the
// board with its filters.
func (s *Server) uiAssign(c *gin.Context) {
	ctx := c.Request.Context()
	tok := principal(c)
	back, _ := url.ParseQuery(c.PostForm("back"))
	f := teamFilterOf(back)
	refuse := func(status int, msg string) {
		c.Status(status)
		s.renderTeam(c, f, msg)
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.teamNotFound(c)
		return
	}
	t, err := s.wh.Task(ctx, id)
	switch {
	case errors.Is(err, warehouse.ErrNotFound), err == nil && !s.inScope(c, tok, t):
		s.teamNotFound(c) // a task outside the team does not exist for the lead
		return
	case err != nil:
		s.teamAssignFailed(c, id, err)
		return
	}
	to, reason := strings.TrimSpace(c.PostForm("to")), strings.TrimSpace(c.PostForm("reason"))
	version, err := strconv.Atoi(c.PostForm("version"))
	if to == "" || reason == "" || err != nil || version < 1 {
		refuse(http.StatusBadRequest, s.tr(c, "team.err.fields"))
		return
	}
	by, now := actorOf(tok.Name, tok.StaffID), s.cfg.Now()
	audit := &warehouse.AuditEntry{At: now, Actor: by, Role: tok.Role, Action: warehouse.AuditAssign,
		Target: fmt.Sprintf("task %d", id), Filter: "to " + to, Rows: 1, ClientIP: c.ClientIP()}
	done, err := callback.Reassign(ctx, s.wh, id, version, to, tok.StaffID, reason, now, callback.DefaultIdle, audit)
	refusal, refused := callback.AsRefusal(err)
	switch {
	case err == nil:
		q := f.Query()
		if q != "" {
			q += "&"
		}
		c.Redirect(http.StatusSeeOther, "/ui/team?"+q+"assigned="+strconv.FormatInt(done.ID, 10)+"&to="+url.QueryEscape(done.Owner))
	case refused && statusOfRefusal(refusal) == http.StatusNotFound:
		s.teamNotFound(c)
	case refused: // the rule's own words, in the page's language
		refuse(statusOfRefusal(refusal), refusalText(refusal, uiLang(c)))
	case errors.Is(err, warehouse.ErrNotFound): // the task, or the new owner, went meanwhile: 404, as the API says
		s.teamNotFound(c)
	default:
		s.teamAssignFailed(c, id, err)
	}
}

func (s *Server) teamNotFound(c *gin.Context) {
	c.Status(http.StatusNotFound)
	s.render(c, "error", uiData{"Message": s.tr(c, "error.notfound")})
}

func (s *Server) teamAssignFailed(c *gin.Context, id int64, err error) {
	s.log.Error("reassign failed", "request_id", requestID(c), "task_id", id, "error", err)
	c.Status(http.StatusInternalServerError)
	s.render(c, "error", uiData{"Message": s.tr(c, "error.internal")})
}
