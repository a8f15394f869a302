package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
)

// caseView is a service-recovery case as the API shows it.
type caseView struct {
	ID         int64   `json:"id"`
	TaskID     int64   `json:"task_id"`
	GuestID    string  `json:"guest_id"`
	Owner      string  `json:"owner"`
	Department string  `json:"department"`
	Reported   string  `json:"reported"`
	OpenedAt   string  `json:"opened_at"`
	DueAt      string  `json:"due_at"`
	Overdue    bool    `json:"overdue"`
	Status     string  `json:"status"`
	Outcome    *string `json:"outcome"`
	ResolvedAt *string `json:"resolved_at"`
	Version    int     `json:"version"`
}

func caseViewOf(c warehouse.RecoveryCase, reported string, now time.Time, loc *time.Location) caseView {
	v := caseView{ID: c.ID, TaskID: c.TaskID, GuestID: c.GuestID, Owner: c.Owner, Department: c.Department, Reported: reported,
		OpenedAt: c.OpenedAt.In(loc).Format(time.RFC3339), DueAt: c.DueAt.In(loc).Format(time.RFC3339),
		Overdue: c.Status != warehouse.CaseResolved && now.After(c.DueAt), Status: c.Status, Version: c.Version}
	if c.Outcome != "" {
		o := c.Outcome
		v.Outcome = &o
	}
	if c.ResolvedAt != nil {
		r := c.ResolvedAt.In(loc).Format(time.RFC3339)
		v.ResolvedAt = &r
	}
	return v
}

// scopeCases narrows a case filter to what the caller may see, as tasks
// are scoped: a butler the cases they own or whose task they own, a lead
// their team's; managers and admins every case.
func scopeCases(tok warehouse.Principal, f *warehouse.CaseFilter) {
	switch tok.Role {
	case roles.Butler:
		f.Butler = tok.StaffID
	case roles.Lead:
		f.Team = tok.StaffID
	}
}

// caseFilterOf reads the list's filters; on a bad one it has answered 400.
func caseFilterOf(c *gin.Context) (warehouse.CaseFilter, string, bool) {
	f := warehouse.CaseFilter{Status: c.Query("status"), Owner: c.Query("owner"), Department: c.Query("department"), Guest: c.Query("guest")}
	switch f.Status {
	case "", warehouse.CaseOpen, warehouse.CaseInProgress, warehouse.CaseResolved:
	default:
		abort(c, http.StatusBadRequest, "status must be open, in_progress or resolved")
		return f, "", false
	}
	if raw := c.Query("due_before"); raw != "" {
		at, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			abort(c, http.StatusBadRequest, "due_before must be an RFC 3339 time, such as 2026-11-23T10:00:00+08:00")
			return f, "", false
		}
		f.DueBefore = at
	}
	params := url.Values{"status": {f.Status}, "owner": {f.Owner}, "department": {f.Department},
		"guest": {f.Guest}, "due_before": {c.Query("due_before")}}
	return f, params.Encode(), true
}

// listRecoveryCases is GET /api/v1/recovery-cases?status=&owner=
// &department=&due_before=&guest=&page_size=&page_token=: the unresolved
// cases first, the most overdue first, then the resolved, the latest first.
func (s *Server) listRecoveryCases(c *gin.Context) {
	f, params, ok := caseFilterOf(c)
	if !ok {
		return
	}
	size, cursor, ok := pageRequest(c, "recovery-cases", params, 100, 500)
	if !ok {
		return
	}
	offset := int64(0)
	if cursor != "" {
		if offset, ok = cursorInt(c, cursor); !ok {
			return
		}
	}
	f.Limit, f.Offset = size+1, int(offset)
	scopeCases(principal(c), &f)
	cases, err := s.wh.Cases(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	cases, next := offsetPage(cases, size, "recovery-cases", params, offset)
	now, loc := s.cfg.Now(), s.loc()
	out := make([]caseView, 0, len(cases))
	for _, l := range cases {
		out = append(out, caseViewOf(l.RecoveryCase, l.Reported, now, loc))
	}
	page(c, out, next)
}

// caseRequest is the body of POST /recovery-cases/{id}.
type caseRequest struct {
	Status  string `json:"status"`
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
	Version *int   `json:"version"`
}

const caseShape = `{"status": "in_progress" | "resolved", "outcome": "recovered" | "not_recovered"?, "note": "…"?, "version": int}`

// updateRecoveryCase is POST /api/v1/recovery-cases/{id}: the case's
// owner, the owner of its task, or their lead moves it to in_progress, or
// resolves it with its outcome and a note; an admin may work any case. A
// case outside the caller's scope is 404; the rules' refusals (a stale
// version, a step out of order, no outcome) map to their statuses in s.fail.
func (s *Server) updateRecoveryCase(c *gin.Context) {
	id, ok := taskID(c)
	if !ok {
		return
	}
	var req caseRequest
	if !s.readJSON(c, &req, caseShape) {
		return
	}
	switch {
	case req.Version == nil || *req.Version < 1:
		abort(c, http.StatusBadRequest, "version is required: the version of the case you read")
		return
	case len([]rune(req.Note)) > maxNoteRunes:
		abort(c, http.StatusBadRequest, "note is too long")
		return
	}
	tok := principal(c)
	done, err := s.workCase(c, tok, callback.CaseChange{CaseID: id, Version: *req.Version, Status: req.Status,
		Outcome: req.Outcome, Note: req.Note})
	if err != nil {
		s.fail(c, err)
		return
	}
	reported := ""
	if l, err := s.wh.Cases(c.Request.Context(), warehouse.CaseFilter{ID: done.ID}); err == nil && len(l) == 1 {
		reported = l[0].Reported
	}
	c.JSON(http.StatusOK, caseViewOf(done, reported, s.cfg.Now(), s.loc()))
}

// workCase runs the case rules for the caller: its scope first (a case out
// of it is warehouse.ErrNotFound), then callback.WorkCase. The API and the
// pages share it.
func (s *Server) workCase(c *gin.Context, tok warehouse.Principal, ch callback.CaseChange) (warehouse.RecoveryCase, error) {
	ctx := c.Request.Context()
	rc, err := s.wh.Case(ctx, ch.CaseID)
	if err != nil {
		return rc, err
	}
	t, err := s.wh.Task(ctx, rc.TaskID)
	if err != nil {
		return rc, err
	}
	if !s.inScope(c, tok, t) && !(tok.Role == roles.Butler && rc.Owner == tok.StaffID) {
		return rc, warehouse.ErrNotFound
	}
	ch.By, ch.At = actorOf(tok.Name, tok.StaffID), s.cfg.Now()
	ch.AnyCase = tok.Role == roles.Admin
	return callback.WorkCase(ctx, s.wh, ch)
}
