package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// readJSON decodes the request body into v, refusing unknown fields and
// trailing data. On failure it has already answered: 413 for a body over the
// limit, 400 otherwise, with a detail that names the expected shape but
// never echoes the body.
func (s *Server) readJSON(c *gin.Context, v any, shape string) bool {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		abort(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body may be at most %d bytes", s.cfg.BodyLimit))
		return false
	case err != nil:
		abort(c, http.StatusBadRequest, "the body must be one JSON object: "+shape)
		return false
	}
	return true
}

// taskID reads the {id} path parameter; a malformed id names no task, so
// it is 404 like any other unknown one.
func taskID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		abort(c, http.StatusNotFound, "")
		return 0, false
	}
	return id, true
}

// queryInt reads an optional positive integer query parameter: def when
// absent, capped at max, and a 400 problem when it is not a positive integer.
func queryInt(c *gin.Context, name string, def, max int) (int, bool) {
	raw, ok := c.GetQuery(name)
	if !ok {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		abort(c, http.StatusBadRequest, fmt.Sprintf("%s must be a whole number from 1 to %d", name, max))
		return 0, false
	}
	return min(n, max), true
}
