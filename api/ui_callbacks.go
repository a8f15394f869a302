package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/mask"
	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
)

// The butler's list, /ui/callbacks: today's calls in priority and due
// order, each with what the butler needs to make it, and a form that
// records the outcome in two taps. With JavaScript the form posts in the
// background and only the list is replaced.

func init() {
	addMessages(map[string][2]string{
		"cb.title":        {"我的回访", "My callbacks"},
		"cb.empty":        {"没有待回访的客人。", "No guests to call."},
		"cb.due":          {"应回访", "Due"},
		"cb.departed":     {"离店", "Departed"},
		"cb.attempts":     {"已拨打", "Calls so far"},
		"cb.at_risk":      {"即将超时", "At risk"},
		"cb.overdue":      {"已超时", "Overdue"},
		"cb.escalated":    {"已上报主管", "Escalated"},
		"cb.next_call":    {"下次可拨打", "Next call from"},
		"cb.call":         {"拨打", "Call"},
		"cb.call_hint":    {"显示完整号码并记录查看。", "Shows the full number; the view is recorded."},
		"cb.dial":         {"拨号", "Dial"},
		"cb.stay":         {"本次消费", "This stay"},
		"cb.feedback":     {"客人意见", "Feedback"},
		"cb.prefs":        {"喜好", "Preferences"},
		"cb.past":         {"以往回访", "Past calls"},
		"cb.outcome":      {"通话结果", "Outcome"},
		"cb.score":        {"满意度", "Satisfaction"},
		"cb.note":         {"备注", "Note"},
		"cb.callback_at":  {"约定回电时间", "Call back at"},
		"cb.department":   {"需处理部门", "Department to act"},
		"cb.record":       {"记录", "Record"},
		"cb.recorded":     {"已记录。", "Recorded."},
		"cb.more":         {"更多", "More"},
		"cb.complaint":    {"投诉", "Complaint"},
		"cb.overall":      {"总体", "Overall"},
		"cb.closed_today": {"今天已完成", "Done today"},
		"cb.changed":      {"该任务已被更新，请查看最新状态后再记录。", "The task changed meanwhile: check it and record again."},
		"cb.gone":         {"该任务已不在您的名单上。", "That task is no longer on your list."},
		"cb.counts":       {"%d 个待拨打，%d 个已逾期", "%d to call, %d overdue"},
		"cb.open":         {"记录结果 · 详情", "Record · details"},
		// Refusals of the outcome form, one per rule the form can break.
		"cb.need_outcome":    {"请选择通话结果。", "Choose the call's outcome."},
		"cb.need_department": {"客人反映了问题：请选择需处理的部门。", "The guest raised an issue: choose the department that must act."},
		"cb.need_time":       {"请填写客人约定的回电时间。", "Enter the time the guest asked to be called back."},
		"cb.bad_time":        {"回电时间无法识别，请重新选择。", "The call-back time was not understood: choose it again."},
		"cb.bad_score":       {"满意度为 1 到 5 分。", "Satisfaction is a score from 1 to 5."},
		"cb.note_long":       {"备注太长，请缩短。", "The note is too long: shorten it."},
		"cb.bad_form":        {"表单不完整，请刷新后重试。", "The form is incomplete: reload and try again."},
	})
}

// uiCallbacksPage is how many tasks one page of the list shows.
const uiCallbacksPage = 20

// departments a reached_issue call may hand the problem to.
var departments = [][2]string{{"客房部", "Rooms"}, {"餐饮部", "F&B"}, {"前厅部", "Front office"}, {"工程部", "Engineering"}, {"管家部", "Butlers"}, {"其他", "Other"}}

// taskCard is one task of the list with its call sheet.
type taskCard struct {
	warehouse.Task
	Sheet         *warehouse.CallSheet
	Mobile        string // masked, or in full after a reveal
	Revealed      bool
	Overdue       bool
	DueAt         string
	DepartureAt   string
	NextCallAt    string
	PriorityZH    string
	PriorityEN    string
	Message       string // the outcome of the last post on this card
	MessageIsErr  bool
	NextCallLater bool       // the next call may not be placed yet
	Draft         *cardDraft // what was entered in a refused post, shown again
}

// cardDraft is what a butler entered in an outcome form the server refused:
// the card shows it again, so a missing department costs one tap, not the
// whole call's notes.
type cardDraft struct {
	Disposition, Note, Department, RequestedAt string
	Score                                      int
}

// cardNote is the message one card shows after a post, with what was
// entered when the post was refused.
type cardNote struct {
	task  int64
	text  string
	isErr bool
	draft *cardDraft
}

func (s *Server) callbacksPage(c *gin.Context) {
	s.renderCallbacks(c, nil, 0, "", false)
}

// renderCallbacks shows the list; revealed holds a task whose number was
// just revealed, note a message for one card.
func (s *Server) renderCallbacks(c *gin.Context, revealed map[int64]string, noteTask int64, note string, isErr bool) {
	s.renderCallbackList(c, revealed, cardNote{task: noteTask, text: note, isErr: isErr})
}

// renderCallbackList shows the list with one card's note and draft.
func (s *Server) renderCallbackList(c *gin.Context, revealed map[int64]string, cn cardNote) {
	ctx := c.Request.Context()
	tok := principal(c)
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	// The whole open list (a day's calls, tens) is read to count it for
	// the line at the top; one page of it is shown.
	all, err := s.wh.Tasks(ctx, warehouse.TaskFilter{Owner: tok.StaffID, Status: warehouse.TaskOpen})
	if err != nil {
		s.uiFail(c, err)
		return
	}
	overdue := 0
	for _, t := range all {
		if s.cfg.Now().After(t.DueAt) {
			overdue++
		}
	}
	tasks := all[min(offset, len(all)):]
	more := len(tasks) > uiCallbacksPage
	if more {
		tasks = tasks[:uiCallbacksPage]
	}
	noteTask, note := cn.task, cn.text
	sheets, err := s.callSheets(ctx, tasks)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	loc, now := s.loc(), s.cfg.Now()
	cards := make([]taskCard, 0, len(tasks))
	for _, t := range tasks {
		card := taskCard{Task: t, Sheet: sheets[t.ID], Overdue: now.After(t.DueAt),
			DueAt: t.DueAt.In(loc).Format("01-02 15:04"), DepartureAt: t.DepartureAt.In(loc).Format("01-02 15:04")}
		card.Mobile = mask.Mobile(card.Sheet.Mobile)
		if full, ok := revealed[t.ID]; ok {
			card.Mobile, card.Revealed = full, true
		}
		if t.NextCallAt != nil && t.NextCallAt.After(now) {
			card.NextCallAt, card.NextCallLater = t.NextCallAt.In(loc).Format("01-02 15:04"), true
		}
		card.PriorityZH, card.PriorityEN = splitPair(t.PriorityReason)
		if t.ID == noteTask {
			card.Message, card.MessageIsErr, card.Draft = note, cn.isErr, cn.draft
		}
		cards = append(cards, card)
	}
	if done, err := strconv.ParseInt(c.Query("done"), 10, 64); err == nil && noteTask == 0 {
		note = fmt.Sprintf("%s #%d", s.tr(c, "cb.recorded"), done)
	}
	data := uiData{"Cards": cards, "Dispositions": dispositionChoices(), "Departments": departments,
		"Scores": []int{1, 2, 3, 4, 5}, "Flash": "", "CSS": "callbacks.css",
		"Counts": fmt.Sprintf(s.tr(c, "cb.counts"), len(all), overdue)}
	if noteTask == 0 && note != "" {
		data["Flash"] = note
	}
	if more {
		data["More"] = "/ui/callbacks?offset=" + strconv.Itoa(offset+uiCallbacksPage)
	}
	if data["Recovery"], err = s.recoverySection(c, "callbacks"); err != nil {
		s.uiFail(c, err)
		return
	}
	s.render(c, "callbacks", data)
}

// dispositionChoices are the outcome buttons, in the order a call goes.
func dispositionChoices() []map[string]string {
	var out []map[string]string
	for _, d := range callback.Dispositions() {
		zh, en := d.Labels()
		out = append(out, map[string]string{"Code": string(d), "ZH": zh, "EN": en})
	}
	return out
}

// splitPair splits "english 中文" or "中文 english" texts the warehouse
// writes ("first visit 首次入住") into their Chinese and English parts.
func splitPair(s string) (zh, en string) {
	var zhParts, enParts []string
	for _, part := range strings.Split(s, "; ") {
		i := strings.IndexFunc(part, func(r rune) bool { return r >= 0x3000 })
		if i <= 0 {
			zhParts, enParts = append(zhParts, part), append(enParts, part)
			continue
		}
		enParts = append(enParts, strings.TrimSpace(part[:i]))
		zhParts = append(zhParts, strings.TrimSpace(part[i:]))
	}
	return strings.Join(zhParts, "；"), strings.Join(enParts, "; ")
}

// uiRecordAttempt is the outcome form: the same checks and rules as POST
// /api/v1/callbacks/{id}/attempts. A refusal is shown on the card in the
// page's language, with what was entered (and a revealed number) kept.
func (s *Server) uiRecordAttempt(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.renderCallbacks(c, nil, 0, s.tr(c, "cb.gone"), true)
		return
	}
	draft := &cardDraft{Disposition: c.PostForm("disposition"), Note: c.PostForm("note"),
		Department: c.PostForm("department"), RequestedAt: c.PostForm("requested_at")}
	version, _ := strconv.Atoi(c.PostForm("version"))
	req := attemptRequest{Version: &version, Disposition: draft.Disposition, Note: draft.Note, Department: draft.Department}
	if sc, err := strconv.Atoi(c.PostForm("score")); err == nil {
		req.Score, draft.Score = &sc, sc
	}
	tok := principal(c)
	t, err := s.wh.Task(c.Request.Context(), id)
	if err != nil || !s.inScope(c, tok, t) {
		c.Status(http.StatusNotFound)
		s.renderCallbacks(c, nil, 0, s.tr(c, "cb.gone"), true)
		return
	}
	refuseWith := func(status int, text string) {
		c.Status(status)
		var revealed map[int64]string
		if c.PostForm("revealed") == "1" {
			// The number was on screen when the form was sent: show it
			// again (a new view, so audited as one).
			rc, err := s.wh.RevealContact(c.Request.Context(), t.GuestID, s.auditEntry(c, "", "reason=callback task="+strconv.FormatInt(id, 10)+" via=ui"))
			if err != nil {
				s.uiFail(c, err)
				return
			}
			revealed = map[int64]string{id: rc.Mobile}
		}
		s.renderCallbackList(c, revealed, cardNote{task: id, text: text, isErr: true, draft: draft})
	}
	refuse := func(status int, key string) { refuseWith(status, s.tr(c, key)) }
	if at := draft.RequestedAt; at != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", at, s.loc())
		if err != nil {
			refuse(http.StatusBadRequest, "cb.bad_time")
			return
		}
		rfc := t.Format(time.RFC3339)
		req.RequestedAt = &rfc
	}
	if req.Disposition != string(callback.ReachedIssue) {
		req.Department = ""
	}
	a, detail := req.attempt(id)
	if detail != "" {
		refuse(http.StatusBadRequest, attemptRefusalKey(detail))
		return
	}
	a.By, a.At = tok.StaffID, s.cfg.Now()
	_, err = callback.Record(c.Request.Context(), s.wh, callback.DefaultRules(s.loc()), a, callback.DefaultRecoveryDue)
	refusal, refused := callback.AsRefusal(err)
	switch {
	case refused && statusOfRefusal(refusal) == http.StatusNotFound: // reassigned since the scope check
		c.Status(http.StatusNotFound)
		s.renderCallbacks(c, nil, 0, s.tr(c, "cb.gone"), true)
	case refused: // the rule's own words, in the page's language, on the card, with what was entered
		refuseWith(statusOfRefusal(refusal), refusalText(refusal, uiLang(c)))
	case err != nil:
		s.uiFail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, "/ui/callbacks?done="+strconv.FormatInt(id, 10))
	}
}

// attemptRefusalKey names the page text of a refusal of the attempt's
// request checks, whose English sentence (for the API) starts with the
// field or outcome it is about.
func attemptRefusalKey(detail string) string {
	for _, m := range []struct{ prefix, key string }{
		{"reached_issue", "cb.need_department"}, {"call_back_later", "cb.need_time"},
		{"requested_at", "cb.bad_time"}, {"score", "cb.bad_score"}, {"note", "cb.note_long"},
		{"version", "cb.bad_form"},
	} {
		if strings.HasPrefix(detail, m.prefix) {
			return m.key
		}
	}
	return "cb.need_outcome" // the only other check: an outcome that is not one of the eight
}

// uiCall reveals the full number of a task's guest, under audit, and shows
// the list with that card's number as a tel: link.
func (s *Server) uiCall(c *gin.Context) {
	guest := c.Param("id")
	taskID, err := strconv.ParseInt(c.PostForm("task_id"), 10, 64)
	tok := principal(c)
	if err != nil {
		s.renderCallbacks(c, nil, 0, s.tr(c, "cb.gone"), true)
		return
	}
	t, err := s.wh.Task(c.Request.Context(), taskID)
	if err != nil || !s.inScope(c, tok, t) || t.GuestID != guest {
		c.Status(http.StatusNotFound)
		s.renderCallbacks(c, nil, 0, s.tr(c, "cb.gone"), true)
		return
	}
	rc, err := s.wh.RevealContact(c.Request.Context(), guest, s.auditEntry(c, "", "reason=callback task="+strconv.FormatInt(taskID, 10)+" via=ui"))
	if err != nil {
		s.uiFail(c, err)
		return
	}
	s.renderCallbacks(c, map[int64]string{taskID: rc.Mobile}, 0, "", false)
}

// sheetCache keeps call sheets between views of the list: gathering a
// page's sheets reads stays and feedback across the whole history (0.4 s
// over a million guests), and all of that changes only with an import. The
// calls made are read fresh every time.
type sheetCache struct {
	mu      sync.Mutex
	version int64 // the warehouse's ImportVersion the sheets are of
	sheets  map[int64]warehouse.CallSheet
}

// drop empties the cache at once: after a forget, no copy of the guest's
// name, mobile, room or comment may wait in memory for the next view.
// (A forget also moves the warehouse's ImportVersion, which empties it at
// the next view whoever forgot.)
func (c *sheetCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sheets = nil
}

// maxCachedSheets bounds the cache: a night's tasks, several times over.
const maxCachedSheets = 50_000

// callSheets returns the tasks' call sheets, reading only those not kept,
// and the calls of all.
func (s *Server) callSheets(ctx context.Context, tasks []warehouse.Task) (map[int64]*warehouse.CallSheet, error) {
	version := s.wh.ImportVersion()
	out := make(map[int64]*warehouse.CallSheet, len(tasks))
	var missing, kept []warehouse.Task
	s.sheets.mu.Lock()
	if s.sheets.sheets == nil || s.sheets.version != version || len(s.sheets.sheets) > maxCachedSheets {
		s.sheets.version, s.sheets.sheets = version, map[int64]warehouse.CallSheet{}
	}
	for _, t := range tasks {
		if sh, ok := s.sheets.sheets[t.ID]; ok {
			out[t.ID] = &sh
			kept = append(kept, t)
		} else {
			missing = append(missing, t)
		}
	}
	s.sheets.mu.Unlock()
	fresh, err := s.wh.CallSheets(ctx, missing)
	if err != nil {
		return nil, err
	}
	calls, err := s.wh.CallsOf(ctx, kept)
	if err != nil {
		return nil, err
	}
	loc := s.loc() // times as the hotel's clock shows them, set before sharing
	for _, sh := range fresh {
		for i := range sh.Stays {
			sh.Stays[i].Arrival, sh.Stays[i].Departure = sh.Stays[i].Arrival.In(loc), sh.Stays[i].Departure.In(loc)
		}
	}
	for _, c := range calls {
		for i := range c {
			c[i].At = c[i].At.In(loc)
		}
	}
	s.sheets.mu.Lock()
	defer s.sheets.mu.Unlock()
	for id, sh := range fresh {
		for i := range sh.Calls {
			sh.Calls[i].At = sh.Calls[i].At.In(loc)
		}
		out[id] = sh
		if s.sheets.version == version {
			s.sheets.sheets[id] = *sh
		}
	}
	for id, c := range calls {
		out[id].Calls = c
	}
	return out, nil
}
