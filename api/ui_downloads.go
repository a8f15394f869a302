package api

import "github.com/gin-gonic/gin"

// downloadsPage is /ui/downloads, marketing's page. (Being written.)
func (s *Server) downloadsPage(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }
