package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"revisit/warehouse"
)

// listImports is GET /api/v1/imports?limit=: the import manifest, newest
// first (default 100, at most 1000).
func (s *Server) listImports(c *gin.Context) {
	limit, ok := queryInt(c, "limit", 100, 1000)
	if !ok {
		return
	}
	imports, err := s.wh.Imports(c.Request.Context(), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if imports == nil {
		imports = []warehouse.ImportRecord{}
	}
	c.JSON(http.StatusOK, gin.H{"items": imports})
}

// listRejects is GET /api/v1/imports/{id}/rejects?limit=: one import's
// rejected rows and warnings in line order (default 1000, at most 10000),
// values masked by the loader. An import that does not exist is 404.
func (s *Server) listRejects(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		abort(c, http.StatusNotFound, "")
		return
	}
	limit, ok := queryInt(c, "limit", 1000, 10000)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if known, err := s.importExists(ctx, id); err != nil {
		s.fail(c, err)
		return
	} else if !known {
		s.fail(c, warehouse.ErrNotFound)
		return
	}
	rejects, err := s.wh.Rejects(ctx, warehouse.RejectFilter{ImportID: id, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	if rejects == nil {
		rejects = []warehouse.RejectRecord{}
	}
	c.JSON(http.StatusOK, gin.H{"items": rejects})
}

// importExists looks the id up in the manifest, which holds one row per
// file ever imported: small enough to scan.
func (s *Server) importExists(ctx context.Context, id int64) (bool, error) {
	all, err := s.wh.Imports(ctx, 1<<30)
	if err != nil {
		return false, err
	}
	for _, r := range all {
		if r.ID == id {
			return true, nil
		}
	}
	return false, nil
}
