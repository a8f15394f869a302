package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
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
	// Rule names the callback rule that refused, for programs (see
	// callback.Rule…); absent on other problems.
	Rule string `json:"rule,omitempty"`
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
		Instance: c.Request.URL.Path, RequestID: requestID(c), Rule: c.GetString(refusalRuleKey)}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(status, p)
}

// fail maps an error from the layers below to a problem: the one place
// where errors become status codes. Internal errors are logged with the
// request id and shown to nobody.
func (s *Server) fail(c *gin.Context, err error) {
	if r, ok := callback.AsRefusal(err); ok {
		abortRefusal(c, r, r.Message)
		return
	}
	var identity *identity.Refusal
	switch {
	case errors.As(err, &identity):
		c.Set(refusalRuleKey, identity.Rule)
		abort(c, http.StatusConflict, identity.Msg)
	case errors.Is(err, warehouse.ErrNotFound):
		abort(c, http.StatusNotFound, "")
	case errors.Is(err, warehouse.ErrUnauthorized):
		abort(c, http.StatusUnauthorized, "")
	default:
		s.log.Error("request failed", "request_id", requestID(c), "path", c.FullPath(), "error", err)
		abort(c, http.StatusInternalServerError, "")
	}
}

// refusalStatus is the status of each callback rule's refusal: a person's
// mistake in what they sent is 400; a rule about who may act is 403, or
// 404 where even the thing's existence is not theirs to know; a rule about
// the state of the task or case now is 409.
var refusalStatus = map[string]int{
	callback.RuleNotOwner:            http.StatusNotFound,
	callback.RuleNotLead:             http.StatusForbidden,
	callback.RuleNotOnTeam:           http.StatusForbidden,
	callback.RuleUnknownButler:       http.StatusBadRequest,
	callback.RuleTaskClosed:          http.StatusConflict,
	callback.RuleStaleVersion:        http.StatusConflict,
	callback.RuleAlreadyCalled:       http.StatusConflict,
	callback.RuleNotIdle:             http.StatusConflict,
	callback.RuleCaseStep:            http.StatusConflict,
	callback.RuleUnknownDisposition:  http.StatusBadRequest,
	callback.RuleScoreRange:          http.StatusBadRequest,
	callback.RuleRequestedAtRequired: http.StatusBadRequest,
	callback.RuleRequestedAtRange:    http.StatusBadRequest,
	callback.RuleDepartmentRequired:  http.StatusBadRequest,
	callback.RuleOutcomeRequired:     http.StatusBadRequest,
	callback.RuleUnknownCaseStatus:   http.StatusBadRequest,
}

// statusOfRefusal is the status a refusal maps to; a rule this table does
// not know yet is a conflict, never a 500.
func statusOfRefusal(r *callback.Refusal) int {
	if st, ok := refusalStatus[r.Rule]; ok {
		return st
	}
	return http.StatusConflict
}

// abortRefusal answers a refusal with its status, the rule, and detail (its
// message in the language the caller reads). A 404 says nothing more: a
// task or case outside the caller's hands does not exist for them.
func abortRefusal(c *gin.Context, r *callback.Refusal, detail string) {
	st := statusOfRefusal(r)
	if st == http.StatusNotFound {
		abort(c, st, "")
		return
	}
	c.Set(refusalRuleKey, r.Rule)
	abort(c, st, detail)
}

// refusalRuleKey carries the refusing rule from abortRefusal to abort.
const refusalRuleKey = "revisit.refusal_rule"

// refusalText is a refusal's message in lang ("en" or Chinese otherwise),
// for pages.
func refusalText(r *callback.Refusal, lang string) string {
	if lang == "en" || r.MessageZH == "" {
		return r.Message
	}
	return r.MessageZH
}
