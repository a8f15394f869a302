package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
)

// assignRequest is the body of POST /callbacks/{id}/assign.
type assignRequest struct {
	Version *int   `json:"version"`
	To      string `json:"to"`
	Reason  string `json:"reason"`
}

const assignShape = `{"version": int, "to": "staff id", "reason": "…"}`

// assignTask is POST /api/v1/callbacks/{id}/assign: the owner's team lead
// (or the lead the task was escalated to) gives an idle task to another
// butler, and the audit log records it.
//
// Statuses: a task outside a lead's team is 404; a caller who is not the
// owner's lead is 403 (an admin too: 首问责任制 lets only the lead move a
// guest, and an admin token names no lead); a refusal by the idle rule —
// the owner already called, or has not yet held the task long enough — is
// 409 with the rule's message, as is a task that changed or closed; a new
// owner outside the lead's own team is 403, one not on the roster 400.
func (s *Server) assignTask(c *gin.Context) {
	id, ok := taskID(c)
	if !ok {
		return
	}
	var req assignRequest
	if !s.readJSON(c, &req, assignShape) {
		return
	}
	req.To, req.Reason = strings.TrimSpace(req.To), strings.TrimSpace(req.Reason)
	switch {
	case req.Version == nil || *req.Version < 1:
		abort(c, http.StatusBadRequest, "version is required: the version of the task you read")
		return
	case req.To == "" || req.Reason == "":
		abort(c, http.StatusBadRequest, "to (the new owner's staff id) and reason are required")
		return
	}
	ctx := c.Request.Context()
	tok := principal(c)
	if _, ok := s.scopedTask(c, tok, id); !ok {
		return
	}
	by := actorOf(tok.Name, tok.StaffID)
	now := s.cfg.Now()
	audit := &warehouse.AuditEntry{At: now, Actor: by, Role: tok.Role, Action: warehouse.AuditAssign,
		Target: fmt.Sprintf("task %d", id), Filter: "to " + req.To, Rows: 1, ClientIP: c.ClientIP()}
	// The rules judge the staff id: a token that names none (an admin's)
	// is no one's lead, whatever its name.
	done, err := callback.Reassign(ctx, s.wh, id, *req.Version, req.To, tok.StaffID, req.Reason, now, callback.DefaultIdle, audit)
	if err != nil { // the rules' refusals map to their statuses in s.fail
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewOf(done, s.loc()))
}
