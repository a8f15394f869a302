package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// listAudit is GET /api/v1/audit?page_size=&page_token=: the audit log,
// newest first (pages of 100 by default, at most 1000). Admins only; there
// is no way to change or delete an entry.
func (s *Server) listAudit(c *gin.Context) {
	size, cursor, ok := pageRequest(c, "audit", "", 100, 1000)
	if !ok {
		return
	}
	var after *warehouse.AuditEntry
	if cursor != "" {
		// The cursor is the last entry shown: its time and number.
		at, id, _ := strings.Cut(cursor, "/")
		t, err1 := time.Parse(time.RFC3339Nano, at)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if err1 != nil || err2 != nil {
			abort(c, http.StatusBadRequest, "page_token is not one this list gave for these parameters")
			return
		}
		after = &warehouse.AuditEntry{At: t, ID: n}
	}
	entries, err := s.wh.AuditPage(c.Request.Context(), size+1, after)
	if err != nil {
		s.fail(c, err)
		return
	}
	next := ""
	if len(entries) > size {
		entries = entries[:size]
		last := entries[size-1]
		next = nextPageToken("audit", "", last.At.Format(time.RFC3339Nano)+"/"+strconv.FormatInt(last.ID, 10))
	}
	page(c, entries, next)
}
