package api

import "github.com/gin-gonic/gin"

// callbacksPage is /ui/callbacks, the butler's list. (Being written.)
func (s *Server) callbacksPage(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }

// uiRecordAttempt records a call from the butler's list.
func (s *Server) uiRecordAttempt(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }

// uiCall reveals a guest's number to call, under audit.
func (s *Server) uiCall(c *gin.Context) { s.render(c, "error", uiData{"Message": "…"}) }
