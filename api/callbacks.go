package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// callbackView is a task as the API shows it (the same fields as
// `revisit callbacks list --json`).
type callbackView struct {
	ID          int64   `json:"id"`
	GuestID     string  `json:"guest_id"`
	Owner       string  `json:"owner"`
	Priority    int     `json:"priority"`
	Reason      string  `json:"priority_reason"`
	Status      string  `json:"status"`
	Disposition *string `json:"disposition"`
	DepartureAt string  `json:"departure_at"`
	DueAt       string  `json:"due_at"`
	Attempts    int     `json:"attempts"`
	AtRisk      bool    `json:"at_risk"`
	Escalated   bool    `json:"escalated"`
	Version     int     `json:"version"`
}

func viewOf(t warehouse.Task, loc *time.Location) callbackView {
	v := callbackView{ID: t.ID, GuestID: t.GuestID, Owner: t.Owner, Priority: t.Priority, Reason: t.PriorityReason,
		Status: t.Status, DepartureAt: t.DepartureAt.In(loc).Format(time.RFC3339), DueAt: t.DueAt.In(loc).Format(time.RFC3339),
		Attempts: t.Attempts, AtRisk: t.AtRisk, Escalated: t.Escalated, Version: t.Version}
	if t.Disposition != "" {
		d := t.Disposition
		v.Disposition = &d
	}
	return v
}

// scope narrows a task filter to what the caller may see: a butler their
// own tasks, a lead their team's; managers and admins everything.
func scope(tok warehouse.Principal, f *warehouse.TaskFilter) {
	switch tok.Role {
	case roles.Butler:
		f.Owner, f.Team = tok.StaffID, ""
	case roles.Lead:
		f.Team = tok.StaffID
	}
}

// listCallbacks is GET /api/v1/callbacks?status=open|closed|all&owner=
// &page_size=&page_token=: the worklist, open tasks first, most urgent
// first (pages of 100 by default, at most 500; a butler's open list fits
// one page). Pages are by position in a list that moves as calls are made:
// a task that closes meanwhile shifts the later pages by one, so a walk
// over many pages is a report, and a worklist is read from the top again.
func (s *Server) listCallbacks(c *gin.Context) {
	params := "status=" + c.DefaultQuery("status", "open") + "&owner=" + c.Query("owner")
	size, cursor, ok := pageRequest(c, "callbacks", params, 100, 500)
	if !ok {
		return
	}
	offset := int64(0)
	if cursor != "" {
		if offset, ok = cursorInt(c, cursor); !ok {
			return
		}
	}
	f := warehouse.TaskFilter{Status: c.DefaultQuery("status", "open"), Owner: c.Query("owner"), Limit: size + 1, Offset: int(offset)}
	switch f.Status {
	case "all":
		f.Status = ""
	case warehouse.TaskOpen, warehouse.TaskClosed:
	default:
		abort(c, http.StatusBadRequest, "status must be open, closed or all")
		return
	}
	scope(principal(c), &f)
	tasks, err := s.wh.Tasks(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	tasks, next := offsetPage(tasks, size, "callbacks", params, offset)
	out := make([]callbackView, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, viewOf(t, s.loc()))
	}
	page(c, out, next)
}

// getCallback is GET /api/v1/callbacks/{id}. A task outside the caller's
// scope is 404, not 403: its existence is not theirs to know.
func (s *Server) getCallback(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		abort(c, http.StatusNotFound, "")
		return
	}
	t, ok := s.scopedTask(c, principal(c), id)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, viewOf(t, s.loc()))
}

// scopedTask reads task id if the caller may see it; otherwise it answers
// (404 for a task outside their scope: its existence is not theirs to know)
// and returns false.
func (s *Server) scopedTask(c *gin.Context, tok warehouse.Principal, id int64) (warehouse.Task, bool) {
	t, err := s.wh.Task(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return t, false
	}
	if !s.inScope(c, tok, t) {
		s.fail(c, warehouse.ErrNotFound)
		return t, false
	}
	return t, true
}

// inScope says whether the caller may see task t.
func (s *Server) inScope(c *gin.Context, tok warehouse.Principal, t warehouse.Task) bool {
	switch tok.Role {
	case roles.Butler:
		return t.Owner == tok.StaffID
	case roles.Lead:
		if t.EscalatedTo == tok.StaffID {
			return true
		}
		if t.Owner == tok.StaffID {
			return true
		}
		lead, err := s.wh.LeadOf(c.Request.Context(), t.Owner)
		return err == nil && lead == tok.StaffID
	}
	return true
}

func (s *Server) loc() *time.Location {
	return s.wh.Location()
}
