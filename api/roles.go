package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// principal is who is calling, as authenticate found them.
func principal(c *gin.Context) warehouse.Principal {
	t, _ := c.MustGet("principal").(warehouse.Principal)
	return t
}

// allow lets only the given roles through; others get 403.
func (s *Server) allow(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, principal(c).Role) {
			abort(c, http.StatusForbidden, "the "+principal(c).Role+" role may not use this")
			return
		}
		c.Next()
	}
}

// auditEntry is an audit row for the caller's action now: who (their staff
// id, else the token's name), their role, from where.
func (s *Server) auditEntry(c *gin.Context, target, filter string) warehouse.AuditEntry {
	tok := principal(c)
	return warehouse.AuditEntry{At: s.cfg.Now(), Actor: actorOf(tok.Name, tok.StaffID), Role: tok.Role,
		Target: target, Filter: filter, ClientIP: c.ClientIP()}
}
