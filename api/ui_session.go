package api

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Sessions of the pages. The cookie holds a session id the warehouse made
// (stored there hashed), never an API token; the API never takes the id as
// a bearer token. Before there is a session, the sign-in form is protected
// by a pre-session nonce: a cookie set with the form, whose HMAC the form
// carries (the same HMAC as every other form's CSRF token), so another
// site can neither read the form's value nor send the cookie with its post
// (SameSite=Strict).

func init() {
	addMessages(map[string][2]string{
		"sess.title":   {"登录会话", "Sign-in sessions"},
		"sess.hint":    {"结束所有浏览器的登录（包括您自己的）：丢失的手机或离职员工的浏览器需要重新登录。", "End every browser's sign-in, yours too: a lost phone or a departed colleague's browser must sign in again."},
		"sess.end_all": {"全部退出登录", "Sign out everywhere"},
	})
}

const (
	loginCookie = "revisit_login" // the pre-session nonce of the sign-in form
	loginPath   = "/ui/login"
)

// sessionLimits are the configured idle and absolute lifetimes.
func (s *Server) sessionLimits() warehouse.SessionLimits {
	return warehouse.SessionLimits{Idle: s.cfg.SessionIdle, Absolute: s.cfg.SessionAbsolute}
}

// loginCSRF is the sign-in form's token for a pre-session nonce: an HMAC
// apart from any session's (the "login:" prefix keeps the two domains
// apart).
func loginCSRF(nonce string) string { return csrfToken("login:" + nonce) }

// newLoginNonce sets the sign-in form's pre-session cookie and returns the
// form's token for it.
func (s *Server) newLoginNonce(c *gin.Context) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	s.setCookie(c, loginCookie, nonce, loginPath, 3600)
	return loginCSRF(nonce)
}

// crossSite reports whether a post comes from another site: the browser
// says so (Sec-Fetch-Site), or its Origin is not the host it was sent to.
// A post with neither header (an old browser, a script) is judged by the
// pre-session token alone.
func crossSite(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	// An Origin is scheme://host[:port] and nothing else; anything more is
	// no browser's, and is refused rather than read generously.
	u, err := url.Parse(origin)
	return err != nil || u.Host == "" || u.User != nil || u.Opaque != "" || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.Fragment != "" || !strings.EqualFold(u.Host, r.Host)
}

// overHTTPS reports whether the browser reached us over TLS: directly, or
// through a trusted proxy that says so in X-Forwarded-Proto. Anyone else's
// X-Forwarded-Proto is ignored.
func (s *Server) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]), "https") {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	peer = peer.Unmap()
	for _, p := range s.proxies {
		if p.Contains(peer) {
			return true
		}
	}
	return false
}

// parseProxies reads Config.TrustedProxies (addresses or CIDR ranges, as
// gin takes them) for overHTTPS.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range list {
		if strings.Contains(p, "/") {
			pre, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, err
			}
			out = append(out, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// setCookie sets an HttpOnly, SameSite=Strict cookie, Secure exactly when
// the request came over HTTPS: a Secure cookie over plain HTTP is dropped
// by the browser, which on a hotel LAN signed no one in.
func (s *Server) setCookie(c *gin.Context, name, value, path string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: s.overHTTPS(c.Request), SameSite: http.SameSiteStrictMode})
}

// uiEndSessions is POST /ui/sessions/revoke, the imports page's "sign out
// everywhere": every session ends, the admin's own too.
func (s *Server) uiEndSessions(c *gin.Context) {
	if _, err := s.wh.EndSessions(c.Request.Context(), nil, s.auditEntry(c, "", "")); err != nil {
		s.uiFail(c, err)
		return
	}
	s.setCookie(c, sessionCookie, "", "/", -1)
	c.Redirect(http.StatusSeeOther, loginPath)
}

// endSessions is POST /api/v1/sessions/revoke: {"token_id": N} ends that
// token's page sessions, {"staff_id": "B005"} that staff account's, {}
// everyone's; audited.
func (s *Server) endSessions(c *gin.Context) {
	var body struct {
		TokenID *int64  `json:"token_id"`
		StaffID *string `json:"staff_id"`
	}
	if !s.readJSON(c, &body, `{"token_id": N}, {"staff_id": "B005"} or {}`) {
		return
	}
	if body.TokenID != nil && body.StaffID != nil {
		abort(c, http.StatusBadRequest, `give token_id or staff_id, not both`)
		return
	}
	var n int64
	var err error
	if body.StaffID != nil {
		n, err = s.wh.EndStaffSessions(c.Request.Context(), *body.StaffID, s.auditEntry(c, "", ""))
	} else {
		n, err = s.wh.EndSessions(c.Request.Context(), body.TokenID, s.auditEntry(c, "", ""))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ended": n})
}

// loginNonceOK checks the sign-in form's token against its cookie.
func loginNonceOK(c *gin.Context) (cookie, ok bool) {
	nonce, err := c.Cookie(loginCookie)
	if err != nil || nonce == "" {
		return false, false
	}
	return true, hmac.Equal([]byte(c.PostForm(csrfField)), []byte(loginCSRF(nonce)))
}
