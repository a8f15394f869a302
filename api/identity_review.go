package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
)

// reviewListLimit caps the review list: an admin works from the top.
const reviewListLimit = 200

// identityReview is GET /api/v1/identity/review: the likely wrong and
// likely missed merges, most likely first, that no admin has answered.
func (s *Server) identityReview(c *gin.Context) {
	items, err := identity.Review(c.Request.Context(), s.wh, reviewListLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if items == nil {
		items = []identity.ReviewItem{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// answerReview is POST /api/v1/identity/review with {"key", "decision"}:
// confirm makes the item's split or merge, dismiss only records; either
// way the item is not offered again.
func (s *Server) answerReview(c *gin.Context) {
	var req struct {
		Key      string `json:"key"`
		Decision string `json:"decision"`
	}
	if !s.readJSON(c, &req, `{"key": "wrong:P2:P1", "decision": "dismiss"}`) {
		return
	}
	rep, err := identity.Answer(c.Request.Context(), s.wh, identity.ReviewAnswer{Key: req.Key, Decision: req.Decision,
		MaxSharedEvidence: s.cfg.Import.MaxSharedEvidence}, s.auditEntry(c, "", ""))
	var inv *warehouse.InvalidError
	switch {
	case errors.As(err, &inv):
		abort(c, http.StatusBadRequest, inv.Msg)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"key": req.Key, "decision": req.Decision, "change": rep})
}
