package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports/callback"
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
	if err != nil { // a refusal maps to its status in s.fail; none is re-checked here
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewOf(done, s.loc()))
}

// attempt reads the body into an attempt on task id, or says in a safe
// detail what cannot be read (a missing version, a note too long, a time
// that is not RFC 3339). Whether the attempt obeys the callback rules — a
// known disposition, a score of 1–5, the department of an issue — is
// callback.Record's to say, as a refusal.
func (r attemptRequest) attempt(id int64) (callback.Attempt, string) {
	a := callback.Attempt{TaskID: id, Note: r.Note, Score: r.Score, Department: r.Department,
		Disposition: callback.Disposition(r.Disposition)}
	if r.Version == nil || *r.Version < 1 {
		return a, "version is required: the version of the task you read"
	}
	a.Version = *r.Version
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
	return a, ""
}
