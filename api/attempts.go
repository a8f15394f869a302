package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"revisit/reports/callback"
	"revisit/warehouse"
)

// attemptRequest is the body of POST /callbacks/{id}/attempts.
type attemptRequest struct {
	Version     *int    `json:"version"`
	Disposition string  `json:"disposition"`
	Note        string  `json:"note"`
	Score       *int    `json:"score"`
	RequestedAt *string `json:"requested_at"` // RFC 3339, for call_back_later
	Department  string  `json:"department"`   // for reached_issue
}

const attemptShape = `{"version": int, "disposition": "…", "note": "…", "score": 1–5?, "requested_at": "RFC 3339"?, "department": "…"?}`

// maxNoteRunes bounds the free-text note of one call.
const maxNoteRunes = 2000

// recordAttempt is POST /api/v1/callbacks/{id}/attempts: the owner records
// one call on their task, at the server's clock. Another butler's task is
// 404; the reports/callback rules decide what the call does to the task.
func (s *Server) recordAttempt(c *gin.Context) {
	id, ok := taskID(c)
	if !ok {
		return
	}
	var req attemptRequest
	if !s.readJSON(c, &req, attemptShape) {
		return
	}
	a, detail := req.attempt(id)
	if detail != "" {
		abort(c, http.StatusBadRequest, detail)
		return
	}
	ctx := c.Request.Context()
	tok := principal(c)
	_, ok = s.scopedTask(c, tok, id)
	if !ok {
		return
	}
	a.By, a.At = tok.StaffID, s.cfg.Now()
	done, err := callback.Record(ctx, s.wh, callback.DefaultRules(s.loc()), a, callback.DefaultRecoveryDue)
	if errors.Is(err, callback.ErrNotOwner) { // reassigned since the scope check
		err = warehouse.ErrNotFound
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewOf(done, s.loc()))
}

// attempt checks the body and turns it into an attempt on task id, or says
// in a safe detail what is wrong. The checks are those callback.Record makes,
// made here so that a person's mistake is a 400 and not an internal error.
func (r attemptRequest) attempt(id int64) (callback.Attempt, string) {
	a := callback.Attempt{TaskID: id, Note: r.Note, Score: r.Score, Department: r.Department}
	if r.Version == nil || *r.Version < 1 {
		return a, "version is required: the version of the task you read"
	}
	a.Version = *r.Version
	d, err := callback.ParseDisposition(r.Disposition)
	if err != nil {
		return a, err.Error()
	}
	a.Disposition = d
	if r.Score != nil && (*r.Score < 1 || *r.Score > 5) {
		return a, "score is a satisfaction score from 1 to 5"
	}
	if len([]rune(r.Note)) > maxNoteRunes {
		return a, "note is too long"
	}
	if r.RequestedAt != nil {
		at, err := time.Parse(time.RFC3339, *r.RequestedAt)
		if err != nil {
			return a, "requested_at must be an RFC 3339 time, such as 2026-11-23T10:00:00+08:00"
		}
		a.RequestedAt = at
	}
	switch {
	case d == callback.CallBackLater && a.RequestedAt.IsZero():
		return a, "call_back_later needs requested_at, the time the guest asked to be called"
	case d == callback.ReachedIssue && a.Department == "":
		return a, "reached_issue needs department, the department that must act (客房部, 餐饮部, …)"
	}
	return a, ""
}
