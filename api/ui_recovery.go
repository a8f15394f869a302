package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
)

// The service-recovery section of the butler's page and the lead's board:
// the unresolved cases the viewer works, overdue first, each with the
// buttons 跟进中 / 已补救 / 未能补救 and a note. The rules are
// callback.WorkCase's; a refusal is shown on the case in the page's language.

func init() {
	addMessages(map[string][2]string{
		"rc.title":         {"服务补救", "Service recovery"},
		"rc.none":          {"没有待处理的服务补救。", "No open service-recovery cases."},
		"rc.department":    {"负责部门", "Department"},
		"rc.due":           {"处理期限", "Due"},
		"rc.reported":      {"客人反映", "Reported"},
		"rc.owner":         {"负责管家", "Butler"},
		"rc.overdue":       {"已逾期", "Overdue"},
		"rc.open":          {"待跟进", "Open"},
		"rc.in_progress":   {"跟进中", "In progress"},
		"rc.start":         {"跟进中", "In progress"},
		"rc.recovered":     {"已补救", "Recovered"},
		"rc.not_recovered": {"未能补救", "Not recovered"},
		"rc.note":          {"处理说明", "What was done"},
		"rc.done":          {"服务补救已更新", "Service recovery updated"},
		"rc.gone":          {"该服务补救不存在或不归您处理。", "That case does not exist or is not yours to work."},
	})
}

// recoveryCard is one case on a page.
type recoveryCard struct {
	warehouse.RecoveryCase
	GuestName    string
	Reported     string
	Due          string
	Overdue      bool
	Message      string // the outcome of the last post on this case
	MessageIsErr bool
}

// recoveryBackPages are the pages the section is on, by the form's back
// field; the form goes back to where it was posted from.
var recoveryBackPages = map[string]string{"callbacks": "/ui/callbacks", "team": "/ui/team"}

// uiMaxRecoveryCards bounds the section: a butler's or a team's unresolved
// cases are few; a long list says the rest are in the API and the KPIs.
const uiMaxRecoveryCards = 50

// recoveryCaseKey and recoveryNoteKey carry a just-refused case (0: none in
// particular) and its message from uiWorkCase to the section.
const (
	recoveryCaseKey = "revisit.recovery_case"
	recoveryNoteKey = "revisit.recovery_note"
)

// recoverySection gathers the section for the viewer on page back
// ("callbacks" or "team"): their unresolved cases, scoped as the API scopes
// them, the most overdue first.
func (s *Server) recoverySection(c *gin.Context, back string) (uiData, error) {
	ctx := c.Request.Context()
	f := warehouse.CaseFilter{Limit: uiMaxRecoveryCards + 1}
	scopeCases(principal(c), &f)
	listed, err := s.wh.Cases(ctx, f)
	if err != nil {
		return nil, err
	}
	var open []warehouse.CaseListing
	for _, l := range listed {
		if l.Status != warehouse.CaseResolved {
			open = append(open, l)
		}
	}
	open = open[:min(len(open), uiMaxRecoveryCards)]
	tasks := make([]warehouse.Task, 0, len(open))
	for _, l := range open {
		tasks = append(tasks, warehouse.Task{ID: l.TaskID, GuestID: l.GuestID})
	}
	sheets, err := s.wh.CallSheets(ctx, tasks) // the guests' names; the stays are not needed
	if err != nil {
		return nil, err
	}
	loc, now := s.loc(), s.cfg.Now()
	noteCase, _ := c.Get(recoveryCaseKey)
	cards := make([]recoveryCard, 0, len(open))
	for _, l := range open {
		card := recoveryCard{RecoveryCase: l.RecoveryCase, Reported: l.Reported, GuestName: l.GuestID,
			Due: l.DueAt.In(loc).Format("01-02 15:04"), Overdue: now.After(l.DueAt)}
		if sh := sheets[l.TaskID]; sh != nil && sh.Name != "" {
			card.GuestName = sh.Name
		}
		if id, ok := noteCase.(int64); ok && id == l.ID {
			card.Message, card.MessageIsErr = c.GetString(recoveryNoteKey), true
		}
		cards = append(cards, card)
	}
	flash := ""
	if c.Query("recovered") != "" {
		flash = s.tr(c, "rc.done") + " #" + c.Query("recovered")
	}
	if id, ok := noteCase.(int64); ok && id == 0 {
		flash = c.GetString(recoveryNoteKey)
	}
	return uiData{"Cards": cards, "Back": back, "Flash": flash, "ShowOwner": back == "team"}, nil
}

// uiWorkCase is POST /ui/recovery/{id}: a case's buttons. It runs the
// rules of POST /api/v1/recovery-cases/{id}; a refusal re-shows the page
// the form came from with the rule's message on the case, in the page's
// language, a success goes back to it.
func (s *Server) uiWorkCase(c *gin.Context) {
	back := c.PostForm("back")
	page, ok := recoveryBackPages[back]
	if !ok {
		back, page = "callbacks", recoveryBackPages["callbacks"]
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	version, verr := strconv.Atoi(c.PostForm("version"))
	if err != nil || id <= 0 || verr != nil {
		s.reshowRecovery(c, back, http.StatusNotFound, 0, s.tr(c, "rc.gone"))
		return
	}
	ch := callback.CaseChange{CaseID: id, Version: version, Status: warehouse.CaseInProgress, Note: strings.TrimSpace(c.PostForm("note"))}
	if o := c.PostForm("outcome"); o != "" {
		ch.Status, ch.Outcome = warehouse.CaseResolved, o
	}
	if len([]rune(ch.Note)) > maxNoteRunes {
		ch.Note = string([]rune(ch.Note)[:maxNoteRunes])
	}
	done, err := s.workCase(c, principal(c), ch)
	refusal, refused := callback.AsRefusal(err)
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, page+"?recovered="+strconv.FormatInt(done.ID, 10)+"#recovery")
	case errors.Is(err, warehouse.ErrNotFound) || refused && statusOfRefusal(refusal) == http.StatusNotFound:
		s.reshowRecovery(c, back, http.StatusNotFound, 0, s.tr(c, "rc.gone"))
	case refused:
		s.reshowRecovery(c, back, statusOfRefusal(refusal), id, refusalText(refusal, uiLang(c)))
	default:
		s.uiFail(c, err)
	}
}

// reshowRecovery renders page back again with msg on case id (0: at the
// top of the section) and the given status.
func (s *Server) reshowRecovery(c *gin.Context, back string, status int, id int64, msg string) {
	c.Set(recoveryCaseKey, id)
	c.Set(recoveryNoteKey, msg)
	c.Status(status)
	if back == "team" {
		s.renderTeam(c, teamFilterOf(nil), "")
		return
	}
	s.renderCallbacks(c, nil, 0, "", false)
}
