package api

import "github.com/gin-gonic/gin"

// importsPage is /ui/imports, the admin's page. (Being written.)
func (s *Server) importsPage(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }

// uiUpload loads files uploaded from the imports page.
func (s *Server) uiUpload(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }
