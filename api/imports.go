package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// listImports is GET /api/v1/imports?page_size=&page_token=: the import
// manifest, newest first (pages of 100 by default, at most 1000).
func (s *Server) listImports(c *gin.Context) {
	size, cursor, ok := pageRequest(c, "imports", "", 100, 1000)
	if !ok {
		return
	}
	var before int64
	if cursor != "" {
		if before, ok = cursorInt(c, cursor); !ok {
			return
		}
	}
	imports, err := s.wh.ImportsPage(c.Request.Context(), size+1, before)
	if err != nil {
		s.fail(c, err)
		return
	}
	next := ""
	if len(imports) > size {
		imports = imports[:size]
		next = nextPageToken("imports", "", strconv.FormatInt(imports[size-1].ID, 10))
	}
	for i := range imports { // the hotel's clock, with its offset
		imports[i].StartedAt, imports[i].FinishedAt = imports[i].StartedAt.In(s.loc()), imports[i].FinishedAt.In(s.loc())
	}
	page(c, imports, next)
}

// cursorInt reads a numeric cursor; on a bad one it has answered 400.
func cursorInt(c *gin.Context, cursor string) (int64, bool) {
	n, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || n < 0 {
		abort(c, http.StatusBadRequest, "page_token is not one this list gave for these parameters")
		return 0, false
	}
	return n, true
}

// listRejects is GET /api/v1/imports/{id}/rejects?page_size=&page_token=:
// one import's rejected rows and warnings in line order (pages of 1000 by
// default, at most 10000), values masked by the loader. An import that does
// not exist is 404.
func (s *Server) listRejects(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		abort(c, http.StatusNotFound, "")
		return
	}
	size, cursor, ok := pageRequest(c, "rejects", c.Param("id"), 1000, 10000)
	if !ok {
		return
	}
	var offset int64
	if cursor != "" {
		if offset, ok = cursorInt(c, cursor); !ok {
			return
		}
	}
	ctx := c.Request.Context()
	if known, err := s.importExists(ctx, id); err != nil {
		s.fail(c, err)
		return
	} else if !known {
		s.fail(c, warehouse.ErrNotFound)
		return
	}
	rejects, err := s.wh.Rejects(ctx, warehouse.RejectFilter{ImportID: id, Limit: size + 1, Offset: int(offset)})
	if err != nil {
		s.fail(c, err)
		return
	}
	rejects, next := offsetPage(rejects, size, "rejects", c.Param("id"), offset)
	page(c, rejects, next)
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
