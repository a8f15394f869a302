package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/nightly"
)

// forgetGuest is POST /api/v1/guests/{id}/forget with {"dry_run": bool}:
// an admin deletes one guest's personal data on their request (PIPL) and
// suppresses them against later imports, or, in a dry run, sees what that
// would change. dry_run must be said outright: a forgotten body never
// deletes anyone. The answer is the warehouse's report and the kept files
// (the nightly inbox's and outbox's) that held the guest and were deleted;
// the audit entry commits with the deletion. The guest's open callbacks
// close as forgotten, and the butlers' pages drop them at once.
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
	var kept nightly.Config // where the kept files are: none without a nightly pipeline
	if s.cfg.Nightly != nil {
		kept = *s.cfg.Nightly
	}
	rep, err := nightly.ForgetGuest(c.Request.Context(), s.wh, kept, c.Param("id"), *req.DryRun, s.cfg.Import.Ingest.Hasher, s.auditEntry(c, "", ""))
	if !*req.DryRun && rep.Pseudonym != "" {
		s.sheets.drop() // even when the kept files failed: the warehouse forgot
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}
