package api

import "github.com/gin-gonic/gin"

// kpisPage is /ui/kpis, the manager's page. (Being written.)
func (s *Server) kpisPage(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }
