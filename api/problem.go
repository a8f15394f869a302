package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"revisit/warehouse"
)

// problemBase prefixes the stable problem type URIs of RFC 9457.
const problemBase = "urn:revisit:problem:"

// Problem is an RFC 9457 problem detail. Detail is always safe to show: it
// never carries personal data or internals.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// problemTypes names each status's stable type and title.
var problemTypes = map[int][2]string{
	http.StatusBadRequest:            {"bad-request", "The request is not valid"},
	http.StatusUnauthorized:          {"unauthorized", "A valid bearer token is required"},
	http.StatusForbidden:             {"forbidden", "This role may not do that"},
	http.StatusNotFound:              {"not-found", "No such resource"},
	http.StatusConflict:              {"conflict", "The resource changed"},
	http.StatusRequestEntityTooLarge: {"too-large", "The request body is too large"},
	http.StatusUnsupportedMediaType:  {"unsupported-media-type", "The body is not of a type this route takes"},
	http.StatusTooManyRequests:       {"rate-limited", "Too many requests"},
	http.StatusServiceUnavailable:    {"unavailable", "The service is not ready"},
	http.StatusInternalServerError:   {"internal", "Something went wrong on our side"},
}

// abort ends the request with a problem of the given status.
func abort(c *gin.Context, status int, detail string) {
	t, ok := problemTypes[status]
	if !ok {
		t = [2]string{"error", http.StatusText(status)}
	}
	p := Problem{Type: problemBase + t[0], Title: t[1], Status: status, Detail: detail,
		Instance: c.Request.URL.Path, RequestID: requestID(c)}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(status, p)
}

// fail maps an error from the layers below to a problem: the one place
// where errors become status codes. Internal errors are logged with the
// request id and shown to nobody.
func (s *Server) fail(c *gin.Context, err error) {
	switch {
	case errors.Is(err, warehouse.ErrNotFound):
		abort(c, http.StatusNotFound, "")
	case errors.Is(err, warehouse.ErrTaskChanged):
		abort(c, http.StatusConflict, warehouse.ErrTaskChanged.Error())
	case errors.Is(err, warehouse.ErrTaskClosed):
		abort(c, http.StatusConflict, warehouse.ErrTaskClosed.Error())
	case errors.Is(err, warehouse.ErrUnauthorized):
		abort(c, http.StatusUnauthorized, "")
	default:
		s.log.Error("request failed", "request_id", requestID(c), "path", c.FullPath(), "error", err)
		abort(c, http.StatusInternalServerError, "")
	}
}
