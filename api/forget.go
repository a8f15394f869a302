package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// forgetGuest is POST /api/v1/guests/{id}/forget with {"dry_run": bool}:
// an admin deletes one guest's personal data on their request (PIPL) and
// suppresses them against later imports, or, in a dry run, sees what that
// would change. dry_run must be said outright: a forgotten body never
// deletes anyone. The answer is the warehouse's report; the audit entry
// commits with the deletion.
func (s *Server) forgetGuest(c *gin.Context) {
	var req struct {
		DryRun *bool `json:"dry_run"`
	}
	if !s.readJSON(c, &req, `{"dry_run": true}`) {
		return
	}
	if req.DryRun == nil {
		abort(c, http.StatusBadRequest, "dry_run is required: true to see what would change, false to delete")
		return
	}
	if !s.cfg.Import.Ingest.Hasher.Keyed() {
		abort(c, http.StatusServiceUnavailable, "this server was started without the ID-number key, which keys the suppression")
		return
	}
	rep, err := s.wh.ForgetGuest(c.Request.Context(), c.Param("id"), *req.DryRun, s.cfg.Import.Ingest.Hasher, s.auditEntry(c, "", ""))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}
