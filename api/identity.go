package api

import (
	"net/http"
	"strings"

	"github.com/revisit-hotel/revisit/warehouse/identity"

	"github.com/gin-gonic/gin"
)

// identityRequest is the body of POST /identity/split and /identity/merge.
// dry_run must be said outright: a forgotten field never changes a guest.
type identityRequest struct {
	Profile string `json:"profile"`
	Into    string `json:"into"`
	DryRun  *bool  `json:"dry_run"`
}

// splitProfile is POST /api/v1/identity/split: an admin keeps a profile
// apart from the rest of its guest, for good, or sees what would move.
func (s *Server) splitProfile(c *gin.Context) { s.changeIdentity(c, false) }

// mergeProfile is POST /api/v1/identity/merge: an admin joins a profile to
// a guest, for good, or sees what would move. A merge across two valid ID
// numbers is 409 with the reason.
func (s *Server) mergeProfile(c *gin.Context) { s.changeIdentity(c, true) }

func (s *Server) changeIdentity(c *gin.Context, merge bool) {
	var req identityRequest
	example := `{"profile": "P123", "dry_run": true}`
	if merge {
		example = `{"profile": "P123", "into": "P100", "dry_run": true}`
	}
	if !s.readJSON(c, &req, example) {
		return
	}
	req.Profile, req.Into = strings.TrimSpace(req.Profile), strings.TrimSpace(req.Into)
	switch {
	case req.Profile == "":
		abort(c, http.StatusBadRequest, "profile is required: the PMS profile id")
		return
	case merge && req.Into == "":
		abort(c, http.StatusBadRequest, "into is required: the guest to join the profile to")
		return
	case !merge && req.Into != "":
		abort(c, http.StatusBadRequest, "a split takes no into: it keeps the profile apart from its own guest")
		return
	case req.DryRun == nil:
		abort(c, http.StatusBadRequest, "dry_run is required: true to see what would move, false to change")
		return
	}
	ch := identity.Change{Profile: req.Profile, Into: req.Into, DryRun: *req.DryRun,
		MaxSharedEvidence: s.cfg.Import.MaxSharedEvidence}
	rep, err := s.applyIdentity(c, merge, ch)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// applyIdentity merges or splits as the signed-in person, audited: the
// API's and the page's one way to change who is one guest.
func (s *Server) applyIdentity(c *gin.Context, merge bool, ch identity.Change) (identity.Report, error) {
	if merge {
		return identity.Merge(c.Request.Context(), s.wh, ch, s.auditEntry(c, "", ""))
	}
	return identity.Split(c.Request.Context(), s.wh, ch, s.auditEntry(c, "", ""))
}
