package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// requestIDs gives every request an id, echoed in X-Request-Id, in logs and
// in problems.
func (s *Server) requestIDs(c *gin.Context) {
	id := newID()
	c.Set("request_id", id)
	c.Header("X-Request-Id", id)
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString("request_id") }

// logRequests logs one line per request: route, status, duration, who. No
// query string (filters may carry names), no bodies, no tokens.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.Info("request", "request_id", requestID(c), "method", c.Request.Method, "route", c.FullPath(),
		"status", c.Writer.Status(), "ms", time.Since(start).Milliseconds(), "actor", c.GetString("actor"))
}

// recover turns a panic into a 500 problem and keeps the process alive.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler { // a download cut short on purpose
				panic(r)
			}
			s.log.Error("panic", "request_id", requestID(c), "route", c.FullPath(), "panic", fmt.Sprint(r))
			abort(c, http.StatusInternalServerError, "")
		}
	}()
	c.Next()
}

// limitBody refuses bodies over the limit with 413: declared ones at once,
// undeclared ones as they are read. Uploads have their own, larger limit.
func (s *Server) limitBody(c *gin.Context) {
	limit := s.cfg.BodyLimit
	if c.Request.Method == http.MethodPost && (c.FullPath() == "/api/v1/imports" || c.FullPath() == "/ui/imports") {
		limit = s.cfg.UploadLimit
	}
	if c.Request.ContentLength > limit {
		if strings.HasPrefix(c.FullPath(), "/ui/") { // a browser: a page, not JSON
			c.Status(http.StatusRequestEntityTooLarge)
			s.render(c, "error", uiData{"Message": s.tr(c, "imp.too_large") + " (" + sizeText(limit) + ")"})
			c.Abort()
			return
		}
		abort(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body may be at most %d bytes", limit))
		return
	}
	body := s.bodyDeadline(c, limit)
	defer body.lift()
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

// authenticate resolves the bearer token to a principal, or answers 401.
// A GET without an Authorization header may instead carry the pages'
// session cookie (a session id, not a token), so that a signed-in browser can follow the pages'
// download links. Never a POST: the API takes no CSRF token, so a write
// must prove itself with the header, which another site cannot make a
// browser send.
func (s *Server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	session := ""
	if h == "" && c.Request.Method == http.MethodGet {
		session, _ = c.Cookie(sessionCookie)
	}
	if session == "" && (!ok || secret == "") {
		c.Header("WWW-Authenticate", `Bearer realm="revisit"`)
		abort(c, http.StatusUnauthorized, "send Authorization: Bearer <token>")
		return
	}
	var tok warehouse.Principal
	var err error
	if session != "" { // a page session, never a token (SessionPrincipal refuses one)
		tok, err = s.wh.SessionPrincipal(c.Request.Context(), session, s.cfg.Now(), s.sessionLimits())
		if err == nil && tok.MustChange {
			abort(c, http.StatusForbidden, "choose a new password on the pages first (/ui/password)")
			return
		}
	} else { // a token, never a session id (Authenticate refuses one)
		var t warehouse.Token
		t, err = s.wh.Authenticate(c.Request.Context(), secret, s.cfg.Now())
		tok = t.Principal()
	}
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="revisit", error="invalid_token"`)
		s.fail(c, err)
		return
	}
	if wait, ok := s.limiter.take(tok.Key()); !ok {
		c.Header("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		abort(c, http.StatusTooManyRequests, "slow down")
		return
	}
	c.Set("principal", tok)
	c.Set("actor", actorOf(tok.Name, tok.StaffID))
	c.Next()
}

func actorOf(name, staff string) string {
	if staff != "" {
		return staff
	}
	return name
}
