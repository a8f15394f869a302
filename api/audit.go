package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"revisit/warehouse"
)

// listAudit is GET /api/v1/audit?limit=: the latest audit entries, newest
// first (default 100, at most 1000). Admins only; there is no way to change
// or delete an entry.
func (s *Server) listAudit(c *gin.Context) {
	limit, ok := queryInt(c, "limit", 100, 1000)
	if !ok {
		return
	}
	entries, err := s.wh.AuditLog(c.Request.Context(), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if entries == nil {
		entries = []warehouse.AuditEntry{}
	}
	c.JSON(http.StatusOK, gin.H{"items": entries})
}
