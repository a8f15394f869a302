package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// The web pages: server-rendered, bilingual (Chinese first), phone-first,
// under /ui/. A page is a template of ui/templates plus a handler that
// gathers what it shows; every page reads the warehouse directly, through
// the same scoping rules as the API.
//
// Sign-in takes a token (`revisit token create`) and opens a session
// (ui_session.go) whose id the HttpOnly, SameSite=Strict cookie holds;
// every form carries a CSRF token derived from the session, and a POST
// without it is refused. The Content Security
// Policy allows only this server's own script and styles.

//go:embed ui
var uiFiles embed.FS

const (
	sessionCookie = "revisit_session"
	langCookie    = "revisit_lang"
	csrfField     = "csrf"
)

// uiPage is one page: its path, title key, and the roles it serves.
type uiPage struct {
	path, title string
	roles       []string
}

// uiPages are the pages the navigation offers, in its order.
var uiPages = []uiPage{
	{"/ui/callbacks", "nav.callbacks", []string{roles.Butler}},
	{"/ui/team", "nav.team", []string{roles.Lead}},
	{"/ui/kpis", "nav.kpis", []string{roles.Manager, roles.Admin}},
	{"/ui/downloads", "nav.downloads", []string{roles.Marketing, roles.Manager, roles.Admin}},
	{"/ui/campaigns", "nav.campaigns", []string{roles.Marketing, roles.Manager, roles.Admin}},
	{"/ui/imports", "nav.imports", []string{roles.Admin}},
	{"/ui/staff", "nav.staff", []string{roles.Admin}},
	{"/ui/identity", "nav.identity", []string{roles.Admin}},
}

func pageRoles(path string) []string {
	for _, p := range uiPages {
		if p.path == path {
			return p.roles
		}
	}
	return nil
}

// uiRoutes registers the pages.
func (s *Server) uiRoutes() {
	static, _ := fs.Sub(uiFiles, "ui/static")
	s.engine.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/ui/") })
	s.engine.StaticFS("/ui/static", http.FS(static))
	ui := s.engine.Group("/ui", s.uiHeaders)
	ui.GET("/login", s.loginPage)
	ui.POST("/login", s.login)
	ui.GET("/link/:secret", s.linkPage)
	signed := ui.Group("", s.uiSession)
	signed.GET("/", s.home)
	signed.POST("/logout", s.uiCSRF, s.logout)
	signed.GET("/password", s.passwordPage)
	signed.POST("/password", s.uiCSRF, s.uiChangePassword)
	signed.POST("/signin-links", s.uiAllow(roles.Admin, roles.Lead), s.uiCSRF, s.uiMakeLink)
	signed.POST("/sessions/revoke", s.uiAllow(roles.Admin), s.uiCSRF, s.uiEndSessions)
	for _, p := range uiPages {
		signed.GET(strings.TrimPrefix(p.path, "/ui"), s.uiAllow(p.roles...), s.uiPageHandler(p.path))
	}
	s.uiPostRoutes(signed)
}

// uiPostRoutes are the pages' forms. Every one checks the CSRF token first
// (the upload's files are read only after a valid token: uiStageUpload).
func (s *Server) uiPostRoutes(signed *gin.RouterGroup) {
	signed.POST("/callbacks/:id/attempt", s.uiAllow(roles.Butler), s.uiCSRF, s.uiRecordAttempt)
	signed.POST("/guests/:id/call", s.uiAllow(roles.Butler, roles.Lead), s.uiCSRF, s.uiCall)
	signed.POST("/team/:id/assign", s.uiAllow(roles.Lead), s.uiCSRF, s.uiAssign)
	signed.POST("/recovery/:id", s.uiAllow(roles.Butler, roles.Lead), s.uiCSRF, s.uiWorkCase)
	signed.POST("/imports", s.uiAllow(roles.Admin), s.uiStageUpload, s.uiCSRF, s.uiUpload)
	signed.POST("/staff", s.uiAllow(roles.Admin), s.uiCSRF, s.uiCreateStaff)
	signed.POST("/staff/:id/reset", s.uiAllow(roles.Admin), s.uiCSRF, s.uiResetStaff)
	signed.POST("/staff/:id/disable", s.uiAllow(roles.Admin), s.uiCSRF, s.uiDisableStaff)
	signed.POST("/tokens", s.uiAllow(roles.Admin), s.uiCSRF, s.uiCreateToken)
	signed.POST("/tokens/:id/revoke", s.uiAllow(roles.Admin), s.uiCSRF, s.uiRevokeToken)
	signed.POST("/identity/split", s.uiAllow(roles.Admin), s.uiCSRF, s.uiIdentityChange(false))
	signed.POST("/identity/merge", s.uiAllow(roles.Admin), s.uiCSRF, s.uiIdentityChange(true))
	signed.POST("/identity/review", s.uiAllow(roles.Admin), s.uiCSRF, s.uiAnswerReview)
	signed.POST("/campaigns", s.uiAllow(roles.Marketing, roles.Manager, roles.Admin), s.uiCSRF, s.uiCreateCampaign)
}

// uiPageHandler finds the handler of a page.
func (s *Server) uiPageHandler(path string) gin.HandlerFunc {
	switch path {
	case "/ui/callbacks":
		return s.callbacksPage
	case "/ui/team":
		return s.teamPage
	case "/ui/kpis":
		return s.kpisPage
	case "/ui/downloads":
		return s.downloadsPage
	case "/ui/campaigns":
		return s.campaignsPage
	case "/ui/imports":
		return s.importsPage
	case "/ui/staff":
		return s.staffPage
	case "/ui/identity":
		return s.identityPage
	}
	panic("no handler for page " + path)
}

// uiHeaders sets what every page sends: no caching of personal data, no
// framing, and a Content Security Policy that allows this server's own
// script, styles and images only.
func (s *Server) uiHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// uiSession reads the session cookie; without a valid one the browser is
// sent to the sign-in page (and back here after it). Pages are limited per
// person as the API is (429 with Retry-After), and a staff account that
// must choose a new password is sent to do that first.
func (s *Server) uiSession(c *gin.Context) {
	id, err := c.Cookie(sessionCookie)
	if err == nil && id != "" {
		if tok, err := s.wh.SessionPrincipal(c.Request.Context(), id, s.cfg.Now(), s.sessionLimits()); err == nil {
			c.Set("principal", tok)
			c.Set("actor", actorOf(tok.Name, tok.StaffID))
			c.Set("session", id)
			if wait, ok := s.limiter.take(tok.Key()); !ok {
				secs := int(wait.Seconds()) + 1
				c.Header("Retry-After", strconv.Itoa(secs))
				c.Status(http.StatusTooManyRequests)
				s.render(c, "error", uiData{"Message": fmt.Sprintf(s.tr(c, "error.slow"), secs)})
				c.Abort()
				return
			}
			if tok.MustChange && c.Request.URL.Path != passwordPath && c.Request.URL.Path != "/ui/logout" {
				c.Redirect(http.StatusSeeOther, passwordPath+"?next="+template.URLQueryEscaper(safeNext(c.Request.URL.RequestURI())))
				c.Abort()
				return
			}
			c.Next()
			return
		}
	}
	next := c.Request.URL.Path
	if c.Request.Method != http.MethodGet {
		next = "/ui/"
	}
	c.Redirect(http.StatusSeeOther, "/ui/login?next="+template.URLQueryEscaper(next))
	c.Abort()
}

// uiAllow shows a page only to the roles it serves; others get a page that
// says so.
func (s *Server) uiAllow(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, principal(c).Role) {
			c.Status(http.StatusForbidden)
			s.render(c, "error", uiData{"Message": s.tr(c, "error.forbidden")})
			c.Abort()
			return
		}
		c.Next()
	}
}

// csrfKey signs CSRF tokens; a new one at every start, so a restart
// invalidates open forms (they are re-shown with a fresh token).
var csrfKey = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}()

// csrfToken is the session's CSRF token: an HMAC of the session, so it
// needs no storage and changes with the session.
func csrfToken(session string) string {
	m := hmac.New(sha256.New, csrfKey)
	m.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// uiCSRF refuses a form post whose CSRF token is missing or not this
// session's.
func (s *Server) uiCSRF(c *gin.Context) {
	want := csrfToken(c.GetString("session"))
	got := c.PostForm(csrfField)
	if got == "" {
		got = c.GetHeader("X-CSRF-Token")
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		c.Status(http.StatusForbidden)
		s.render(c, "error", uiData{"Message": s.tr(c, "error.csrf")})
		c.Abort()
		return
	}
	c.Next()
}

// uiFail shows an error page: not found for what is out of scope, a
// generic message (and the request id) for anything else.
func (s *Server) uiFail(c *gin.Context, err error) {
	if errors.Is(err, warehouse.ErrNotFound) {
		c.Status(http.StatusNotFound)
		s.render(c, "error", uiData{"Message": s.tr(c, "error.notfound")})
		return
	}
	s.log.Error("page failed", "request_id", requestID(c), "path", c.FullPath(), "error", err)
	c.Status(http.StatusInternalServerError)
	s.render(c, "error", uiData{"Message": s.tr(c, "error.internal")})
}

// home sends each role to its first page.
func (s *Server) home(c *gin.Context) {
	role := principal(c).Role
	for _, p := range uiPages {
		if slices.Contains(p.roles, role) {
			c.Redirect(http.StatusSeeOther, p.path)
			return
		}
	}
	c.Redirect(http.StatusSeeOther, "/ui/login")
}

// safeNext keeps a post-sign-in redirect on this site's pages.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/ui/"
	}
	return next
}

// uiData is what a template gets besides the common fields.
type uiData map[string]any

// render executes a page template inside the layout.
func (s *Server) render(c *gin.Context, page string, data uiData) {
	if data == nil {
		data = uiData{}
	}
	lang := uiLang(c)
	data["Lang"] = lang
	data["Path"] = c.Request.URL.Path
	data["RequestID"] = requestID(c)
	data["Money"] = s.cfg.Currency // the symbol amounts are shown with
	data["PasswordChanged"] = c.Query("password") == "changed"
	if tok, ok := c.Get("principal"); ok {
		t := tok.(warehouse.Principal)
		data["User"] = t
		data["CSRF"] = csrfToken(c.GetString("session"))
		var nav []map[string]string
		for _, p := range uiPages {
			if slices.Contains(p.roles, t.Role) {
				nav = append(nav, map[string]string{"Path": p.path, "Title": translate(lang, p.title)})
			}
		}
		data["Nav"] = nav
		if t.Role == roles.Manager || t.Role == roles.Admin {
			data["Banner"] = s.nightlyBanner(c, lang)
		}
	}
	var buf bytes.Buffer
	if err := uiTemplates(lang).ExecuteTemplate(&buf, page, data); err != nil {
		s.log.Error("page failed", "request_id", requestID(c), "page", page, "error", err)
		c.Status(http.StatusInternalServerError)
		buf.Reset()
		_ = uiTemplates(lang).ExecuteTemplate(&buf, "error", uiData{"Lang": lang, "Message": translate(lang, "error.internal"), "RequestID": requestID(c)})
	}
	status := c.Writer.Status()
	if !c.Writer.Written() && status == 0 {
		status = http.StatusOK
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// uiLang is the page language: ?lang= (remembered in a cookie), else the
// cookie, else Chinese.
func uiLang(c *gin.Context) string {
	if l := c.Query("lang"); l == "en" || l == "zh" {
		http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return l
	}
	if l, err := c.Cookie(langCookie); err == nil && (l == "en" || l == "zh") {
		return l
	}
	return "zh"
}

func (s *Server) tr(c *gin.Context, key string) string { return translate(uiLang(c), key) }

// nightlyBanner is the warning managers and admins see on every page when
// the last nightly run did not succeed, or none has for two days: the
// numbers they read are then older than they think.
func (s *Server) nightlyBanner(c *gin.Context, lang string) string {
	runs, err := s.wh.JobRuns(c.Request.Context(), 20)
	if err != nil {
		return ""
	}
	for _, r := range runs {
		if r.Job != "nightly" || r.Status == warehouse.JobRunning || r.Status == warehouse.JobSkipped {
			continue
		}
		at := r.StartedAt.In(s.loc()).Format("2006-01-02 15:04")
		if r.Status != warehouse.JobSucceeded {
			return fmt.Sprintf(translate(lang, "banner.failed"), r.NightText, at, r.Error)
		}
		if s.cfg.Now().Sub(r.StartedAt) > 48*time.Hour {
			return fmt.Sprintf(translate(lang, "banner.stale"), r.NightText)
		}
		return ""
	}
	return ""
}
