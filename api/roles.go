package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"revisit/warehouse"
)

// principal is who is calling, as authenticate found them.
func principal(c *gin.Context) warehouse.Token {
	t, _ := c.MustGet("principal").(warehouse.Token)
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
