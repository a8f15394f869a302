package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// livez answers while the process runs.
func (s *Server) livez(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readyz answers 503 while shutting down or when the warehouse cannot be
// queried.
func (s *Server) readyz(c *gin.Context) {
	if s.stopping.Load() {
		abort(c, http.StatusServiceUnavailable, "shutting down")
		return
	}
	if err := s.wh.DB().PingContext(c.Request.Context()); err != nil {
		abort(c, http.StatusServiceUnavailable, "the warehouse cannot be reached")
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// Ready says whether the server takes new work: false once shutdown began.
func (s *Server) Ready() bool { return !s.stopping.Load() }
