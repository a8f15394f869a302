package api

import "github.com/gin-gonic/gin"

// teamPage is /ui/team, the lead's board. (Being written.)
func (s *Server) teamPage(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }

// uiAssign reassigns a task from the team board.
func (s *Server) uiAssign(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }
